// A program running in the background of a sandbox while a test does
// other things (samples the engine, runs a victim), its output collected.
#pragma once

#include "paddock/engine.h"
#include "paddock/exec_session.h"

#include <QByteArray>
#include <QString>

namespace paddock::test {

class Background {
public:
    // `python3 -c code`; its stdin stays open until stop().
    Background(Engine &engine, const QString &sandbox, const QString &code);
    ~Background() { stop(); }
    Background(const Background &) = delete;
    Background &operator=(const Background &) = delete;
    // The first output line starting with `prefix`, waiting up to `ms`.
    QByteArray line(const QByteArray &prefix, int ms);
    // Closes its stdin, and kills it if it has not ended 20 s later.
    void stop();

private:
    ExecSession *m_session = nullptr;
    QByteArray m_out;
    bool m_done = false;
};

} // namespace paddock::test

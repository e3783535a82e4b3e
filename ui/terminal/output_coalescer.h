// Batches terminal output for the page: a burst becomes a few large writes
// instead of thousands of small ones (Konsole's habit: flush 10 ms after
// the last byte, and at the latest 40 ms after the first), so the UI
// thread stays responsive under any flood.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace paddock::ui {

class OutputCoalescer : public QObject {
    Q_OBJECT
public:
    explicit OutputCoalescer(QObject *parent = nullptr);
    void append(const QByteArray &bytes);
    void flush();

Q_SIGNALS:
    void ready(const QByteArray &batch);

private:
    QByteArray m_pending;
    QTimer m_quiet; // 10 ms after the last byte
    QElapsedTimer m_sinceFirst; // 40 ms after the first at the latest
};

} // namespace paddock::ui

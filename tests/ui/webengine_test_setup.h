// Call from a QtTest class's static initMain(), before the QApplication
// exists (a free function there is silently ignored).
#pragma once

#include <QCoreApplication>

#include <unistd.h>

namespace paddock::test {

inline void prepareWebEngineForTests()
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    if (::getuid() == 0) // Chromium refuses to run as root with its sandbox; tests only, never the app
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
}

} // namespace paddock::test

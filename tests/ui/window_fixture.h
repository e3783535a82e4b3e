// The real main window over a real engine (on its own thread) in a private
// data dir, for a whole test case.
#pragma once

#include "test_support.h"

#include "engine_bridge.h"
#include "main_window.h"

#include <QStandardPaths>
#include <QTest>

namespace paddock::test {

struct WindowFixture {
    std::unique_ptr<TestDataDir> data;
    std::unique_ptr<ui::EngineBridge> engine;
    std::unique_ptr<ui::MainWindow> window;

    // Returns what failed, or an empty string.
    QString setUp()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings in a test location
        data = std::make_unique<TestDataDir>();
        engine = std::make_unique<ui::EngineBridge>();
        if (auto opened = engine->open(data->paths()); !opened)
            return opened.error().message;
        window = std::make_unique<ui::MainWindow>(*engine);
        window->resize(1100, 700);
        window->show();
        return QTest::qWaitForWindowExposed(window.get()) ? QString() : QStringLiteral("window not exposed");
    }
    void tearDown()
    {
        window.reset();
        engine.reset(); // before the data dir, which removes the sandboxes
        data.reset();
    }
};

} // namespace paddock::test

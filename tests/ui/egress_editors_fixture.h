// The Egress tab on its own (no main window, no WebEngine) over a real
// engine on its own thread in a private data dir, with one real sandbox
// for the tab to show; for the rule, handler and secrets editors' tests.
#pragma once

#include "engine_calls.h"
#include "test_support.h"

#include "egress/egress_question_model.h"
#include "engine_bridge.h"
#include "pages/egress_page.h"
#include "theme/appearance.h"

#include <QApplication>

#include <QDir>
#include <QImage>
#include <QStandardPaths>
#include <QTest>
#include <QWidget>

namespace paddock::test {

struct EgressEditorsFixture {
    std::unique_ptr<TestDataDir> data;
    std::unique_ptr<ui::EngineBridge> engine;
    std::unique_ptr<ui::EgressQuestionModel> questions;
    std::unique_ptr<ui::EgressPage> page;
    SandboxInfo sandbox;

    // Returns what failed, or an empty string. No sandbox without a name.
    QString setUp(const QString &sandboxName)
    {
        QStandardPaths::setTestModeEnabled(true); // presets and settings in a test location
        data = std::make_unique<TestDataDir>();
        engine = std::make_unique<ui::EngineBridge>();
        if (auto opened = engine->open(data->paths()); !opened) return opened.error().message;
        questions = std::make_unique<ui::EgressQuestionModel>(*engine);
        page = std::make_unique<ui::EgressPage>(*engine, *questions);
        page->resize(1000, 700);
        page->show();
        if (!QTest::qWaitForWindowExposed(page.get()))
            return QStringLiteral("the Egress tab was not exposed");
        if (sandboxName.isEmpty()) return {};
        auto created = onEngine<SandboxInfo>(
            *engine, [sandboxName](Engine &e) { return e.createSandbox({ sandboxName }); }, 120000);
        if (!created) return created.error().message;
        sandbox = *created;
        page->showSandbox(sandbox);
        return {};
    }
    void tearDown()
    {
        page.reset();
        questions.reset();
        engine.reset(); // before the data dir, which removes the sandbox
        data.reset();
    }
    CliRun cli(const QStringList &args) { return runCli(data->paths().dataDir(), args); }
};

// Saves a widget's picture for review under the build's screenshots/.
inline bool saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = QStringLiteral(PADDOCK_SCREENSHOT_DIR);
    QDir().mkpath(dir);
    const QString file = QStringLiteral("%1/%2.png").arg(dir, name);
    if (!widget->grab().toImage().save(file)) return false;
    qInfo("screenshot: %s", qPrintable(file));
    return true;
}

// Switches the application's look and waits until `widget` wears it.
inline bool wearLook(QWidget *widget, ui::Appearance appearance)
{
    ui::setAppearance(appearance);
    return QTest::qWaitFor(
        [widget] {
            return widget->palette().color(QPalette::Window)
                == QApplication::palette().color(QPalette::Window);
        },
        kWaitMs);
}

} // namespace paddock::test

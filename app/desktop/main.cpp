// paddock-desktop: the Paddock window, with the engine in-process on its
// own thread. `paddock-desktop [--data-dir DIR]`. One window per data dir: a
// second launch raises the first and exits 0.
#include "engine_takeover.h"
#include "single_instance.h"

#include "engine_bridge.h"
#include "main_window.h"
#include "theme/appearance.h"
#include "theme/icons.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

using namespace paddock;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Paddock"));
    QApplication::setApplicationName(QStringLiteral("Paddock"));
    QApplication::setApplicationVersion(QStringLiteral(PADDOCK_VERSION));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({ QStringLiteral("data-dir"), QStringLiteral("Paddock's data directory."), QStringLiteral("DIR") });
    parser.process(app);

    const DataPaths paths = DataPaths::resolve(parser.value(QStringLiteral("data-dir")));
    // Before the engine: a second window would find the data dir taken and
    // try to take it over from the first.
    desktop::SingleInstance instance(desktop::SingleInstance::socketPathFor(paths));
    if (auto made = paths.ensureExists(); made) {
        auto role = instance.claim();
        if (role && *role == desktop::SingleInstance::Role::Secondary)
            return 0;
        if (!role) // still usable as a window; later launches just won't find this one
            qWarning("%s", qPrintable(role.error().message));
    }
    QApplication::setWindowIcon(ui::appIcon());
    ui::applySavedAppearance();
    ui::EngineBridge engine;
    auto opened = engine.open(paths);
    if (!opened && opened.error().code == ErrorCode::Conflict) {
        // A headless engine serves this data dir: take over (its sandboxes keep running).
        if (auto stopped = desktop::stopHeadlessEngine(paths); !stopped)
            opened = tl::unexpected(stopped.error());
        else
            opened = engine.open(paths);
    }
    if (!opened) {
        QMessageBox::critical(nullptr, QStringLiteral("Paddock"),
                              QStringLiteral("Paddock cannot open %1:\n\n%2").arg(paths.dataDir(), opened.error().message));
        return 1;
    }
    ui::MainWindow window(engine);
    QObject::connect(&instance, &desktop::SingleInstance::raiseRequested, &window, [&window] {
        window.setWindowState(window.windowState() & ~Qt::WindowMinimized);
        window.show();
        window.raise();
        window.activateWindow();
    });
    window.show();
    return QApplication::exec();
}

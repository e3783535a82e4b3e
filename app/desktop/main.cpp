// paddock-desktop: the Paddock window, with the engine in-process on its
// own thread. `paddock-desktop [--data-dir DIR]`.
#include "engine_takeover.h"

#include "engine_bridge.h"
#include "main_window.h"

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
    window.show();
    return QApplication::exec();
}

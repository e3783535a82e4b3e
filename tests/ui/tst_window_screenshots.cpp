// Screenshots of the main views for review, light and dark: the empty state,
// then a sandbox with files, a chatty background process, a terminal and
// egress attempts on each tab, a stopped sandbox's placeholder, and the
// window at 800×500. Saved as <view>-<light|dark>.png under the build's
// screenshots/ folder (scripts/test prints where); each must not be blank.
#include "test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"
#include "window_test_helpers.h"

#include "pages/terminals_page.h"
#include "terminal/terminal_view.h"
#include "theme/appearance.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QSet>
#include <QSignalSpy>
#include <QSplitter>
#include <QStyleOptionButton>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstWindowScreenshots : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    SandboxInfo m_web;
    const QString m_dir = QStringLiteral(PADDOCK_SCREENSHOT_DIR);

    static int colours(const QImage &shot)
    {
        QSet<QRgb> seen;
        for (int y = 0; y < shot.height(); y += 3)
            for (int x = 0; x < shot.width(); x += 3)
                seen.insert(shot.pixel(x, y));
        return int(seen.size());
    }

    // Grabs the window once it has painted something worth looking at.
    void save(const QString &view, const QString &look)
    {
        QImage shot;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         shot = m_fx.window->grab().toImage();
                         return colours(shot) > 8;
                     },
                     kWaitMs),
            qPrintable(view + QStringLiteral(": the window rendered flat")));
        const QString file = QStringLiteral("%1/%2-%3.png").arg(m_dir, view, look);
        QVERIFY(shot.save(file));
        qInfo("screenshot: %s", qPrintable(file));
    }

    // Switches the application's look and waits until the window has it.
    void look(Appearance appearance)
    {
        setAppearance(appearance);
        QTRY_COMPARE(m_fx.window->palette().color(QPalette::Window),
            QApplication::palette().color(QPalette::Window));
    }

    void showTab(const QString &title)
    {
        for (int i = 0; i < m_fx.window->tabs()->count(); ++i)
            if (m_fx.window->tabs()->tabText(i) == title) m_fx.window->tabs()->setCurrentIndex(i);
        QCOMPARE(m_fx.window->tabs()->tabText(m_fx.window->tabs()->currentIndex()), title);
    }

    void cli(const QStringList &args)
    {
        CliRun r = runCli(m_fx.data->paths().dataDir(), args);
        QVERIFY2(r.exitCode == 0 || args.contains(QStringLiteral("curl")), r.err.constData());
    }

    void shootEveryView(const QString &look)
    {
        m_fx.window->sandboxView()->selectRow(viewRowNamed(*m_fx.window, QStringLiteral("web")));
        for (const char *tab : { "Overview", "Processes", "Terminal", "Files", "Egress" }) {
            showTab(QLatin1String(tab));
            if (QLatin1String(tab) == QLatin1String("Terminal")) {
                auto *terminals = m_fx.window->findChild<TerminalsPage *>();
                QTRY_VERIFY_WITH_TIMEOUT(terminals->currentTerminal()
                        && terminals->currentTerminal()->host().isRunning(),
                    kWaitMs);
                // The page draws the prompt after the shell starts: wait for ink.
                QTRY_VERIFY_WITH_TIMEOUT(
                    colours(terminals->currentTerminal()->grab().toImage()) > 3, kWaitMs);
                // …and in the look's colours: the page repaints after the
                // palette reaches it, a moment after the window's widgets.
                const int base = QApplication::palette().color(QPalette::Base).lightness();
                auto terminalBackground = [&] {
                    const QImage shot = terminals->currentTerminal()->grab().toImage();
                    return QColor(shot.pixel(shot.width() - 20, shot.height() - 20)).lightness();
                };
                QTRY_VERIFY2_WITH_TIMEOUT(std::abs(terminalBackground() - base) < 40,
                    qPrintable(QStringLiteral("the terminal's background (lightness %1) is not "
                                              "the palette's (%2)")
                                   .arg(terminalBackground())
                                   .arg(base)),
                    kWaitMs);
            }
            QApplication::processEvents();
            save(QString::fromLatin1(tab).toLower(), look);
        }
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QDir().mkpath(m_dir);
        m_fx.window->resize(1100, 700);
    }

    void cleanupTestCase()
    {
        setAppearance(Appearance::System);
        m_fx.tearDown();
    }

    void emptyState()
    {
        QTRY_VERIFY(m_fx.window->findChild<QWidget *>(QStringLiteral("emptyState"))->isVisible());
        look(Appearance::Light);
        save(QStringLiteral("empty"), QStringLiteral("light"));
        look(Appearance::Dark);
        save(QStringLiteral("empty"), QStringLiteral("dark"));
    }

    void sandboxWithContent()
    {
        m_web = makeSandbox(*m_fx.engine, QStringLiteral("web"));
        QVERIFY(!m_web.id.isEmpty());
        makeSandbox(*m_fx.engine, QStringLiteral("build-cache"));
        SandboxInfo stopped = makeSandbox(*m_fx.engine, QStringLiteral("old-experiment"));
        QVERIFY(stopSandbox(*m_fx.engine, stopped.id));
        cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--"),
            QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("mkdir -p /root/app/src /root/app/tests && cd /root/app && echo '# app' "
                           "> README.md && "
                           "echo 'print(1)' > src/main.py && echo '{}' > package.json && touch "
                           "tests/test_main.py") });
        cli({ QStringLiteral("spawn"), QStringLiteral("web"), QStringLiteral("--name"),
            QStringLiteral("server"), QStringLiteral("--"), QStringLiteral("sh"),
            QStringLiteral("-c"),
            QStringLiteral(
                "i=0; while true; do i=$((i+1)); echo \"request $i served\"; sleep 1; done") });
        cli({ QStringLiteral("spawn"), QStringLiteral("web"), QStringLiteral("--name"),
            QStringLiteral("watcher"), QStringLiteral("--"), QStringLiteral("sleep"),
            QStringLiteral("100000") });
        cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--"),
            QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-m"),
            QStringLiteral("3"), QStringLiteral("https://registry.example.org/") });
        QTRY_COMPARE_WITH_TIMEOUT(stateShown(*m_fx.window, QStringLiteral("old-experiment")),
            QStringLiteral("stopped"), kWaitMs);
    }

    void everyViewLight()
    {
        look(Appearance::Light);
        shootEveryView(QStringLiteral("light"));
    }

    void everyViewDark()
    {
        look(Appearance::Dark);
        shootEveryView(QStringLiteral("dark"));
    }

    // Fusion frames a check box a shade darker than the window: on the
    // dark look it vanished. Some pixel of the box must stand out.
    void aCheckBoxStandsOutInTheDarkLook()
    {
        look(Appearance::Dark);
        QCheckBox box(QStringLiteral("Ask about unlisted"));
        box.resize(box.sizeHint());
        const QImage image = box.grab().toImage();
        const int window = QApplication::palette().color(QPalette::Window).lightness();
        QStyleOptionButton option;
        option.initFrom(&box);
        const QRect indicator = box.style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, &box);
        int contrast = 0;
        for (int y = indicator.top(); y <= indicator.bottom(); ++y)
            for (int x = indicator.left(); x <= indicator.right(); ++x)
                contrast = qMax(contrast, qAbs(QColor(image.pixel(x, y)).lightness() - window));
        QVERIFY2(contrast >= 40, qPrintable(QString::number(contrast)));
    }

    void stoppedPlaceholder()
    {
        m_fx.window->sandboxView()->selectRow(
            viewRowNamed(*m_fx.window, QStringLiteral("old-experiment")));
        showTab(QStringLiteral("Processes"));
        for (auto [appearance, name] :
            { std::pair { Appearance::Light, "light" }, { Appearance::Dark, "dark" } }) {
            look(appearance);
            save(QStringLiteral("stopped"), QLatin1String(name));
        }
    }

    // At 800×500 every toolbar action still shows and both sides keep room.
    void smallWindowStillWorks()
    {
        look(Appearance::Light);
        m_fx.window->resize(800, 500);
        QTRY_COMPARE(m_fx.window->size(), QSize(800, 500));
        m_fx.window->sandboxView()->selectRow(viewRowNamed(*m_fx.window, QStringLiteral("web")));
        showTab(QStringLiteral("Overview"));
        QToolBar *bar = m_fx.window->findChild<QToolBar *>(QStringLiteral("sandboxToolbar"));
        for (QAction *action : bar->actions()) {
            if (action->isSeparator()) continue;
            QWidget *button = bar->widgetForAction(action);
            QVERIFY2(button && button->isVisible() && bar->rect().contains(button->geometry()),
                qPrintable(action->text() + QStringLiteral(" is cut off the toolbar at 800×500")));
        }
        auto *splitter = m_fx.window->findChild<QSplitter *>(QStringLiteral("mainSplitter"));
        QVERIFY2(splitter->sizes().value(0) >= 240 && splitter->sizes().value(1) >= 450,
            qPrintable(QStringLiteral("list %1 px, tabs %2 px")
                           .arg(splitter->sizes().value(0))
                           .arg(splitter->sizes().value(1))));
        QVERIFY2(m_fx.window->sandboxView()->columnWidth(SandboxListModel::Name) >= 80,
            "names squeezed at 800×500");
        save(QStringLiteral("small-800x500"), QStringLiteral("light"));
    }
};

QTEST_MAIN(TstWindowScreenshots)
#include "tst_window_screenshots.moc"

// One terminal in the real window as a keyboard user meets it: real key
// events sent to the widget that has focus (the web view's focus proxy)
// reach bash, never the window's shortcuts or a dialog; Ctrl+= / Ctrl+- /
// Ctrl+0 zoom it; its colours follow the application palette.
#include "terminal_test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "main_window.h"

#include <QAction>
#include <QSettings>
#include <QTabWidget>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstTerminalView : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    TerminalsPage *m_page = nullptr;

    TerminalView *view() const { return m_page->currentTerminal(); }

    static void press(QKeyCombination key)
    {
        QTest::keyClick(QApplication::focusWidget(), key.key(), key.keyboardModifiers());
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QSettings().remove(QStringLiteral("terminal"));
        m_fx.window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_fx.window.get()));
        m_page = m_fx.window->findChild<TerminalsPage *>();
        QVERIFY(m_page);
        m_fx.window->tabs()->setCurrentWidget(m_page);
        m_fx.window->createSandbox(QStringLiteral("keys"));
        QTRY_VERIFY_WITH_TIMEOUT(view() && view()->host().isRunning(), kWaitMs);
        view()->setFocus();
        QTRY_VERIFY_WITH_TIMEOUT(
            view()->focusProxy() && QApplication::focusWidget() == view()->focusProxy(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(xtermHasFocus(view()), kWaitMs);
        QVERIFY2(waitForScreen(view(), QStringLiteral("#")),
            qPrintable(terminalScreen(view()))); // root's prompt
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void ctrlRStartsBashsReverseSearch()
    {
        DialogCatcher dialogs;
        press(Qt::CTRL | Qt::Key_R);
        QVERIFY2(waitForScreen(view(), QStringLiteral("(reverse-i-search)")),
            qPrintable(QStringLiteral("dialogs: [%1]; screen:\n%2")
                           .arg(dialogs.titles().join(u", "), terminalScreen(view()))));
        press(Qt::CTRL | Qt::Key_G); // leaves the search
        // Before the next test types: text typed into a search still open is a search.
        QVERIFY2(QTest::qWaitFor([&] { return !terminalScreen(view()).contains(QStringLiteral("(reverse-i-search)")); }, kWaitMs),
            qPrintable(terminalScreen(view())));
        QVERIFY(dialogs.titles().isEmpty());
        QVERIFY(view()->host().isRunning());
    }

    // Every key a shell or a full-screen program reads arrives as its
    // bytes, even when the window (a menu another part adds, say) binds
    // the same key: a focused terminal gets every key.
    void terminalKeysReachTheShellNotTheWindow()
    {
        const QList<QKeyCombination> keys { Qt::CTRL | Qt::Key_N, Qt::CTRL | Qt::Key_R,
            Qt::CTRL | Qt::Key_W, Qt::CTRL | Qt::Key_T, Qt::CTRL | Qt::Key_K,
            QKeyCombination(Qt::Key_F2), QKeyCombination(Qt::Key_Delete),
            QKeyCombination(Qt::Key_Tab), Qt::ALT | Qt::Key_F, Qt::CTRL | Qt::Key_Period };
        int stolen = 0;
        QStringList stolenBy;
        QList<QAction *> traps;
        for (QKeyCombination key : keys) {
            auto *trap = new QAction(m_fx.window.get());
            trap->setShortcut(key);
            trap->setShortcutContext(Qt::WindowShortcut);
            connect(trap, &QAction::triggered, this,
                [&, key] { ++stolen, stolenBy << QKeySequence(key).toString(); });
            m_fx.window->addAction(trap);
            traps.append(trap);
        }
        DialogCatcher dialogs;
        // Reads raw keys and prints each byte in hex until 'q'. The marker is
        // neither "keys:" (the prompt, root@keys:~#, shows that) nor in the
        // echoed command line: the shell puts it together.
        terminalInput(view(),
            QStringLiteral(
                "clear; printf 'bytes-%s:' read; while IFS= read -rsn1 -d '' c; do [ \"$c\" = q ] && break;"
                " printf ' %02x' \"'$c\"; done; echo ' :end'\r"));
        QVERIFY2(waitForScreen(view(), QStringLiteral("bytes-read:")), qPrintable(terminalScreen(view())));
        for (QKeyCombination key : keys)
            press(key);
        press(QKeyCombination(Qt::Key_Q));
        const QString expected
            = QStringLiteral("bytes-read: 0e 12 17 14 0b 1b 4f 51 1b 5b 33 7e 09 1b 66");
        QVERIFY2(waitForScreen(view(), QStringLiteral(":end")),
            qPrintable(QStringLiteral("dialogs: [%1]; stolen by the window: [%2]; screen:\n%3")
                           .arg(dialogs.titles().join(u", "), stolenBy.join(u", "),
                               terminalScreen(view()))));
        const QString screen = terminalScreen(view());
        qInfo("%s", qPrintable(screen.trimmed()));
        QVERIFY2(screen.contains(expected), qPrintable(screen));
        QVERIFY2(stolenBy.isEmpty(),
            qPrintable(QStringLiteral("taken by the window: ") + stolenBy.join(u", ")));
        QCOMPARE(dialogs.titles(), QStringList());
        QVERIFY(view()->host().isRunning());
        qDeleteAll(traps);
    }

    void ctrlShiftTOpensAnotherTerminal()
    {
        QTabWidget *tabs = nullptr;
        for (QWidget *w = view(); w && !tabs; w = w->parentWidget())
            tabs = qobject_cast<QTabWidget *>(w);
        QVERIFY(tabs);
        const int before = tabs->count();
        press(Qt::CTRL | Qt::SHIFT | Qt::Key_T);
        QTRY_COMPARE_WITH_TIMEOUT(tabs->count(), before + 1, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(view()->host().isRunning(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(QApplication::focusWidget() == view()->focusProxy(), kWaitMs);
        press(Qt::CTRL | Qt::SHIFT | Qt::Key_W); // and closes it again
        QTRY_COMPARE_WITH_TIMEOUT(tabs->count(), before, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(QApplication::focusWidget() == view()->focusProxy(), kWaitMs);
    }

    void ctrlPlusMinusAndZeroZoomTheTerminal()
    {
        auto fontSize
            = [&] { return terminalJs(view(), QStringLiteral("term.options.fontSize")).toInt(); };
        auto cols = [&] { return terminalJs(view(), QStringLiteral("term.cols")).toInt(); };
        const int size0 = fontSize(), cols0 = cols();
        press(Qt::CTRL | Qt::Key_Equal);
        QTRY_COMPARE_WITH_TIMEOUT(fontSize(), size0 + 1, kWaitMs);
        press(Qt::CTRL | Qt::SHIFT | Qt::Key_Plus);
        QTRY_COMPARE_WITH_TIMEOUT(fontSize(), size0 + 2, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(cols() < cols0, kWaitMs); // xterm refitted to the larger cells
        QCOMPARE(QSettings().value(QStringLiteral("terminal/fontSize")).toInt(), size0 + 2);
        press(Qt::CTRL | Qt::Key_Minus);
        QTRY_COMPARE_WITH_TIMEOUT(fontSize(), size0 + 1, kWaitMs);
        press(Qt::CTRL | Qt::Key_0);
        QTRY_COMPARE_WITH_TIMEOUT(fontSize(), size0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(cols(), cols0, kWaitMs);
        QVERIFY(view()->host().isRunning());
    }

    void coloursFollowTheApplicationPalette()
    {
        const QPalette original = QApplication::palette();
        auto background = [&] {
            return terminalJs(view(), QStringLiteral("term.options.theme.background")).toString();
        };
        auto foreground = [&] {
            return terminalJs(view(), QStringLiteral("term.options.theme.foreground")).toString();
        };
        QPalette dark(QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::Base, QColor(0x1c, 0x1c, 0x1c));
        dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
        QApplication::setPalette(dark);
        QTRY_COMPARE_WITH_TIMEOUT(background(), QStringLiteral("#1c1c1c"), kWaitMs);
        QCOMPARE(foreground(), QStringLiteral("#eeeeee"));
        QPalette light(QColor(0xef, 0xef, 0xef));
        light.setColor(QPalette::Base, QColor(0xff, 0xff, 0xfe));
        light.setColor(QPalette::Text, QColor(0x11, 0x11, 0x11));
        QApplication::setPalette(light);
        QTRY_COMPARE_WITH_TIMEOUT(background(), QStringLiteral("#fffffe"), kWaitMs);
        QCOMPARE(foreground(), QStringLiteral("#111111"));
        // ANSI yellow stays readable on white: darker than on black.
        QVERIFY(QColor(terminalJs(view(), QStringLiteral("term.options.theme.yellow")).toString())
                    .lightness()
            < 128);
        QApplication::setPalette(original);
    }
};

QTEST_MAIN(TstTerminalView)
#include "tst_terminal_view.moc"

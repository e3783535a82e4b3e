// First launch: with no sandboxes the window says what a sandbox is, offers
// a button and the CLI line; the button's sandbox is selected with its
// terminal focused, and then the window's keys leave that terminal alone.
#include "test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"
#include "window_test_helpers.h"

#include "pages/terminals_page.h"
#include "terminal/terminal_view.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstWindowFirstLaunch : public QObject {
    Q_OBJECT

    WindowFixture m_fx;

    QWidget *emptyState()
    {
        return m_fx.window->findChild<QWidget *>(QStringLiteral("emptyState"));
    }

    QString emptyStateText()
    {
        QString all;
        for (QLabel *label : emptyState()->findChildren<QLabel *>())
            all += label->text() + QLatin1Char('\n');
        return all;
    }

    static bool insideTerminal(QWidget *w)
    {
        for (QObject *o = w; o; o = o->parent())
            if (qobject_cast<TerminalView *>(o)) return true;
        return false;
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QApplication::setActiveWindow(m_fx.window.get());
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void noSandboxesShowsWhatASandboxIs()
    {
        QVERIFY2(emptyState(), "no empty state in the window");
        QTRY_VERIFY(emptyState()->isVisible());
        const QString text = emptyStateText();
        for (const char *word :
            { "isolated", "offline", "egress", "/usr", "read-only", "writable", "paddock create" })
            QVERIFY2(text.contains(QLatin1String(word)),
                qPrintable(
                    QStringLiteral("'%1' missing from:\n%2").arg(QLatin1String(word), text)));
    }

    void createButtonMakesASandboxWithItsTerminalFocused()
    {
        QPushButton *create = nullptr;
        for (QPushButton *b : emptyState()->findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Create your first sandbox")) create = b;
        QVERIFY(create);
        create->click();
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->selectedSandbox()
                && m_fx.window->selectedSandbox()->state == SandboxState::Running,
            kWaitMs);
        QTRY_VERIFY(!emptyState()->isVisible());
        QCOMPARE(m_fx.window->tabs()->currentWidget(), m_fx.window->findChild<TerminalsPage *>());
        QTRY_VERIFY2_WITH_TIMEOUT(insideTerminal(QApplication::focusWidget()),
            qPrintable(QStringLiteral("focus is on %1")
                           .arg(QApplication::focusWidget() ? QString::fromLatin1(
                                    QApplication::focusWidget()->metaObject()->className())
                                                            : QStringLiteral("nothing"))),
            kWaitMs);
    }

    // Window-wide keys (Quit, switching tabs) and the list's sandbox keys
    // never fire while a terminal has focus: the shell gets them.
    void windowKeysLeaveAFocusedTerminalAlone()
    {
        QWidget *focus = QApplication::focusWidget();
        QVERIFY(insideTerminal(focus));
        QWidget *terminalTab = m_fx.window->tabs()->currentWidget();
        QTest::keyClick(focus, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(m_fx.window->tabs()->currentWidget(), terminalTab);
        QTest::keyClick(focus, Qt::Key_Q, Qt::ControlModifier);
        QVERIFY2(m_fx.window->isVisible(), "Ctrl+Q in a terminal closed the window");
        QTest::keyClick(focus, Qt::Key_N, Qt::ControlModifier);
        QVERIFY2(!QApplication::activeModalWidget(), "Ctrl+N in a terminal opened a dialog");
        // Away from the terminal, the same key switches tabs.
        m_fx.window->sandboxView()->setFocus();
        QTest::keyClick(m_fx.window->sandboxView(), Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(m_fx.window->tabs()->currentIndex(), 0);
    }

    void theCliLineShownIsOneTheCliRuns()
    {
        const QString line = emptyStateText()
                                 .split(QLatin1Char('\n'))
                                 .filter(QStringLiteral("paddock create"))
                                 .value(0);
        QStringList args = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QCOMPARE(args.value(0), QStringLiteral("paddock"));
        CliRun r = runCli(m_fx.data->paths().dataDir(), args.mid(1));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QTRY_VERIFY_WITH_TIMEOUT(sourceRowNamed(*m_fx.window, args.last()) >= 0, kWaitMs);
    }
};

QTEST_MAIN(TstWindowFirstLaunch)
#include "tst_window_first_launch.moc"

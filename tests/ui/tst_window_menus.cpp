// The menu bar (File, Sandbox, View, Help) with the keys shown, the sandbox
// list's context menu, Copy ID, About with the version, and View → Appearance
// switching the whole application between light and dark.
#include "test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"
#include "window_test_helpers.h"

#include <QApplication>
#include <QClipboard>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstWindowMenus : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    SandboxInfo m_web;

    QMenu *menu(const QString &title)
    {
        for (QAction *a : m_fx.window->menuBar()->actions())
            if (a->menu() && QString(a->text()).remove(QLatin1Char('&')) == title) return a->menu();
        return nullptr;
    }

    static QStringList entries(QMenu *menu)
    {
        QStringList out;
        for (QAction *a : menu->actions())
            if (!a->isSeparator())
                out << QString(a->text()).remove(QStringLiteral("…")).remove(QLatin1Char('&'));
        return out;
    }

    static QAction *entry(QMenu *menu, const QString &text)
    {
        for (QAction *a : menu->actions())
            if (QString(a->text()).remove(QStringLiteral("…")).remove(QLatin1Char('&')) == text)
                return a;
        return nullptr;
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_web = makeSandbox(*m_fx.engine, QStringLiteral("web"));
        QVERIFY(!m_web.id.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(sourceRowNamed(*m_fx.window, QStringLiteral("web")) >= 0, kWaitMs);
        m_fx.window->sandboxView()->selectRow(viewRowNamed(*m_fx.window, QStringLiteral("web")));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void menuBarHasTheFourMenusWithTheirKeys()
    {
        for (const char *title : { "File", "Sandbox", "View", "Help" })
            QVERIFY2(menu(QLatin1String(title)), title);
        QVERIFY(entries(menu(QStringLiteral("File"))).contains(QStringLiteral("New sandbox")));
        QCOMPARE(entry(menu(QStringLiteral("File")), QStringLiteral("New sandbox"))->shortcut(),
            QKeySequence(QKeySequence::New));
        QCOMPARE(entry(menu(QStringLiteral("File")), QStringLiteral("Quit"))->shortcut(),
            QKeySequence(Qt::CTRL | Qt::Key_Q));
        const QStringList sandbox = entries(menu(QStringLiteral("Sandbox")));
        for (const char *text : { "Start", "Stop", "Restart", "Rename", "Delete", "Open terminal",
                 "Run command", "Copy ID" })
            QVERIFY2(
                sandbox.contains(QLatin1String(text)), qPrintable(sandbox.join(QLatin1Char('|'))));
        QVERIFY(
            !entry(menu(QStringLiteral("Sandbox")), QStringLiteral("Start"))->shortcut().isEmpty());
        QVERIFY(m_fx.window->findChild<QAction *>(
            QStringLiteral("runCommandAction"))); // the Processes tab connects to it
        QMenu *view = menu(QStringLiteral("View"));
        for (int i = 0; i < m_fx.window->tabs()->count(); ++i) {
            QAction *tab = entry(view, m_fx.window->tabs()->tabText(i));
            QVERIFY2(tab, qPrintable(m_fx.window->tabs()->tabText(i)));
            QCOMPARE(tab->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        }
        QVERIFY(entry(view, QStringLiteral("Appearance"))
            && entry(view, QStringLiteral("Show toolbar")));
        QVERIFY(entry(menu(QStringLiteral("Help")), QStringLiteral("About Paddock")));
        QVERIFY(entry(menu(QStringLiteral("Help")), QStringLiteral("Command-line usage")));
    }

    void viewMenuSwitchesTabsAndHidesTheToolbar()
    {
        entry(menu(QStringLiteral("View")), m_fx.window->tabs()->tabText(4))->trigger();
        QCOMPARE(m_fx.window->tabs()->currentIndex(), 4);
        QAction *toolbar = entry(menu(QStringLiteral("View")), QStringLiteral("Show toolbar"));
        toolbar->trigger();
        QVERIFY(!m_fx.window->findChild<QToolBar *>()->isVisible());
        toolbar->trigger();
        QVERIFY(m_fx.window->findChild<QToolBar *>()->isVisible());
    }

    void contextMenuOffersTheSandboxActions()
    {
        QTableView *list = m_fx.window->sandboxView();
        QRect row = list->visualRect(
            list->model()->index(viewRowNamed(*m_fx.window, QStringLiteral("web")), 0));
        Q_EMIT list->customContextMenuRequested(row.center());
        QTRY_VERIFY2(qobject_cast<QMenu *>(QApplication::activePopupWidget()),
            "no context menu on a sandbox");
        auto *popup = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        const QStringList shown = entries(popup);
        popup->close();
        for (const char *text :
            { "Start", "Stop", "Restart", "Rename", "Delete", "Open terminal", "Copy ID" })
            QVERIFY2(shown.contains(QLatin1String(text)), qPrintable(shown.join(QLatin1Char('|'))));
    }

    void copyIdPutsTheIdOnTheClipboard()
    {
        QAction *copy = entry(menu(QStringLiteral("Sandbox")), QStringLiteral("Copy ID"));
        QVERIFY(copy && copy->isEnabled());
        copy->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), m_web.id);
    }

    void aboutNamesTheVersion()
    {
        QString shown;
        QTimer::singleShot(0, this, [&] {
            QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            shown = box->text() + QLatin1Char('\n') + box->informativeText();
            box->accept();
        });
        entry(menu(QStringLiteral("Help")), QStringLiteral("About Paddock"))->trigger();
        QVERIFY2(shown.contains(QStringLiteral(PADDOCK_VERSION)), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("sandbox")), qPrintable(shown));
    }

    void appearanceSwitchesLightAndDark()
    {
        QMenu *appearance
            = entry(menu(QStringLiteral("View")), QStringLiteral("Appearance"))->menu();
        const QPalette system = QApplication::palette();
        auto windowLightness
            = [] { return QApplication::palette().color(QPalette::Window).lightness(); };
        entry(appearance, QStringLiteral("Dark"))->trigger();
        QVERIFY2(windowLightness() < 100, "Dark left a light window");
        QTRY_VERIFY(
            m_fx.window->palette().color(QPalette::Window).lightness() < 100); // the window follows
        entry(appearance, QStringLiteral("Light"))->trigger();
        QVERIFY2(windowLightness() > 180, "Light left a dark window");
        entry(appearance, QStringLiteral("System"))->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Window), system.color(QPalette::Window));
    }
};

QTEST_MAIN(TstWindowMenus)
#include "tst_window_menus.moc"

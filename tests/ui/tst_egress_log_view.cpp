// The Egress tab's log over a real engine and sandbox: byte counts filled
// in when a connection ends (plain HTTP through the gate, and TCP through
// the splice relay), an allowed connection whose upstream cannot be
// reached shown as "allowed · failed" with its failure, columns fitted to
// what they hold, a detail pane with every field of the selected entry
// that follows the entry as it changes, a flood under the UI-stall probe,
// and the tab at 800×500.
//
// Widgets are found by object name, so that the same file also builds
// against a tree without them (to show what it printed there).
#include "test_support.h"
#include "ui_stall_probe.h"
#include "upstream_servers.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "egress/egress_log_details.h"
#include "pages/egress_page.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstEgressLogView : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    ExternalHttpServer m_web; // this thread waits on the CLI while the sandbox connects
    EgressPage *m_page = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

    CliRun cli(const QStringList &args) { return runCli(m_fx.data->paths().dataDir(), args); }
    CliRun sandbox(const QStringList &argv) { return cli(QStringList { QStringLiteral("exec"), QStringLiteral("lv"), QStringLiteral("--") } + argv); }
    QPlainTextEdit *details() { return m_page->findChild<QPlainTextEdit *>(QStringLiteral("egressLogDetails")); }
    QString cell(int row, int column) { return m_page->logFilter().index(row, column).data().toString(); }
    // The newest row whose destination starts with `destination`, or -1.
    int rowOf(const QString &destination)
    {
        for (int row = 0; row < m_page->logFilter().rowCount(); ++row)
            if (cell(row, EgressLogModel::Destination).startsWith(destination))
                return row;
        return -1;
    }
    void select(int row) { m_page->logView()->setCurrentIndex(m_page->logFilter().index(row, EgressLogModel::Destination)); }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        CliRun created = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("lv") });
        QVERIFY2(created.exitCode == 0, created.err.constData());
        quint16 closedPort = 0;
        {
            QTcpServer probe; // a port nothing listens on once it closes
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closedPort = probe.serverPort();
        }
        for (auto [name, port] : { std::pair { "web.test", m_web.serverPort() }, { "fail.test", closedPort } })
            QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QLatin1String(name), QStringLiteral("127.0.0.1:%1").arg(port) }).exitCode == 0);
        for (const char *allowed : { "web.test", "fail.test", "a-longer-host-name.web.test" })
            QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("lv"), QLatin1String(allowed) }).exitCode == 0);
        QTRY_VERIFY(m_fx.window->sandboxes().rowCount() == 1);
        m_fx.window->sandboxView()->selectRow(0);
        for (int i = 0; i < m_fx.window->tabs()->count(); ++i)
            if (m_fx.window->tabs()->tabText(i) == QStringLiteral("Egress"))
                m_fx.window->tabs()->setCurrentIndex(i);
        m_page = qobject_cast<EgressPage *>(m_fx.window->tabs()->currentWidget());
        QVERIFY(m_page);
        m_tester = std::make_unique<QAbstractItemModelTester>(&m_page->log(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanupTestCase()
    {
        m_tester.reset();
        m_fx.tearDown();
    }

    // Plain HTTP on port 80 goes through the gate.
    void bytesAreFilledInForAnHttpRequest()
    {
        QCOMPARE(sandbox({ QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("http://web.test/bytes") }).out, QByteArray("http GET /bytes\n"));
        QTRY_VERIFY(rowOf(QStringLiteral("web.test:80")) >= 0);
        const int row = rowOf(QStringLiteral("web.test:80"));
        QTRY_VERIFY2(cell(row, EgressLogModel::Traffic).contains(QStringLiteral(" ms")), qPrintable(cell(row, EgressLogModel::Traffic)));
        const EgressLogEntry *e = m_page->log().entryAt(m_page->logFilter().mapToSource(m_page->logFilter().index(row, 0)).row());
        QVERIFY2(e && e->bytesOut > 0 && e->bytesIn > 0, qPrintable(QStringLiteral("%1 out, %2 in").arg(e ? e->bytesOut : -1).arg(e ? e->bytesIn : -1)));
        QVERIFY2(!cell(row, EgressLogModel::Traffic).contains(QStringLiteral("↑0 bytes")), qPrintable(cell(row, EgressLogModel::Traffic)));
    }

    // Another port: the connection is spliced whole, by the relay.
    void bytesAreFilledInForASplicedConnection()
    {
        QCOMPARE(sandbox({ QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("http://web.test:4444/spliced") }).out,
                 QByteArray("http GET /spliced\n"));
        QTRY_VERIFY(rowOf(QStringLiteral("web.test:4444")) >= 0);
        const int row = rowOf(QStringLiteral("web.test:4444"));
        QTRY_VERIFY2(cell(row, EgressLogModel::Traffic).contains(QStringLiteral(" ms")), qPrintable(cell(row, EgressLogModel::Traffic)));
        const EgressLogEntry *e = m_page->log().entryAt(m_page->logFilter().mapToSource(m_page->logFilter().index(row, 0)).row());
        QVERIFY2(e && e->bytesOut > 0 && e->bytesIn > 0, qPrintable(QStringLiteral("%1 out, %2 in").arg(e ? e->bytesOut : -1).arg(e ? e->bytesIn : -1)));
    }

    // Allowed by a rule, but nothing listens where it goes: not "allowed".
    void anAllowedConnectionThatFailedIsShownApart()
    {
        sandbox({ QStringLiteral("python3"), QStringLiteral("-c"),
                  QStringLiteral("import socket\ntry: socket.create_connection(('fail.test', 443), timeout=5).recv(1)\nexcept OSError: pass") });
        QTRY_VERIFY(rowOf(QStringLiteral("fail.test:443")) >= 0);
        int row = rowOf(QStringLiteral("fail.test:443"));
        QCOMPARE(cell(row, EgressLogModel::Verdict), QStringLiteral("allowed · failed"));
        const QColor colour = m_page->logFilter().index(row, EgressLogModel::Verdict).data(Qt::ForegroundRole).value<QBrush>().color();
        QVERIFY2(colour != QColor(0x20, 0x80, 0x40) && colour != QColor(0xc0, 0x30, 0x30), qPrintable(colour.name()));
        QVERIFY2(cell(row, EgressLogModel::Reason).contains(QStringLiteral("cannot connect")), qPrintable(cell(row, EgressLogModel::Reason)));
        // The same through the HTTP gate, which answers 502.
        QVERIFY(sandbox({ QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("http://fail.test/") }).out.contains("cannot connect"));
        QTRY_VERIFY(rowOf(QStringLiteral("fail.test:80")) >= 0);
        row = rowOf(QStringLiteral("fail.test:80"));
        QTRY_COMPARE(cell(row, EgressLogModel::Verdict), QStringLiteral("allowed · failed"));
        // And it can be listed alone.
        auto *verdicts = m_page->findChild<QComboBox *>(QStringLiteral("egressLogVerdict"));
        QVERIFY(verdicts);
        verdicts->setCurrentIndex(verdicts->findText(QStringLiteral("Allowed but failed")));
        QTRY_COMPARE(m_page->logFilter().rowCount(), 2);
        verdicts->setCurrentIndex(0);
    }

    void theDetailPaneShowsEveryFieldAndFollowsTheEntry()
    {
        QVERIFY(details());
        QVERIFY(!details()->accessibleName().isEmpty());
        select(rowOf(QStringLiteral("fail.test:443")));
        QTRY_VERIFY(details()->toPlainText().contains(QStringLiteral("Failure: cannot connect")));
        for (const char *field : { "Time:", "Verdict: allowed · failed", "Destination: fail.test:443", "Protocol:", "Rule: allow fail.test",
                                   "Process: python3", "Sandbox:" })
            QVERIFY2(details()->toPlainText().contains(QString::fromUtf8(field)), qPrintable(field + (u'\n' + details()->toPlainText())));
        QVERIFY(details()->isReadOnly());

        // A connection held open: selected while open, the pane updates when it ends.
        QProcess holder;
        holder.start(cliBinary(), { QStringLiteral("--data-dir"), m_fx.data->paths().dataDir(), QStringLiteral("exec"), QStringLiteral("lv"),
                                    QStringLiteral("--"), QStringLiteral("python3"), QStringLiteral("-c"),
                                    QStringLiteral("import os,socket,time\ns = socket.create_connection(('web.test', 5555))\n"
                                                   "s.sendall(b'GET /held HTTP/1.0\\r\\n')\n"
                                                   "while not os.path.exists('/root/go'): time.sleep(0.05)\n"
                                                   "s.sendall(b'\\r\\n')\nprint(s.recv(100))") });
        QVERIFY(holder.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(QStringLiteral("web.test:5555")) >= 0, 10000);
        select(rowOf(QStringLiteral("web.test:5555")));
        QTRY_VERIFY(details()->toPlainText().contains(QStringLiteral("Duration: still open")));
        QVERIFY(sandbox({ QStringLiteral("touch"), QStringLiteral("/root/go") }).exitCode == 0);
        QTRY_VERIFY_WITH_TIMEOUT(holder.state() == QProcess::NotRunning, 10000);
        QTRY_VERIFY2(!details()->toPlainText().contains(QStringLiteral("still open")), qPrintable(details()->toPlainText()));
        QVERIFY2(details()->toPlainText().contains(QStringLiteral("Received: ")), qPrintable(details()->toPlainText()));
        QVERIFY(details()->toPlainText().contains(QStringLiteral("Destination: web.test:5555")));

        // A request the gate read: its HTTP version and the status it got.
        select(rowOf(QStringLiteral("web.test:80")));
        QTRY_VERIFY2(details()->toPlainText().contains(QStringLiteral("Request: GET /bytes HTTP/1.1")), qPrintable(details()->toPlainText()));
        QVERIFY2(details()->toPlainText().contains(QRegularExpression(QStringLiteral("\\nStatus: [1-5]\\d\\d\\n"))),
                 qPrintable(details()->toPlainText()));
    }

    // An inspected request's fields, as the network panel of a browser
    // shows them: one per line under each heading, each line escaped.
    void theDetailPaneListsARequestsHeaders()
    {
        EgressLogEntry e;
        e.verdict = EgressVerdict::Allowed;
        e.protocol = QStringLiteral("https");
        e.request = QStringLiteral("GET /v1/items");
        e.httpVersion = QStringLiteral("HTTP/2");
        e.status = 200;
        e.requestHeaders = QStringLiteral("authorization: Bearer ******\nx-evil: a\u001b[31mred\n");
        e.responseHeaders = QStringLiteral(":status: 200\ncontent-type: application/json\n");
        const QString text = describeEgressLogEntry(e);
        QVERIFY2(text.contains(QStringLiteral("Request headers (as sent upstream; injected values masked):\n"
                                              "    authorization: Bearer ******\n")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Response headers:\n    :status: 200\n    content-type: application/json")));
        QVERIFY(!text.contains(QChar(0x1b))); // the upstream's bytes cannot drive a terminal or the pane
    }

    void columnsFitTheirContent()
    {
        const QString longHost = QStringLiteral("a-longer-host-name.web.test");
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), longHost, QStringLiteral("127.0.0.1:%1").arg(m_web.serverPort()) }).exitCode == 0);
        sandbox({ QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("http://%1/").arg(longHost) });
        QTRY_VERIFY(rowOf(longHost) >= 0);
        QTableView *view = m_page->logView();
        QHeaderView *header = view->horizontalHeader();
        QTRY_VERIFY2(header->sectionSize(EgressLogModel::Destination)
                         >= view->fontMetrics().horizontalAdvance(cell(rowOf(longHost), EgressLogModel::Destination)),
                     qPrintable(QString::number(header->sectionSize(EgressLogModel::Destination))));
        QVERIFY(header->sectionSize(EgressLogModel::Time) >= view->fontMetrics().horizontalAdvance(cell(0, EgressLogModel::Time)));
        QVERIFY(header->sectionSize(EgressLogModel::Verdict) >= view->fontMetrics().horizontalAdvance(QStringLiteral("allowed · failed")));
        for (int column = 0; column < EgressLogModel::ColumnCount; ++column)
            QVERIFY2(header->sectionResizeMode(column) != QHeaderView::ResizeToContents, "measured on every change");
    }

    // A connection that stays open shows its bytes while it runs, and its
    // row is updated when it ends, after 600 newer entries pushed it down.
    void bytesShowWhileOpenAndWhenTheConnectionEndsFarDown()
    {
        EchoServer echo; // answered while this thread spins in QTRY, not while it waits on the CLI
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("echo.test"),
                      QStringLiteral("127.0.0.1:%1").arg(echo.serverPort()) }).exitCode == 0);
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("lv"), QStringLiteral("echo.test") }).exitCode == 0);
        QProcess holder;
        holder.start(cliBinary(), { QStringLiteral("--data-dir"), m_fx.data->paths().dataDir(), QStringLiteral("exec"), QStringLiteral("lv"),
                                    QStringLiteral("--"), QStringLiteral("python3"), QStringLiteral("-c"),
                                    QStringLiteral("import os,socket,time\ns = socket.create_connection(('echo.test', 7777))\n"
                                                   "s.sendall(b'hello')\nassert s.recv(5) == b'hello'\n"
                                                   "while not os.path.exists('/root/echo-go'): time.sleep(0.05)\n"
                                                   "s.sendall(b'\\n')\ns.recv(10)") });
        QVERIFY(holder.waitForStarted());
        auto entry = [this](qint64 id) -> const EgressLogEntry * {
            for (int row = 0; row < m_page->log().rowCount(); ++row)
                if (m_page->log().entryAt(row)->id == id || (id == 0 && m_page->log().entryAt(row)->host == QLatin1String("echo.test")))
                    return m_page->log().entryAt(row);
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(entry(0) && entry(0)->open && entry(0)->bytesOut == 5 && entry(0)->bytesIn == 5, 15000);
        const qint64 id = entry(0)->id;

        QVERIFY(sandbox({ QStringLiteral("python3"), QStringLiteral("-c"),
                          QStringLiteral("import socket\nfor i in range(600):\n"
                                         "    try: socket.create_connection((f'later-{i % 20}.test', 443), timeout=5).close()\n"
                                         "    except OSError: pass") }).exitCode == 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_page->log().rowCount() > 600 && m_page->log().entryAt(550)->id > id, 30000);
        QVERIFY(sandbox({ QStringLiteral("touch"), QStringLiteral("/root/echo-go") }).exitCode == 0);
        QTRY_VERIFY_WITH_TIMEOUT(holder.state() == QProcess::NotRunning, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(entry(id) && !entry(id)->open, 15000);
        QCOMPARE(entry(id)->bytesOut, qint64(6));
        int rows = 0; // updated in place, not shown again at the top
        for (int row = 0; row < m_page->log().rowCount(); ++row)
            rows += m_page->log().entryAt(row)->id == id ? 1 : 0;
        QCOMPARE(rows, 1);
    }

    // 3,000 refused connections as fast as the sandbox can make them, with
    // the log on screen and its columns being fitted.
    void aFloodOfConnectionsDoesNotStallTheWindow()
    {
        const int before = m_page->log().rowCount();
        UiStallProbe probe;
        probe.start();
        QProcess flood;
        flood.start(cliBinary(), { QStringLiteral("--data-dir"), m_fx.data->paths().dataDir(), QStringLiteral("exec"), QStringLiteral("lv"),
                                   QStringLiteral("--"), QStringLiteral("python3"), QStringLiteral("-c"),
                                   QStringLiteral("import socket\nfor i in range(3000):\n"
                                                  "    try: socket.create_connection((f'flood-{i % 50}.test', 443), timeout=5).close()\n"
                                                  "    except OSError: pass") });
        QVERIFY(flood.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(flood.state() == QProcess::NotRunning, 240000);
        // Refusals past a rate are counted in one entry a second: fewer rows than connections.
        QTRY_VERIFY_WITH_TIMEOUT(m_page->log().rowCount() >= before + 200, 30000);
        probe.stop();
        qInfo("worst UI stall during 3,000 logged connections: %s (%d rows)", qPrintable(probe.figures()),
              m_page->log().rowCount());
        QVERIFY2(probe.failure().isEmpty(), qPrintable(probe.failure()));
    }

    void theTabWorksAt800By500()
    {
        m_fx.window->resize(800, 500);
        QTRY_COMPARE(m_fx.window->size(), QSize(800, 500));
        QVERIFY2(m_fx.window->minimumSizeHint().width() <= 800, qPrintable(QString::number(m_fx.window->minimumSizeHint().width())));
        QVERIFY(m_page->logView()->isVisible() && m_page->logView()->height() > 0);
        auto *split = m_page->findChild<QSplitter *>(QStringLiteral("egressLogSplit"));
        QVERIFY(split);
        const int detailsAt = split->indexOf(details());
        QVERIFY(detailsAt > 0 && split->isCollapsible(detailsAt));
        QList<int> sizes = split->sizes();
        sizes[0] += sizes[detailsAt];
        sizes[detailsAt] = 0;
        split->setSizes(sizes);
        QTRY_VERIFY(!details()->isVisible() || details()->width() == 0);
        QVERIFY(m_page->logView()->width() > 300);
        QDir().mkpath(QStringLiteral(PADDOCK_SCREENSHOT_DIR));
        m_fx.window->resize(1100, 700);
        split->setSizes({ 600, 300 });
        select(rowOf(QStringLiteral("fail.test:443")));
        QVERIFY(m_fx.window->grab().save(QStringLiteral(PADDOCK_SCREENSHOT_DIR "/egress-log.png")));
    }
};

QTEST_MAIN(TstEgressLogView)
#include "tst_egress_log_view.moc"

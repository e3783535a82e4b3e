// The Egress tab and the question bar over a real engine and sandbox: rules
// added from the form (and refused with a reason when malformed), reordered
// by a drop, the live log filling as the sandbox connects, "allow this
// domain" from a denied row, and a held connection answered from the bar.
// Model testers check every update.
#include "test_support.h"
#include "upstream_servers.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "egress/egress_question_bar.h"
#include "egress/egress_question_model.h"
#include "pages/egress_page.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstEgressPage : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    ExternalHttpServer m_web; // this thread waits on the CLI while the sandbox connects
    EgressPage *m_page = nullptr;
    QString m_sandboxId;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;

    QStringList rulePatterns()
    {
        QStringList out;
        for (int row = 0; row < m_page->rules().rowCount(); ++row)
            out << m_page->rules().ruleAt(row)->pattern;
        return out;
    }
    CliRun cli(const QStringList &args) { return runCli(m_fx.data->paths().dataDir(), args); }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        CliRun created = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("eg") });
        QVERIFY2(created.exitCode == 0, created.err.constData());
        m_sandboxId = QString::fromLatin1(created.out.trimmed());
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("web.test"),
                      QStringLiteral("127.0.0.1:%1").arg(m_web.serverPort()) }).exitCode == 0);
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("later.test"),
                      QStringLiteral("127.0.0.1:%1").arg(m_web.serverPort()) }).exitCode == 0);
        QTRY_VERIFY(m_fx.window->sandboxes().rowCount() == 1);
        m_fx.window->sandboxView()->selectRow(0);
        for (int i = 0; i < m_fx.window->tabs()->count(); ++i)
            if (m_fx.window->tabs()->tabText(i) == QStringLiteral("Egress"))
                m_fx.window->tabs()->setCurrentIndex(i);
        m_page = qobject_cast<EgressPage *>(m_fx.window->tabs()->currentWidget());
        QVERIFY(m_page);
        for (QAbstractItemModel *m : { static_cast<QAbstractItemModel *>(&m_page->rules()), static_cast<QAbstractItemModel *>(&m_page->log()),
                                       static_cast<QAbstractItemModel *>(&m_page->logFilter()) })
            m_testers.push_back(std::make_unique<QAbstractItemModelTester>(m, QAbstractItemModelTester::FailureReportingMode::QtTest));
    }
    void cleanupTestCase()
    {
        m_testers.clear();
        m_fx.tearDown();
    }

    void aMalformedRuleIsRefusedWithItsReason()
    {
        m_page->findChild<QLineEdit *>(QStringLiteral("egressPattern"))->setText(QStringLiteral("bad host"));
        m_page->addRuleFromForm();
        QVERIFY(m_page->problem()->text().contains(QStringLiteral("is not a host name")));
        QTest::qWait(200);
        QCOMPARE(m_page->rules().rowCount(), 0);
    }

    void rulesAreAddedAndReorderedByDrop()
    {
        m_page->findChild<QLineEdit *>(QStringLiteral("egressPattern"))->setText(QStringLiteral("web.test"));
        m_page->addRuleFromForm();
        QTRY_COMPARE(rulePatterns(), QStringList { QStringLiteral("web.test") });
        QVERIFY(m_page->problem()->text().isEmpty());
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("deny"), QStringLiteral("eg"), QStringLiteral("*.test") }).exitCode == 0);
        QTRY_COMPARE(rulePatterns(), (QStringList { QStringLiteral("web.test"), QStringLiteral("*.test") })); // changed elsewhere: shown here
        // Drag the deny rule above the allow rule.
        std::unique_ptr<QMimeData> dragged(m_page->rules().mimeData({ m_page->rules().index(1, 0) }));
        m_page->rules().dropMimeData(dragged.get(), Qt::MoveAction, 0, 0, {});
        QTRY_COMPARE(rulePatterns(), (QStringList { QStringLiteral("*.test"), QStringLiteral("web.test") }));
        QVERIFY(cli({ QStringLiteral("exec"), QStringLiteral("eg"), QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"),
                      QStringLiteral("http://web.test/") }).out.contains("denied by rule"));
        // Edited in place: the deny rule becomes an allow rule.
        m_page->rules().setData(m_page->rules().index(0, EgressRuleModel::Action), QStringLiteral("allow"), Qt::EditRole);
        QTRY_COMPARE(m_page->rules().ruleAt(0)->action, EgressAction::Allow);
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("rm"), QStringLiteral("eg"),
                      QString::number(m_page->rules().ruleAt(0)->id) }).exitCode == 0);
        QTRY_COMPARE(rulePatterns(), QStringList { QStringLiteral("web.test") });
    }

    void theGlobalDefaultsAreEditedToo()
    {
        m_page->showGlobalRules(true);
        QTRY_COMPARE(m_page->rules().rowCount(), 0);
        m_page->findChild<QLineEdit *>(QStringLiteral("egressPattern"))->setText(QStringLiteral("everyone.test"));
        m_page->addRuleFromForm();
        QTRY_COMPARE(rulePatterns(), QStringList { QStringLiteral("everyone.test") });
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("--global") }).out.contains("everyone.test"));
        m_page->showGlobalRules(false);
        QTRY_COMPARE(rulePatterns(), QStringList { QStringLiteral("web.test") }); // the sandbox's own again
    }

    void theLogFillsLiveAndADeniedDomainCanBeAllowed()
    {
        QCOMPARE(cli({ QStringLiteral("exec"), QStringLiteral("eg"), QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"),
                       QStringLiteral("http://web.test/ok") }).out, QByteArray("http GET /ok\n"));
        QVERIFY(cli({ QStringLiteral("exec"), QStringLiteral("eg"), QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"),
                      QStringLiteral("http://later.test/") }).out.contains("no rule allows"));
        m_page->logFilter().setVerdict(EgressVerdict::Denied);
        QTRY_COMPARE(m_page->logFilter().index(0, EgressLogModel::Destination).data().toString(), QStringLiteral("later.test:80"));
        const QModelIndex denied = m_page->logFilter().index(0, EgressLogModel::Destination);
        m_page->logView()->setCurrentIndex(denied);
        m_page->allowSelectedLogDomain();
        QTRY_COMPARE(rulePatterns().value(0), QStringLiteral("later.test"));
        QCOMPARE(cli({ QStringLiteral("exec"), QStringLiteral("eg"), QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"),
                       QStringLiteral("http://later.test/now") }).out, QByteArray("http GET /now\n"));
        m_page->logFilter().setVerdict(std::nullopt);
        QTRY_VERIFY(m_page->logFilter().rowCount() >= 3);
    }

    // What paddock-init refused itself (a raw socket) or dropped (UDP) shows
    // in the same log, and there is no domain to allow.
    void refusalsByThePid1ShowWithNothingToAllow()
    {
        QVERIFY(cli({ QStringLiteral("exec"), QStringLiteral("eg"), QStringLiteral("--"), QStringLiteral("python3"), QStringLiteral("-c"),
                      QStringLiteral("import socket\n"
                                     "try: socket.socket(socket.AF_INET, socket.SOCK_RAW, 1)\nexcept OSError: pass\n"
                                     "try: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('198.51.100.4', 123))\n"
                                     "except OSError: pass") })
                    .exitCode == 0);
        m_page->logFilter().setVerdict(EgressVerdict::Denied);
        auto rowWithProtocol = [this](const QString &protocol) {
            for (int row = 0; row < m_page->logFilter().rowCount(); ++row)
                if (m_page->logFilter().index(row, EgressLogModel::Protocol).data().toString() == protocol)
                    return m_page->logFilter().index(row, EgressLogModel::Destination);
            return QModelIndex();
        };
        QTRY_VERIFY(rowWithProtocol(QStringLiteral("raw-socket")).isValid());
        QTRY_VERIFY(rowWithProtocol(QStringLiteral("udp")).isValid());
        const QModelIndex raw = rowWithProtocol(QStringLiteral("raw-socket"));
        QVERIFY(m_page->logFilter().index(raw.row(), EgressLogModel::Reason).data().toString().contains(QStringLiteral("raw IPv4 socket")));
        QVERIFY(m_page->logFilter().index(raw.row(), EgressLogModel::Process).data().toString().startsWith(QStringLiteral("python3")));
        auto *allow = m_page->findChild<QPushButton *>(QStringLiteral("allowLogDomain"));
        QVERIFY(allow);
        m_page->logView()->setCurrentIndex(raw);
        QVERIFY(!allow->isEnabled());
        const QModelIndex udp = rowWithProtocol(QStringLiteral("udp"));
        QCOMPARE(udp.data().toString(), QStringLiteral("198.51.100.4:123"));
        m_page->logView()->setCurrentIndex(udp);
        QVERIFY(!allow->isEnabled()); // UDP cannot be allowed: nothing to offer
        m_page->logFilter().setVerdict(std::nullopt);
    }

    void aHeldConnectionIsAnsweredFromTheBar()
    {
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("new.test"),
                      QStringLiteral("127.0.0.1:%1").arg(m_web.serverPort()) }).exitCode == 0);
        m_page->findChild<QCheckBox *>(QStringLiteral("egressAskUnlisted"))->click();
        QTRY_VERIFY(cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("eg") }).exitCode == 0);
        QTest::qWait(200);
        QProcess curl;
        curl.start(cliBinary(), { QStringLiteral("--data-dir"), m_fx.data->paths().dataDir(), QStringLiteral("exec"), QStringLiteral("eg"),
                                  QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-m"), QStringLiteral("20"),
                                  QStringLiteral("http://new.test/asked") });
        EgressQuestionBar *bar = m_fx.window->questionBar();
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible(), 10000);
        QVERIFY2(bar->text().contains(QStringLiteral("new.test:80")) && bar->text().contains(QStringLiteral("curl")), qPrintable(bar->text()));
        QDir().mkpath(QStringLiteral(PADDOCK_SCREENSHOT_DIR));
        QVERIFY(m_fx.window->grab().save(QStringLiteral(PADDOCK_SCREENSHOT_DIR "/egress-tab.png")));
        bar->findChild<QPushButton *>(QStringLiteral("allow-once"))->click();
        QVERIFY(curl.waitForFinished(10000));
        QCOMPARE(curl.readAllStandardOutput(), QByteArray("http GET /asked\n"));
        QTRY_VERIFY(!bar->isVisible());
    }

    // A question about one HTTP request says which, where "allow always"
    // is answered: the bar, the notification and the pending table.
    void aQuestionAboutOneRequestNamesIt()
    {
        EgressQuestion q;
        q.sandboxName = QStringLiteral("eg");
        q.host = QStringLiteral("api.test");
        q.port = 80;
        q.process = QStringLiteral("curl (pid 7)");
        QCOMPARE(EgressQuestionModel::describe(q), QStringLiteral("curl (pid 7) in 'eg' wants to connect to api.test:80"));
        q.method = QStringLiteral("GET");
        q.path = QStringLiteral("/a/b%20c");
        QCOMPARE(EgressQuestionModel::describe(q), QStringLiteral("curl (pid 7) in 'eg' wants GET /a/b%20c on api.test:80"));
        QCOMPARE(EgressQuestionModel::request(q), QStringLiteral("GET /a/b%20c"));
    }
};

QTEST_MAIN(TstEgressPage)
#include "tst_egress_page.moc"

// `paddock egress …` end to end: rules, host overrides, modes, the log and
// questions, through the API and an automatically started engine, against
// an HTTP server in a process of its own (the CLI blocks this one).
#include "test_support.h"
#include "upstream_servers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QMessageAuthenticationCode>
#include <QTest>

#include <signal.h>

using namespace paddock::test;

class TstCliEgress : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_dataDir;
    ExternalHttpServer m_server;
    QString m_port = QString::number(m_server.serverPort());

    CliRun cli(const QStringList &args) { return runCli(m_dataDir, args); }
    QJsonArray rules()
    {
        CliRun r = cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("e"), QStringLiteral("--json") });
        return QJsonDocument::fromJson(r.out).object().value(QStringLiteral("rules")).toArray();
    }
    QByteArray curl(const QString &url)
    {
        return cli({ QStringLiteral("exec"), QStringLiteral("e"), QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"),
                     QStringLiteral("-m"), QStringLiteral("10"), url })
            .out;
    }

    // The first question `egress pending --json` lists, once there is one (empty after 10 s).
    QJsonObject firstPendingQuestion()
    {
        QJsonArray pending;
        (void)QTest::qWaitFor([&] {
            pending = QJsonDocument::fromJson(cli({ QStringLiteral("egress"), QStringLiteral("pending"), QStringLiteral("--json") }).out)
                          .object().value(QStringLiteral("questions")).toArray();
            return !pending.isEmpty();
        }, 10000);
        return pending.isEmpty() ? QJsonObject() : pending[0].toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dataDir = m_tmp.path() + QStringLiteral("/data");
        QVERIFY(m_server.serverPort() != 0);
        CliRun r = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("e") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
    void cleanupTestCase()
    {
        shutDownCliEngine(m_dataDir);
    }

    void resolveAllowAndLog()
    {
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("api.test"), QStringLiteral("127.0.0.1:") + m_port }).exitCode, 0);
        CliRun list = cli({ QStringLiteral("egress"), QStringLiteral("resolve") });
        QVERIFY2(list.out.contains("api.test") && list.out.contains(m_port.toLatin1()), list.out.constData());
        QVERIFY(curl(QStringLiteral("http://api.test/")).contains("no rule allows api.test:80"));
        CliRun allow = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("API.test."), QStringLiteral("--port"), QStringLiteral("80") });
        QVERIFY2(allow.exitCode == 0, allow.err.constData());
        QCOMPARE(curl(QStringLiteral("http://api.test/")), QByteArray("http GET /\n"));
        const QJsonArray r = rules();
        QCOMPARE(r.size(), 1);
        QCOMPARE(r[0].toObject().value(QStringLiteral("pattern")).toString(), QStringLiteral("api.test"));
        CliRun log = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e") });
        QVERIFY2(log.out.contains("denied") && log.out.contains("allowed") && log.out.contains("allow api.test:80]"), log.out.constData());
        CliRun json = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"), QStringLiteral("--json"), QStringLiteral("--denied") });
        const QList<QByteArray> lines = json.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        QCOMPARE(QJsonDocument::fromJson(lines[0]).object().value(QStringLiteral("verdict")).toString(), QStringLiteral("denied"));
        // Every sandbox's log: each line names whose it is.
        const QString id = QJsonDocument::fromJson(lines[0]).object().value(QStringLiteral("sandbox")).toString();
        CliRun all = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("--all") });
        for (const QByteArray &line : all.out.trimmed().split('\n'))
            QVERIFY2(line.contains("  " + id.toLatin1() + "  "), all.out.constData());
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"), QStringLiteral("--denied"),
                       QStringLiteral("--allowed") }).exitCode, 2);
        // --host takes a destination as the log shows it, port and all.
        const auto hostLines = [this](const QString &host) {
            CliRun r = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"), QStringLiteral("--host"), host });
            return r.out.trimmed().isEmpty() ? 0 : int(r.out.trimmed().split('\n').size());
        };
        QCOMPARE(hostLines(QStringLiteral("api.test:80")), 2);
        QCOMPARE(hostLines(QStringLiteral("api.test")), 2);
        QCOMPARE(hostLines(QStringLiteral("api.test:443")), 0);
    }

    // Allowed but not gone through: the log says failed, not allowed, and
    // --failed finds only those.
    void aFailedConnectionReadsAsFailed()
    {
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("dead.test"), QStringLiteral("127.0.0.1:1") }).exitCode, 0);
        CliRun allow = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("dead.test") });
        QVERIFY2(allow.exitCode == 0, allow.err.constData());
        (void)curl(QStringLiteral("http://dead.test/"));
        CliRun failed;
        QTRY_VERIFY_WITH_TIMEOUT((failed = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"), QStringLiteral("--failed") }))
                                     .out.contains("dead.test"), 10000);
        for (const QByteArray &line : failed.out.trimmed().split('\n'))
            QVERIFY2(line.contains("  failed  ") && line.contains("dead.test") && line.contains("failed: "), failed.out.constData());
        CliRun json = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"), QStringLiteral("--failed"), QStringLiteral("--json") });
        const QJsonObject entry = QJsonDocument::fromJson(json.out.trimmed().split('\n').value(0)).object();
        QCOMPARE(entry.value(QStringLiteral("verdict")).toString(), QStringLiteral("allowed")); // what the rule said
        QVERIFY(!entry.value(QStringLiteral("failure")).toString().isEmpty());
        // A rule allowed it: --allowed lists it too.
        CliRun allowed = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"), QStringLiteral("--allowed") });
        QVERIFY2(allowed.out.contains("  failed  "), allowed.out.constData());
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"), QStringLiteral("--failed"),
                       QStringLiteral("--denied") }).exitCode, 2);
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("rm"), QStringLiteral("e"), QString::fromLatin1(allow.out.trimmed()) }).exitCode, 0);
    }

    void rulesAreOrderedAndRemovable()
    {
        CliRun deny = cli({ QStringLiteral("egress"), QStringLiteral("deny"), QStringLiteral("e"), QStringLiteral("*.test"),
                            QStringLiteral("--reason"), QStringLiteral("tests are off"), QStringLiteral("--at"), QStringLiteral("1") });
        QVERIFY2(deny.exitCode == 0, deny.err.constData());
        const QString denyId = QString::fromLatin1(deny.out.trimmed());
        QVERIFY(curl(QStringLiteral("http://api.test/")).contains("tests are off"));
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("move"), QStringLiteral("e"), denyId, QStringLiteral("2") }).exitCode, 0);
        QCOMPARE(curl(QStringLiteral("http://api.test/")), QByteArray("http GET /\n"));
        CliRun table = cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("e") });
        QVERIFY2(table.out.indexOf("allow") < table.out.indexOf("deny"), table.out.constData());
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("rm"), QStringLiteral("e"), denyId }).exitCode, 0);
        QCOMPARE(rules().size(), 1);
        CliRun missing = cli({ QStringLiteral("egress"), QStringLiteral("rm"), QStringLiteral("e"), denyId });
        QVERIFY(missing.exitCode != 0 && missing.err.contains("has no egress rule"));
    }

    // A rule added behind one that matches everything it would never
    // decides: the CLI says so as it is added, and the table marks it.
    void aHiddenRuleIsPointedOut()
    {
        CliRun wide = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("*.hidden.test") });
        QVERIFY2(wide.exitCode == 0 && !wide.err.contains("never decides"), wide.err.constData());
        CliRun narrow = cli({ QStringLiteral("egress"), QStringLiteral("deny"), QStringLiteral("e"), QStringLiteral("api.hidden.test"),
                              QStringLiteral("--method"), QStringLiteral("DELETE") });
        const QByteArray wideId = wide.out.trimmed(), narrowId = narrow.out.trimmed();
        QVERIFY2(narrow.exitCode == 0
                     && narrow.err.contains("rule " + narrowId + " never decides anything: rule " + wideId + " before it"),
                 narrow.err.constData());
        CliRun table = cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("e") });
        QVERIFY2(table.out.contains("never decides: rule " + wideId + " before it matches first"), table.out.constData());
        // Moved first, it decides, and nothing is said.
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("move"), QStringLiteral("e"), QString::fromLatin1(narrowId), QStringLiteral("1") }).exitCode, 0);
        QVERIFY(!cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("e") }).out.contains("never decides"));
        // A rule put in front of one it hides says so too.
        CliRun front = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("api.hidden.test"),
                             QStringLiteral("--at"), QStringLiteral("1") });
        QVERIFY2(front.exitCode == 0
                     && front.err.contains("rule " + narrowId + " (deny api.hidden.test) no longer decides anything: rule "
                                           + front.out.trimmed() + ", now before it"),
                 front.err.constData());
        // The same rule twice: the hint is to remove it, not to move it.
        CliRun twice = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("*.hidden.test") });
        QVERIFY2(twice.exitCode == 0
                     && twice.err.contains("rule " + twice.out.trimmed() + " repeats rule " + wideId)
                     && twice.err.contains("paddock egress rm e " + twice.out.trimmed()) && !twice.err.contains("egress move"),
                 twice.err.constData());
        for (const QByteArray &id : { wideId, narrowId, front.out.trimmed(), twice.out.trimmed() })
            QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("rm"), QStringLiteral("e"), QString::fromLatin1(id) }).exitCode, 0);
    }

    // A sandbox's rules decide before the global ones: one that takes the
    // place of a global inject rule says that the credentials stop there.
    void aSandboxRuleHidingAGlobalOneIsPointedOut()
    {
        CliRun global = cli({ QStringLiteral("egress"), QStringLiteral("inject"), QStringLiteral("--global"),
            QStringLiteral("keyed.test"), QStringLiteral("--header"), QStringLiteral("X-Key: {{secret.KEYED}}") });
        QVERIFY2(global.exitCode == 0, global.err.constData());
        const QByteArray globalId = global.out.trimmed().split('\n').last().trimmed();
        CliRun local = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("*.test") });
        QVERIFY2(local.exitCode == 0
                     && local.err.contains("rule " + local.out.trimmed() + " hides global rule " + globalId + " (inspect keyed.test)")
                     && local.err.contains("what it injects is not sent from this sandbox"),
                 local.err.constData());
        CliRun table = cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("e") });
        QVERIFY2(table.out.contains("hides global rule " + globalId + " here"), table.out.constData());
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("rm"), QStringLiteral("e"), QString::fromLatin1(local.out.trimmed()) }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("rm"), QStringLiteral("--global"), QString::fromLatin1(globalId) }).exitCode, 0);
    }

    void globalRules()
    {
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("other.test"), QStringLiteral("127.0.0.1:") + m_port }).exitCode, 0);
        QVERIFY(curl(QStringLiteral("http://other.test/")).contains("no rule allows"));
        CliRun g = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("--global"), QStringLiteral("other.test") });
        QVERIFY2(g.exitCode == 0, g.err.constData());
        QCOMPARE(curl(QStringLiteral("http://other.test/")), QByteArray("http GET /\n"));
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("--global") }).out.contains("other.test"));
    }

    void badInputGetsAClearError()
    {
        CliRun bad = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("exa mple.com") });
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains("is not a host name"), bad.err.constData());
        CliRun port = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("a.test"), QStringLiteral("--port"), QStringLiteral("99999") });
        QCOMPARE(port.exitCode, 2);
        for (const char *limit : { "x", "-5", "0", "1x" }) {
            CliRun badLimit = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"), QStringLiteral("--limit"), QString::fromLatin1(limit) });
            QVERIFY2(badLimit.exitCode == 2 && badLimit.err.contains("--limit takes a number"), badLimit.err.constData());
        }
        // An empty --path or --method (an unset shell variable) must not widen the rule to "any".
        for (const char *option : { "--path", "--method" }) {
            CliRun empty = cli({ QStringLiteral("egress"), QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("a.test"),
                                 QString::fromLatin1(option), QString() });
            QCOMPARE(empty.exitCode, 2);
            QVERIFY2(empty.err.contains("is empty"), empty.err.constData());
        }
        QVERIFY(!cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("e") }).out.contains("a.test"));
        CliRun resolve = cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("x.test"), QStringLiteral("not-an-ip") });
        QVERIFY2(resolve.err.contains("is not an IP address"), resolve.err.constData());
        CliRun answer = cli({ QStringLiteral("egress"), QStringLiteral("answer"), QStringLiteral("q999"), QStringLiteral("allow-once") });
        QVERIFY2(answer.exitCode != 0 && answer.err.contains("no pending question"), answer.err.constData());
        CliRun noSandbox = cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("nope") });
        QVERIFY(noSandbox.err.contains("no sandbox"));
        // A '/' in a name (a URL pasted in) is the name the error is about, not an API route.
        CliRun url = cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("https://foo.test"), QStringLiteral("127.0.0.1") });
        QVERIFY2(url.exitCode != 0 && !url.err.contains("no route") && url.err.contains("https://foo.test"), url.err.constData());
        CliRun slashed = cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("x/y") });
        QVERIFY2(slashed.err.contains("'x/y'"), slashed.err.constData());
    }

    void injectionRulesFromTheCli()
    {
        const auto egress = [&](const QStringList &args) { return cli(QStringList { QStringLiteral("egress") } + args); };
        CliRun added = egress({ QStringLiteral("inject"), QStringLiteral("e"), QStringLiteral("api.inject.test"),
                                QStringLiteral("--header"), QStringLiteral("Authorization: Bearer {{secret.API_KEY}}"),
                                QStringLiteral("--query"), QStringLiteral("key={{ secret.API_KEY }}") });
        QVERIFY2(added.exitCode == 0 && !added.err.contains("names no"), added.err.constData());
        // A value with no secret in it (a token the shell expanded from "$TOKEN") is said to be kept as typed.
        CliRun literal = egress({ QStringLiteral("inject"), QStringLiteral("e"), QStringLiteral("literal.inject.test"),
                                  QStringLiteral("--header"), QStringLiteral("Authorization: Bearer ghp_pasted") });
        QVERIFY2(literal.exitCode == 0 && literal.err.contains("note: Authorization names no {{secret.NAME}}"), literal.err.constData());
        QCOMPARE(egress({ QStringLiteral("rm"), QStringLiteral("e"), QString::fromLatin1(literal.out.trimmed()) }).exitCode, 0);
        QJsonObject rule;
        for (const QJsonValue &v : rules())
            if (v[QStringLiteral("pattern")].toString() == QLatin1String("api.inject.test"))
                rule = v.toObject();
        QCOMPARE(rule[QStringLiteral("action")].toString(), QStringLiteral("inspect"));
        const QJsonArray inject = rule[QStringLiteral("inject")].toArray();
        QCOMPARE(inject.size(), 2);
        QCOMPARE(inject[0][QStringLiteral("value")].toString(), QStringLiteral("Bearer {{secret.API_KEY}}"));
        QCOMPARE(inject[1][QStringLiteral("kind")].toString(), QStringLiteral("query"));
        QVERIFY(egress({ QStringLiteral("rules"), QStringLiteral("e") }).out.contains("Authorization, ?key"));
        // The same command again, corrected: the rule's injections are
        // replaced in place, not shadowed by a second rule behind it —
        // also when the name is typed another way that means the same.
        CliRun again = egress({ QStringLiteral("inject"), QStringLiteral("e"), QStringLiteral("API.Inject.test."),
                                QStringLiteral("--header"), QStringLiteral("X-Api-Key: {{secret.API_KEY}}") });
        QVERIFY2(again.exitCode == 0 && again.err.contains("replaced the injections of rule"), again.err.constData());
        // What it had is said as the flags that set it again: a typo is undone by pasting them.
        QVERIFY2(again.err.contains("it had --header 'Authorization: Bearer {{secret.API_KEY}}' --query 'key="), again.err.constData());
        QCOMPARE(again.out.trimmed().toLongLong(), rule[QStringLiteral("id")].toInteger());
        int same = 0;
        for (const QJsonValue &v : rules())
            if (v[QStringLiteral("pattern")].toString() == QLatin1String("api.inject.test")) {
                ++same;
                QCOMPARE(v[QStringLiteral("inject")].toArray().size(), 1);
                QCOMPARE(v[QStringLiteral("inject")][0][QStringLiteral("name")].toString(), QStringLiteral("X-Api-Key"));
            }
        QCOMPARE(same, 1);
        QCOMPARE(egress({ QStringLiteral("rm"), QStringLiteral("e"), QString::number(rule[QStringLiteral("id")].toInteger()) }).exitCode, 0);

        const QList<QPair<QStringList, QByteArray>> refused {
            { { QStringLiteral("x.test") }, "needs a --header or a --query" },
            { { QStringLiteral("x.test"), QStringLiteral("--header"), QStringLiteral("Host: evil.test") }, "Paddock's to write" },
            { { QStringLiteral("x.test"), QStringLiteral("--header"), QStringLiteral("X-Key: {{secret.A") }, "not closed" },
            { { QStringLiteral("x.test"), QStringLiteral("--header"), QStringLiteral("no colon") }, "'Name: value'" },
            { { QStringLiteral("x.test"), QStringLiteral("--query"), QStringLiteral("k={{env.HOME}}") }, "not a secret reference" },
            { { QStringLiteral("*"), QStringLiteral("--header"), QStringLiteral("A: {{secret.X}}") }, "wherever the sandbox connects" },
        };
        for (const auto &[args, says] : refused) {
            CliRun r = egress(QStringList { QStringLiteral("inject"), QStringLiteral("e") } + args);
            QVERIFY2(r.exitCode != 0 && r.err.contains(says), r.err.constData());
        }
        // Only inspecting rules take injections.
        CliRun allow = egress({ QStringLiteral("allow"), QStringLiteral("e"), QStringLiteral("x.test"), QStringLiteral("--header"),
                                QStringLiteral("A: b") });
        QVERIFY2(allow.exitCode != 0 && allow.err.contains("belong to `paddock egress inject`"), allow.err.constData());
        // A secret not set yet: the rule is added, with a warning.
        CliRun early = egress({ QStringLiteral("inject"), QStringLiteral("e"), QStringLiteral("later.test"), QStringLiteral("--header"),
                                QStringLiteral("X-Key: {{secret.NOT_YET}}") });
        QVERIFY2(early.exitCode == 0 && early.err.contains("no secret named NOT_YET yet"), early.err.constData());
        QCOMPARE(egress({ QStringLiteral("rm"), QStringLiteral("e"), QString::fromLatin1(early.out.trimmed()) }).exitCode, 0);
        QVERIFY(!egress({ QStringLiteral("rules"), QStringLiteral("e") }).out.contains("x.test"));
    }

    // A handler is read from its file into the rule; the same command again
    // replaces it in place (same rule ID).
    void handlerRulesFromTheCli()
    {
        const auto egress = [&](const QStringList &args) { return cli(QStringList { QStringLiteral("egress") } + args); };
        QTemporaryDir dir;
        const QString script = dir.filePath(QStringLiteral("sign.js"));
        const auto write = [&](const QByteArray &text) {
            QFile f(script);
            return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
        };
        QVERIFY(write("function handle(r, s) { return r; }\n"));
        CliRun added = egress({ QStringLiteral("handler"), QStringLiteral("e"), QStringLiteral("api.handler.test"), script,
                                QStringLiteral("--secret"), QStringLiteral("SIGNING_KEY") });
        QVERIFY2(added.exitCode == 0, added.err.constData());
        QVERIFY2(added.err.contains("no secret named SIGNING_KEY yet"), added.err.constData());
        QVERIFY(write("function handle(r, s) { return Paddock.deny('v2'); }\n"));
        CliRun again = egress({ QStringLiteral("handler"), QStringLiteral("e"), QStringLiteral("api.handler.test"), script,
                                QStringLiteral("--secret"), QStringLiteral("SIGNING_KEY") });
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(again.out.trimmed(), "replaced the handler of rule " + added.out.trimmed());
        QJsonObject rule;
        for (const QJsonValue &v : rules())
            if (v[QStringLiteral("pattern")].toString() == QLatin1String("api.handler.test"))
                rule = v.toObject();
        QCOMPARE(rule[QStringLiteral("action")].toString(), QStringLiteral("inspect"));
        QCOMPARE(rule[QStringLiteral("handler")][QStringLiteral("name")].toString(), QStringLiteral("sign.js"));
        QVERIFY(rule[QStringLiteral("handler")][QStringLiteral("source")].toString().contains(QStringLiteral("'v2'")));
        QCOMPARE(rule[QStringLiteral("handler")][QStringLiteral("secrets")].toArray().size(), 1);
        QVERIFY(egress({ QStringLiteral("rules"), QStringLiteral("e") }).out.contains("sign.js(SIGNING_KEY)"));
        QCOMPARE(egress({ QStringLiteral("rm"), QStringLiteral("e"), QString::fromLatin1(added.out.trimmed()) }).exitCode, 0);

        QVERIFY(write(""));
        const QList<QPair<QStringList, QByteArray>> refused {
            { { QStringLiteral("x.test"), dir.filePath(QStringLiteral("missing.js")) }, "cannot read" },
            { { QStringLiteral("x.test"), script }, "it is empty" },
            { { QStringLiteral("*"), dir.filePath(QStringLiteral("ok.js")) }, "wherever the sandbox connects" },
            { { QStringLiteral("x.test"), dir.filePath(QStringLiteral("ok.js")), QStringLiteral("--secret"), QStringLiteral("not-a-name") },
              "not a secret name" },
        };
        QFile broken(dir.filePath(QStringLiteral("broken.js")));
        QVERIFY(broken.open(QIODevice::WriteOnly) && broken.write("function handle(r) { return r; ") > 0);
        broken.close();
        CliRun notLoaded = egress({ QStringLiteral("handler"), QStringLiteral("e"), QStringLiteral("x.test"), broken.fileName() });
        QVERIFY2(notLoaded.exitCode != 0 && notLoaded.err.contains("broken.js does not load, so it was not installed: SyntaxError"),
            notLoaded.err.constData());
        QFile ok(dir.filePath(QStringLiteral("ok.js")));
        QVERIFY(ok.open(QIODevice::WriteOnly) && ok.write("function handle(r) { return r; }") > 0);
        ok.close();
        for (const auto &[args, says] : refused) {
            CliRun r = egress(QStringList { QStringLiteral("handler"), QStringLiteral("e") } + args);
            QVERIFY2(r.exitCode != 0 && r.err.contains(says), r.err.constData());
        }
    }

    // A handler tried on a sample request: what it would send, with the
    // real secret used and masked in the report; a failing one exits 1.
    void aHandlerCanBeTriedOnASampleRequest()
    {
        QVERIFY(runCli(m_dataDir, { QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("TRY_KEY") }, kWaitMs,
                    "try-key-value-123")
                    .exitCode
            == 0);
        QTemporaryDir dir;
        const auto script = [&](const QByteArray &text) {
            QFile f(dir.filePath(QStringLiteral("h.js")));
            (void)(f.open(QIODevice::WriteOnly) && f.write(text));
            return f.fileName();
        };
        const auto tryIt = [&](const QString &file, const QStringList &more) {
            return cli(QStringList { QStringLiteral("egress"), QStringLiteral("try-handler"), file } + more);
        };
        CliRun sent = tryIt(script("function handle(r, s) { console.log('len', r.body.length);"
                                   " r.headers['x-sig'] = Paddock.hmacSha256(s.TRY_KEY, r.body);"
                                   " r.headers['x-key'] = s.TRY_KEY; r.url = '/signed'; return r; }"),
            { QStringLiteral("--secret"), QStringLiteral("TRY_KEY"), QStringLiteral("--method"), QStringLiteral("POST"),
                QStringLiteral("--url"), QStringLiteral("https://api.try.test/a"), QStringLiteral("--body"), QStringLiteral("hello") });
        QVERIFY2(sent.exitCode == 0, sent.err.constData());
        const QByteArray sig = QMessageAuthenticationCode::hash("hello", "try-key-value-123", QCryptographicHash::Sha256).toHex();
        QVERIFY2(sent.out.contains("send POST https://api.try.test/signed"), sent.out.constData());
        QVERIFY2(sent.out.contains("x-sig: " + sig), sent.out.constData());
        QVERIFY2(sent.out.contains("x-key: {{secret.TRY_KEY}}"), sent.out.constData());
        QVERIFY(sent.out.contains("console: len 5"));
        QVERIFY(!sent.out.contains("try-key-value-123"));
        CliRun denied = tryIt(script("function handle(r) { return Paddock.deny('not today'); }"), {});
        QVERIFY2(denied.exitCode == 0 && denied.out.contains("deny: not today"), denied.out.constData());
        CliRun broken = tryIt(script("function handle(r) { return r.nope.deeper; }"), {});
        QVERIFY2(broken.exitCode == 1 && broken.out.contains("error: TypeError") && broken.out.contains("h.js:1"),
            broken.out.constData());
        CliRun offHost = tryIt(script("function handle(r) { r.url = 'https://elsewhere.test/'; return r; }"), {});
        QVERIFY2(offHost.exitCode == 1 && offHost.out.contains("not where the request goes"), offHost.out.constData());
    }

    void trustedUpstreamCasFromTheCli()
    {
        auto ca = makeTestCa({ QStringLiteral("ca.test") });
        QVERIFY2(ca->error.isEmpty(), qPrintable(ca->error));
        const auto trust = [&](const QStringList &args) {
            return cli(QStringList { QStringLiteral("egress"), QStringLiteral("trust-ca") } + args);
        };
        CliRun added = trust({ ca->caFile });
        QVERIFY2(added.exitCode == 0 && added.out.contains("trusted upstream: CN=Paddock Test CA"), added.out + added.err);
        const QJsonArray listed = QJsonDocument::fromJson(trust({ QStringLiteral("--list"), QStringLiteral("--json") }).out)
                                      .object().value(QStringLiteral("cas")).toArray();
        QCOMPARE(listed.size(), 1);
        const QString fingerprint = listed[0][QStringLiteral("fingerprint")].toString();
        QCOMPARE(fingerprint.size(), 95);
        // A server's certificate is no trust anchor; nor is a file without one.
        CliRun leaf = trust({ ca->dir.path() + QStringLiteral("/leaf.pem") });
        QVERIFY2(leaf.exitCode != 0 && leaf.err.contains("neither a CA certificate nor self-signed"), leaf.err.constData());
        CliRun key = trust({ ca->dir.path() + QStringLiteral("/leaf.key") });
        QVERIFY2(key.exitCode != 0 && key.err.contains("no PEM certificate"), key.err.constData());
        QVERIFY(!key.err.contains("PRIVATE KEY"));
        // An expired anchor verifies nothing: refused, and a bundle holding one adds nothing.
        QProcess openssl;
        openssl.setWorkingDirectory(ca->dir.path());
        openssl.start(QStringLiteral("sh"), { QStringLiteral("-c"), QStringLiteral(
            "openssl req -newkey rsa:2048 -nodes -keyout old.key -out old.csr -subj '/CN=Expired Test CA' 2>/dev/null && "
            "printf 'basicConstraints=critical,CA:TRUE\\n' > old.ext && "
            "openssl x509 -req -in old.csr -signkey old.key -out old.pem -days -1 -extfile old.ext 2>/dev/null && "
            "cat ca.pem old.pem > bundle.pem") });
        QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);
        // A server's certificate followed by its CA (a fullchain file): the CA is what is trusted.
        QFile fullchain(ca->dir.path() + QStringLiteral("/fullchain.pem"));
        QVERIFY(fullchain.open(QIODevice::WriteOnly));
        fullchain.write(fileContents(ca->dir.path() + QStringLiteral("/leaf.pem")) + fileContents(ca->caFile));
        fullchain.close();
        CliRun chain = trust({ fullchain.fileName() });
        QVERIFY2(chain.exitCode == 0 && chain.out.contains("trusted upstream: CN=Paddock Test CA") && !chain.out.contains("ca.test"),
                 chain.out + chain.err);
        CliRun expired = trust({ ca->dir.path() + QStringLiteral("/bundle.pem") });
        QVERIFY2(expired.exitCode != 0 && expired.err.contains("CN=Expired Test CA expired on"), expired.err.constData());
        QCOMPARE(QJsonDocument::fromJson(trust({ QStringLiteral("--list"), QStringLiteral("--json") }).out)
                     .object().value(QStringLiteral("cas")).toArray().size(), 1);
        QCOMPARE(trust({ QStringLiteral("--rm"), fingerprint }).exitCode, 0);
        CliRun gone = trust({ QStringLiteral("--rm"), fingerprint });
        QVERIFY2(gone.exitCode != 0 && gone.err.contains("no trusted upstream CA"), gone.err.constData());
        QVERIFY(!trust({ QStringLiteral("--list") }).out.contains("Paddock Test CA"));
    }

    // Subscribers see each decision as it is made.
    void theLogCanBeFollowed()
    {
        QProcess follow;
        follow.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("e"),
                                    QStringLiteral("--follow"), QStringLiteral("--json"), QStringLiteral("--limit"), QStringLiteral("1") });
        QVERIFY(follow.waitForStarted());
        QVERIFY(follow.waitForReadyRead(10000)); // the backlog's last entry
        follow.readAll();
        QVERIFY(curl(QStringLiteral("http://followed.test/")).contains("no rule allows"));
        QByteArray lines;
        QVERIFY(QTest::qWaitFor([&] {
            lines += follow.readAll();
            return lines.contains("followed.test");
        }, 10000));
        const QJsonObject e = QJsonDocument::fromJson(lines.split('\n').constFirst()).object();
        QCOMPARE(e.value(QStringLiteral("host")).toString(), QStringLiteral("followed.test"));
        QCOMPARE(e.value(QStringLiteral("verdict")).toString(), QStringLiteral("denied"));
        follow.kill();
        follow.waitForFinished();
    }

    void theForwardProxySettingOutlivesTheEngine()
    {
        CliRun set = cli({ QStringLiteral("egress"), QStringLiteral("proxy"), QStringLiteral("http://127.0.0.1:9"),
                           QStringLiteral("--no-proxy"), QStringLiteral(".internal") });
        QVERIFY2(set.exitCode == 0, set.err.constData());
        QCOMPARE(set.out, QByteArray("http://127.0.0.1:9, except .internal\n"));
        CliRun bad = cli({ QStringLiteral("egress"), QStringLiteral("proxy"), QStringLiteral("socks5://127.0.0.1:9") });
        QVERIFY2(bad.err.contains("only http:// proxies"), bad.err.constData());
        // A new engine (started by the next command) reads it back.
        QFile lock(m_dataDir + QStringLiteral("/engine.lock"));
        QVERIFY(lock.open(QIODevice::ReadOnly));
        const qint64 pid = lock.readAll().trimmed().toLongLong();
        QVERIFY(pid > 0 && ::kill(pid_t(pid), SIGTERM) == 0);
        QTRY_VERIFY_WITH_TIMEOUT(!processIsAlive(pid), 10000);
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("proxy") }).out, QByteArray("http://127.0.0.1:9, except .internal\n"));
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("proxy"), QStringLiteral("--off") }).out, QByteArray("direct\n"));
        CliRun env = cli({ QStringLiteral("egress"), QStringLiteral("proxy"), QStringLiteral("--environment") });
        QVERIFY2(env.out.contains("(from the environment)"), env.out.constData());
    }

    void pendingQuestionsAnsweredFromTheCli()
    {
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("ask.example"), QStringLiteral("127.0.0.1:") + m_port }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("mode"), QStringLiteral("e"), QStringLiteral("ask-unlisted") }).exitCode, 0);
        QProcess held;
        held.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("exec"), QStringLiteral("e"), QStringLiteral("--"),
                                  QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-m"), QStringLiteral("20"), QStringLiteral("http://ask.example/") });
        const QJsonObject q = firstPendingQuestion();
        QVERIFY(!q.isEmpty());
        QCOMPARE(q.value(QStringLiteral("host")).toString(), QStringLiteral("ask.example"));
        QVERIFY(q.value(QStringLiteral("process")).toString().startsWith(QStringLiteral("curl")));
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("pending") }).out.contains("ask.example:80"));
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("answer"), q.value(QStringLiteral("id")).toString(), QStringLiteral("allow-always") }).exitCode, 0);
        QVERIFY(held.waitForFinished(10000));
        QCOMPARE(held.readAllStandardOutput(), QByteArray("http GET /\n"));
        QCOMPARE(rules().first().toObject().value(QStringLiteral("pattern")).toString(), QStringLiteral("ask.example"));
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("mode"), QStringLiteral("e"), QStringLiteral("deny-unlisted") }).exitCode, 0);
    }

    // Asked about one HTTP request (a rule with a method or path applies):
    // the question names it, and "allow always" allows exactly it.
    void aQuestionAboutOneRequestNamesItAndAllowsOnlyIt()
    {
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QStringLiteral("req.example"), QStringLiteral("127.0.0.1:") + m_port }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("ask"), QStringLiteral("e"), QStringLiteral("req.example"), QStringLiteral("--method"),
                       QStringLiteral("GET"), QStringLiteral("--path"), QStringLiteral("/*"), QStringLiteral("--at"), QStringLiteral("1") }).exitCode, 0);
        QProcess held;
        held.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("exec"), QStringLiteral("e"), QStringLiteral("--"),
                                  QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-m"), QStringLiteral("20"),
                                  QStringLiteral("http://req.example/one/%61?q=1") });
        const QJsonObject q = firstPendingQuestion();
        QVERIFY(!q.isEmpty());
        QCOMPARE(q.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
        QCOMPARE(q.value(QStringLiteral("path")).toString(), QStringLiteral("/one/a")); // decided, canonical
        const QByteArray table = cli({ QStringLiteral("egress"), QStringLiteral("pending") }).out;
        QVERIFY2(table.contains("REQUEST") && table.contains("GET /one/a"), table.constData());
        QCOMPARE(cli({ QStringLiteral("egress"), QStringLiteral("answer"), q.value(QStringLiteral("id")).toString(), QStringLiteral("allow-always") }).exitCode, 0);
        QVERIFY(held.waitForFinished(10000));
        QCOMPARE(held.readAllStandardOutput(), QByteArray("http GET /one/a?q=1\n"));
        const QJsonObject added = rules().first().toObject();
        QCOMPARE(added.value(QStringLiteral("pattern")).toString(), QStringLiteral("req.example"));
        QCOMPARE(added.value(QStringLiteral("port")).toInt(), 80);
        QCOMPARE(added.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
        QCOMPARE(added.value(QStringLiteral("path")).toString(), QStringLiteral("/one/a"));
    }
};

QTEST_GUILESS_MAIN(TstCliEgress)
#include "tst_cli_egress.moc"

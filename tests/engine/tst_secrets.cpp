// Secrets: a value goes in and is found again only by the vault's resolve
// (what the egress proxy will call): not in the database, the engine log,
// a listing or the CLI's output; the file that keeps it is 0600 and refused
// once others could read it; a command's output is fetched at use time,
// reused for its TTL, and bounded in time and size.
#include "test_support.h"
#include "vault_fixture.h"

#include "secrets/secret_command.h"
#include "secrets/secret_vault.h"
#include "store/database.h"
#include "store/secret_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <sys/stat.h>

using namespace paddock;
using namespace paddock::test;

namespace {

QByteArray readAllOf(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

mode_t modeOf(const QString &path)
{
    struct stat st { };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

// Every file of the data dir but the secret file itself.
QByteArray everythingButTheSecretFile(const TestDataDir &data)
{
    QByteArray all;
    for (const QString &name : QDir(data.paths().dataDir()).entryList(QDir::Files | QDir::Hidden))
        all += readAllOf(data.paths().dataDir() + QLatin1Char('/') + name);
    return all;
}


const QByteArray kValue = "ghp_" + QByteArray("Zx9").repeated(12);

} // namespace

class TstSecrets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aStoredValueLivesOnlyInTheSecretFile()
    {
        TestDataDir data;
        {
            auto engine = Engine::open(data.paths());
            QVERIFY(engine);
            auto info = (*engine)->setSecret(QStringLiteral("GITHUB_TOKEN"), kValue);
            QVERIFY2(info, info ? "" : qPrintable(info.error().message));
            QCOMPARE(info->source, SecretSource::Stored);
            auto listed = (*engine)->secrets();
            QVERIFY(listed);
            QCOMPARE(listed->size(), 1);
            QCOMPARE(listed->first().name, QStringLiteral("GITHUB_TOKEN"));
        }
        const QString file = data.paths().secretsDir() + QStringLiteral("/values.json");
        QCOMPARE(modeOf(data.paths().secretsDir()), mode_t(0700));
        QCOMPARE(modeOf(file), mode_t(0600));
        QVERIFY(readAllOf(file).contains(kValue.toBase64()));
        const QByteArray rest = everythingButTheSecretFile(data);
        QVERIFY(rest.contains("GITHUB_TOKEN")); // the search does search the database
        QVERIFY(!rest.contains(kValue));
        QVERIFY(!rest.contains(kValue.toBase64()));
    }

    void namesValuesAndTtlsAreChecked()
    {
        VaultFixture fx;
        for (const QString &name : { QString(), QStringLiteral("1TOKEN"), QStringLiteral("A-B"),
                 QStringLiteral("A B"), QStringLiteral("ÄB"), QStringLiteral("{{secret.X}}"),
                 QString(65, QLatin1Char('A')) }) {
            auto r = fx.vault->setValue(name, kValue);
            QVERIFY2(!r && r.error().code == ErrorCode::InvalidArgument, qPrintable(name));
        }
        QVERIFY(fx.vault->setValue(QStringLiteral("A_1"), kValue));
        QVERIFY(!fx.vault->setValue(QStringLiteral("EMPTY"), QByteArray()));
        QVERIFY(!fx.vault->setValue(QStringLiteral("HUGE"), QByteArray(kMaxSecretBytes + 1, 'x')));
        QVERIFY(fx.vault->setValue(QStringLiteral("LARGEST"), QByteArray(kMaxSecretBytes, 'x')));
        QVERIFY(!fx.setCommand(QStringLiteral("CMD"), QStringLiteral("  "), 0));
        QVERIFY(!fx.setCommand(QStringLiteral("CMD"), QStringLiteral("echo x"), -1));
        QVERIFY(!fx.setCommand(
            QStringLiteral("CMD"), QStringLiteral("echo x"), kMaxSecretTtlSeconds + 1));
        QCOMPARE(fx.vault->list()->size(), 2);
    }

    void aValueResolvesAndIsForgottenWhenRemoved()
    {
        VaultFixture fx;
        QVERIFY(fx.vault->setValue(QStringLiteral("TOKEN"), kValue));
        QCOMPARE(fx.resolve(QStringLiteral("TOKEN")).value_or(QByteArray()), kValue);
        QVERIFY(fx.vault->remove(QStringLiteral("TOKEN")));
        QVERIFY(!readAllOf(fx.data.paths().secretsDir() + QStringLiteral("/values.json"))
                     .contains(kValue.toBase64()));
        auto gone = fx.resolve(QStringLiteral("TOKEN"));
        QVERIFY(!gone && gone.error().code == ErrorCode::NotFound);
        auto again = fx.vault->remove(QStringLiteral("TOKEN"));
        QVERIFY(!again && again.error().code == ErrorCode::NotFound);
    }

    // Fail closed: a value others could have read is no longer a secret to send.
    void aSecretFileOthersCanReadIsRefused()
    {
        VaultFixture fx;
        QVERIFY(fx.vault->setValue(QStringLiteral("TOKEN"), kValue));
        const QString file = fx.data.paths().secretsDir() + QStringLiteral("/values.json");
        QVERIFY(::chmod(QFile::encodeName(file).constData(), 0644) == 0);
        auto value = fx.resolve(QStringLiteral("TOKEN"));
        QVERIFY(!value);
        QVERIFY2(value.error().message.contains(QStringLiteral("readable by others")),
            qPrintable(value.error().message));
        QVERIFY(!fx.vault->setValue(QStringLiteral("OTHER"), kValue)); // nor written to
        QFile damaged(file);
        QVERIFY(::chmod(QFile::encodeName(file).constData(), 0600) == 0);
        QVERIFY(damaged.open(QIODevice::WriteOnly | QIODevice::Truncate));
        damaged.write("{not json");
        damaged.close();
        value = fx.resolve(QStringLiteral("TOKEN"));
        QVERIFY(!value);
        QVERIFY2(value.error().message.contains(QStringLiteral("damaged")),
            qPrintable(value.error().message));
    }

    // A link in place of the file, even one that leads nowhere, is refused:
    // replacing it would quietly lose where the values went.
    void aSymlinkInPlaceOfTheSecretFileIsRefused()
    {
        VaultFixture fx;
        QVERIFY(fx.vault->setValue(QStringLiteral("FIRST"), kValue));
        const QString file = fx.data.paths().secretsDir() + QStringLiteral("/values.json");
        QVERIFY(QFile::remove(file));
        QVERIFY(QFile::link(fx.data.path() + QStringLiteral("/nowhere.json"), file));
        auto r = fx.vault->setValue(QStringLiteral("SECOND"), kValue);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("symbolic link")),
            qPrintable(r.error().message));
        QVERIFY(QFileInfo(file).isSymLink());
    }

    void aCommandsOutputIsReusedForItsTtlAndSharedWhileItRuns()
    {
        VaultFixture fx;
        // Saving runs it once; its output then serves for the TTL.
        QVERIFY(fx.setCommand(
            QStringLiteral("CACHED"), QStringLiteral("printf 'from-command\\n'"), 60));
        QCOMPARE(fx.resolve(QStringLiteral("CACHED")).value_or(QByteArray()),
            QByteArray("from-command"));
        QCOMPARE(fx.resolve(QStringLiteral("CACHED")).value_or(QByteArray()),
            QByteArray("from-command"));
        QCOMPARE(fx.vault->commandRuns(QStringLiteral("CACHED")), 1);
        QCOMPARE(fx.vault->list()->at(0).command, QStringLiteral("printf 'from-command\\n'"));
        // TTL 0: a run for every use, but two asking at once share one.
        QVERIFY(fx.setCommand(QStringLiteral("FRESH"), QStringLiteral("echo fresh"), 0));
        QList<Result<QByteArray>> answers;
        fx.vault->resolve(QStringLiteral("FRESH"), [&](Result<QByteArray> r) { answers << r; });
        fx.vault->resolve(QStringLiteral("FRESH"), [&](Result<QByteArray> r) { answers << r; });
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, kWaitMs);
        for (const auto &a : answers)
            QCOMPARE(a.value_or(QByteArray()), QByteArray("fresh"));
        QCOMPARE(fx.vault->commandRuns(QStringLiteral("FRESH")), 2);
        QCOMPARE(fx.resolve(QStringLiteral("FRESH")).value_or(QByteArray()), QByteArray("fresh"));
        QCOMPARE(fx.vault->commandRuns(QStringLiteral("FRESH")), 3);
    }

    // The list says when a stored secret's value is gone, and a removal
    // that cannot remove the value keeps the name too.
    void theListAndRemovalNeverDisagreeWithTheFile()
    {
        VaultFixture fx;
        QVERIFY(fx.vault->setValue(QStringLiteral("KEPT"), kValue));
        const QString file = fx.data.paths().secretsDir() + QStringLiteral("/values.json");
        QVERIFY(::chmod(QFile::encodeName(file).constData(), 0644) == 0);
        auto refused = fx.vault->remove(QStringLiteral("KEPT"));
        QVERIFY2(!refused && refused.error().message.contains(QStringLiteral("chmod 600")),
            qPrintable(refused.error().message));
        QCOMPARE(fx.vault->list()->size(), 1);
        QVERIFY(readAllOf(file).contains(kValue.toBase64()));
        QVERIFY(fx.vault->list()->first().problem.contains(QStringLiteral("readable by others")));
        QVERIFY(QFile::remove(file));
        QVERIFY2(fx.vault->list()->first().problem.contains(QStringLiteral("set it again")),
            qPrintable(fx.vault->list()->first().problem));
    }
    // A failure says why without repeating what the command printed: a
    // half-printed secret must not reach a log. A command that fails when
    // saved is not saved.
    void aFailingCommandSaysWhyButNotWhatItPrinted()
    {
        VaultFixture fx;
        auto r = fx.setCommand(QStringLiteral("BROKEN"),
            QStringLiteral("echo HALF-A-SECRET; echo 'vault is locked' >&2; exit 3"), 60);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("not saved"))
                && r.error().message.contains(QStringLiteral("exit status 3"))
                && r.error().message.contains(QStringLiteral("vault is locked")),
            qPrintable(r.error().message));
        QVERIFY(!r.error().message.contains(QStringLiteral("HALF-A-SECRET")));
        QVERIFY(fx.vault->list()->isEmpty());
        r = fx.setCommand(QStringLiteral("SILENT"), QStringLiteral("true"), 0);
        QVERIFY(!r && r.error().message.contains(QStringLiteral("printed nothing")));
        r = fx.setCommand(QStringLiteral("FLOOD"), QStringLiteral("head -c 1000000 /dev/zero"), 0);
        QVERIFY2(!r && r.error().message.contains(QStringLiteral("more than")),
            qPrintable(r.error().message));
        // One that worked when saved and fails at use says so there.
        const QString flag = fx.data.path() + QStringLiteral("/unlocked");
        QFile made(flag);
        QVERIFY(made.open(QIODevice::WriteOnly));
        made.close();
        QVERIFY(fx.setCommand(QStringLiteral("LATER"),
            QStringLiteral("test -e '%1' && echo ok || exit 4").arg(flag), 0));
        QVERIFY(QFile::remove(flag));
        auto value = fx.resolve(QStringLiteral("LATER"));
        QVERIFY2(!value && value.error().message.contains(QStringLiteral("exit status 4")),
            qPrintable(value.error().message));
    }
    void aHangingCommandIsStoppedAtItsDeadline()
    {
        QElapsedTimer clock;
        clock.start();
        auto r = await<QByteArray>([](Callback<QByteArray> done) {
            secrets::runSecretCommand(
                QStringLiteral("SLOW"), QStringLiteral("sleep 30"), done, 300);
        });
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("did not finish")),
            qPrintable(r.error().message));
        QVERIFY(clock.elapsed() < 10000);
    }

    // The CLI: the value comes from stdin only and never comes back.
    void theCliSetsListsAndRemovesWithoutShowingAValue()
    {
        TestDataDir data;
        const QString dir = data.path() + QStringLiteral("/cli");
        CliRun set = runCli(dir,
            { QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("API_KEY") }, kWaitMs,
            kValue + '\n');
        QVERIFY2(set.exitCode == 0 && !set.err.contains("control character"), set.err.constData());
        CliRun crlf = runCli(dir, { QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("PASTED") }, kWaitMs,
            QByteArray("two lines\r\npasted\n"));
        QVERIFY2(crlf.exitCode == 0 && crlf.err.contains("note: the value of PASTED holds a control character"), crlf.err.constData());
        QCOMPARE(runCli(dir, { QStringLiteral("secret"), QStringLiteral("rm"), QStringLiteral("PASTED") }).exitCode, 0);
        CliRun cmd = runCli(dir,
            { QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("FROM_PASS"),
                QStringLiteral("--from-command"), QStringLiteral("echo from-pass"),
                QStringLiteral("--ttl"), QStringLiteral("300") });
        QVERIFY2(cmd.exitCode == 0, cmd.err.constData());
        CliRun broken = runCli(dir,
            { QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("TYPO"),
                QStringLiteral("--from-command"),
                QStringLiteral("no-such-password-manager show api") });
        QVERIFY2(broken.exitCode != 0 && broken.err.contains("not saved"), broken.err.constData());
        CliRun inArgv = runCli(dir,
            { QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("X"),
                QStringLiteral("the-value") });
        QVERIFY2(
            inArgv.exitCode == 2 && inArgv.err.contains("standard input"), inArgv.err.constData());
        CliRun typo = runCli(dir, { QStringLiteral("secret"), QStringLiteral("lst") });
        QVERIFY2(typo.exitCode == 2 && typo.err.contains("unknown secret command 'lst'"),
            typo.err.constData());
        CliRun ls = runCli(dir, { QStringLiteral("secret"), QStringLiteral("ls") });
        QVERIFY2(
            ls.exitCode == 0 && ls.out.contains("API_KEY") && ls.out.contains("echo from-pass"),
            ls.out + ls.err);
        CliRun json = runCli(
            dir, { QStringLiteral("secret"), QStringLiteral("ls"), QStringLiteral("--json") });
        const QJsonArray listed
            = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("secrets")).toArray();
        QCOMPARE(listed.size(), 2);
        QVERIFY(!(ls.out + ls.err + json.out + set.out + set.err).contains(kValue));
        QVERIFY(!(ls.out + json.out).contains(kValue.toBase64()));
        CliRun empty = runCli(dir,
            { QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("NOTHING") }, kWaitMs,
            QByteArray(""));
        QVERIFY2(empty.exitCode != 0 && empty.err.contains("no value"), empty.err.constData());
        CliRun rule = runCli(dir,
            { QStringLiteral("egress"), QStringLiteral("inject"), QStringLiteral("--global"),
                QStringLiteral("api.uses-key.test"), QStringLiteral("--header"),
                QStringLiteral("Authorization: Bearer {{secret.API_KEY}}") });
        QVERIFY2(rule.exitCode == 0, rule.err.constData());
        CliRun rm = runCli(
            dir, { QStringLiteral("secret"), QStringLiteral("rm"), QStringLiteral("API_KEY") });
        QVERIFY2(rm.exitCode == 0, rm.err.constData());
        // What stops working is said: the rule that still injects it.
        QVERIFY2(rm.err.contains("these rules still name API_KEY")
                && rm.err.contains("rule " + rule.out.trimmed() + " api.uses-key.test (global)"),
            rm.err.constData());
        CliRun rmAgain = runCli(
            dir, { QStringLiteral("secret"), QStringLiteral("rm"), QStringLiteral("API_KEY") });
        QVERIFY2(rmAgain.exitCode != 0 && rmAgain.err.contains("no secret named 'API_KEY'"),
            rmAgain.err.constData());
        const QByteArray log = readAllOf(dir + QStringLiteral("/engine.log"));
        QVERIFY(!log.contains(kValue) && !log.contains(kValue.toBase64()));
        shutDownCliEngine(dir);
    }
};

QTEST_GUILESS_MAIN(TstSecrets)
#include "tst_secrets.moc"

// Stored secrets in the desktop's keyring: against a real Secret Service
// (gnome-keyring-daemon on a session bus of this test's own, unlocked with
// a throwaway password), a value set goes to the keyring and not the file,
// is found again by a vault made afresh (an engine restart), goes when the
// secret does or becomes a command; and when the keyring is gone, values
// fall back to the 0600 file and a value left in the keyring is reported,
// not silently lost.
#include "test_support.h"
#include "vault_fixture.h"

#include "secrets/secret_vault.h"
#include "store/database.h"
#include "store/secret_store.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstdio>

using namespace paddock;
using namespace paddock::test;

namespace {

const QByteArray kValue = "kr_" + QByteArray("Qw7").repeated(10);

} // namespace

class TstSecretKeyring : public QObject {
    Q_OBJECT

    QTemporaryDir home;
    pid_t busPid = 0;
    QProcess keyring;
    VaultFixture fx;

    // What the Secret Service itself holds for the secret, asked with secret-tool.
    QByteArray inKeyring(const QString &name)
    {
        QProcess tool;
        tool.start(QStringLiteral("secret-tool"),
            { QStringLiteral("lookup"), QStringLiteral("name"), name, QStringLiteral("data-dir"),
                fx.data.paths().secretsDir() });
        tool.waitForFinished(10000);
        return tool.readAllStandardOutput();
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *var : { "HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME" })
            qputenv(var,
                QFile::encodeName(
                    home.path() + QLatin1Char('/') + QString::fromLatin1(var).toLower()));
        for (const char *var : { "HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME" })
            QVERIFY(QDir().mkpath(qEnvironmentVariable(var)));
        QFile::setPermissions(qEnvironmentVariable("XDG_RUNTIME_DIR"),
            QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        // A bus that activates nothing: the desktop's own gnome-keyring
        // service file would start a second, locked keyring at the first call.
        const QString config = home.path() + QStringLiteral("/bus.conf");
        QFile session(QStringLiteral("/usr/share/dbus-1/session.conf")), conf(config);
        QVERIFY(session.open(QIODevice::ReadOnly) && conf.open(QIODevice::WriteOnly));
        for (const QByteArray &line : session.readAll().split('\n'))
            if (!line.contains("servicedirs") && !line.contains("<include"))
                conf.write(line + '\n');
        conf.close();
        const QByteArray command = "dbus-daemon --config-file=" + QFile::encodeName(config)
            + " --fork --print-address=1 --print-pid=1";
        FILE *out = ::popen(command.constData(), "r");
        char address[512] = {}, pid[32] = {};
        QVERIFY2(
            out && std::fgets(address, sizeof address, out) && std::fgets(pid, sizeof pid, out),
            "cannot start a private dbus-daemon (is the dbus-daemon package installed?)");
        ::pclose(out);
        busPid = pid_t(std::atoi(pid));
        qputenv("DBUS_SESSION_BUS_ADDRESS", QByteArray(address).trimmed());
        keyring.start(QStringLiteral("gnome-keyring-daemon"),
            { QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                QStringLiteral("--components=secrets") });
        QVERIFY2(keyring.waitForStarted(10000),
            "cannot start gnome-keyring-daemon (is gnome-keyring installed?)");
        keyring.write("throwaway-password");
        keyring.closeWriteChannel();
        QVERIFY(keyring.waitForBytesWritten(5000) || keyring.bytesToWrite() == 0);
        // Up once it answers: a store through the vault lands in the keyring.
        qputenv("PADDOCK_SECRET_STORE", "keyring");
        fx.reopen();
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            auto info = fx.vault->setValue(QStringLiteral("PROBE"), "probe-value");
            return info && info->inKeyring;
        }()),
            kWaitMs);
    }

    void cleanupTestCase()
    {
        keyring.kill();
        keyring.waitForFinished(5000);
        if (busPid > 0) ::kill(busPid, SIGTERM);
    }

    void aStoredValueGoesToTheKeyringNotTheFile()
    {
        auto info = fx.vault->setValue(QStringLiteral("KR_TOKEN"), kValue);
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QVERIFY(info->inKeyring);
        QCOMPARE(inKeyring(QStringLiteral("KR_TOKEN")), kValue);
        QVERIFY(!fx.fileContents().contains("KR_TOKEN"));
        QCOMPARE(*fx.resolve(QStringLiteral("KR_TOKEN")), kValue);
        auto listed = fx.vault->list();
        QVERIFY(listed);
        const auto entry = std::find_if(listed->begin(), listed->end(),
            [](const SecretInfo &s) { return s.name == QStringLiteral("KR_TOKEN"); });
        QVERIFY(entry != listed->end() && entry->inKeyring && entry->problem.isEmpty());
    }

    void anEngineRestartFindsItAgain()
    {
        fx.reopen();
        QCOMPARE(*fx.resolve(QStringLiteral("KR_TOKEN")), kValue);
    }

    void removingOrReplacingWithACommandTakesItOutOfTheKeyring()
    {
        QVERIFY(fx.vault->setValue(QStringLiteral("KR_GONE"), "gone-value-1"));
        QVERIFY(fx.vault->remove(QStringLiteral("KR_GONE")));
        QCOMPARE(inKeyring(QStringLiteral("KR_GONE")), QByteArray());

        QVERIFY(fx.vault->setValue(QStringLiteral("KR_CMD"), "replaced-value-1"));
        auto cmd = fx.setCommand(QStringLiteral("KR_CMD"), QStringLiteral("echo from-command"), 0);
        QVERIFY2(cmd, cmd ? "" : qPrintable(cmd.error().message));
        QCOMPARE(inKeyring(QStringLiteral("KR_CMD")), QByteArray());
    }

    // Without a Secret Service: new values go to the file, and a value
    // still in the keyring is reported, not lost without a word.
    void withoutTheKeyringValuesFallBackToTheFile()
    {
        ::kill(busPid, SIGTERM);
        busPid = 0;
        keyring.kill();
        keyring.waitForFinished(5000);
        fx.reopen();
        auto info = fx.vault->setValue(QStringLiteral("FILE_TOKEN"), "file-value-123");
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QVERIFY(!info->inKeyring);
        QVERIFY(fx.fileContents().contains("FILE_TOKEN"));
        QCOMPARE(*fx.resolve(QStringLiteral("FILE_TOKEN")), QByteArray("file-value-123"));
        auto listed = fx.vault->list();
        QVERIFY(listed);
        const auto entry = std::find_if(listed->begin(), listed->end(),
            [](const SecretInfo &s) { return s.name == QStringLiteral("KR_TOKEN"); });
        QVERIFY(entry != listed->end() && entry->inKeyring);
        QVERIFY2(entry->problem.contains(QStringLiteral("keyring")), qPrintable(entry->problem));
        // What lives in the file is managed there, whatever the keyring says.
        QVERIFY(fx.setCommand(QStringLiteral("FILE_CMD"), QStringLiteral("echo out"), 0));
        QVERIFY(fx.vault->setValue(QStringLiteral("FILE_CMD"), "file-value-456"));
        auto cmd = fx.setCommand(QStringLiteral("FILE_CMD"), QStringLiteral("echo out"), 0);
        QVERIFY2(cmd, cmd ? "" : qPrintable(cmd.error().message));
        auto removed = fx.vault->remove(QStringLiteral("FILE_TOKEN"));
        QVERIFY2(removed, removed ? "" : qPrintable(removed.error().message));
        QVERIFY(!fx.fileContents().contains("FILE_TOKEN"));
        // A value in the keyring that cannot be reached is not half-removed.
        QVERIFY(!fx.vault->remove(QStringLiteral("KR_TOKEN")));
        QVERIFY(fx.meta->find(QStringLiteral("KR_TOKEN")).value().has_value());
    }
};

QTEST_GUILESS_MAIN(TstSecretKeyring)
#include "tst_secret_keyring.moc"

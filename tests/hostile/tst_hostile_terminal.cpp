// Terminal injection: a workload in `paddock shell` pushes keystrokes with
// TIOCSTI, hoping they reach the user's own terminal and run in the user's
// shell once the sandbox exits. The user's terminal never enters the
// sandbox (the CLI relays bytes to a pty inside), and TIOCSTI is denied.
#include "hostile_probe.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstHostileTerminal : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_dataDir;

private Q_SLOTS:
    void initTestCase()
    {
        m_dataDir = m_tmp.path() + QStringLiteral("/data");
        CliRun r = runCli(m_dataDir, { QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("tty") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void cleanupTestCase() { shutDownCliEngine(m_dataDir); }

    void tiocstiCannotReachTheUsersTerminal()
    {
        const QString marker = m_tmp.path() + QStringLiteral("/injected");
        // Inside: push "touch <marker>\n" into every terminal in reach.
        const QString inject = QStringLiteral(
            "import fcntl, os, termios\n"
            "for fd in (0, os.open('/dev/tty', os.O_RDWR)):\n"
            "    for c in 'touch %1\\n':\n"
            "        try: fcntl.ioctl(fd, termios.TIOCSTI, c)\n"
            "        except OSError as e: print('TIOCSTI', fd > 0 and 'tty' or 'stdin', e.strerror); break\n"
            "print('attack done')\n").arg(marker);
        // On the host: the user's shell runs `paddock shell`, then whatever
        // it reads from its terminal next, as a person's shell would.
        const QString userShell = QStringLiteral("'%1' --data-dir '%2' shell tty -- python3 -c \"$INJECT\"; "
                                                 "read -t 1 line; eval \"$line\"; echo host-shell-done")
                                      .arg(cliBinary(), m_dataDir);
        QProcess driver;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INJECT"), inject);
        driver.setProcessEnvironment(env);
        driver.start(QStringLiteral("python3"),
                     { QStringLiteral(PADDOCK_TEST_HELPERS "/drive_in_pty.py"), QStringLiteral("24"), QStringLiteral("80"),
                       QStringLiteral("never"), QStringLiteral("24"), QStringLiteral("80"), QStringLiteral("--"),
                       QStringLiteral("bash"), QStringLiteral("-c"), userShell });
        QVERIFY(driver.waitForFinished(kWaitMs));
        const QByteArray out = driver.readAllStandardOutput();
        QVERIFY2(out.contains("TIOCSTI stdin Operation not permitted"), out.constData());
        QVERIFY2(out.contains("TIOCSTI tty Operation not permitted"), out.constData());
        QVERIFY2(out.contains("host-shell-done"), out.constData());
        QVERIFY2(!QFile::exists(marker), "keystrokes from the sandbox ran on the host");
    }
};

QTEST_GUILESS_MAIN(TstHostileTerminal)
#include "tst_hostile_terminal.moc"

// Advice when the machine forbids sandboxes. The kernel settings cannot be
// changed from a test, so a /proc-shaped tree in a temp dir stands in for them.
#include "sandbox/isolation_diagnosis.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using paddock::sandbox::diagnoseIsolationFailure;

class TstIsolationDiagnosis : public QObject {
    Q_OBJECT

    static void setSetting(const QTemporaryDir &root, const QString &path, const QByteArray &value)
    {
        QString full = root.path() + QLatin1Char('/') + path;
        QDir().mkpath(QFileInfo(full).path());
        QFile f(full);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(value);
    }

private Q_SLOTS:
    void ubuntuAppArmorRestrictionIsNamedWithTheProfile()
    {
        QTemporaryDir proc;
        setSetting(proc, QStringLiteral("sys/kernel/apparmor_restrict_unprivileged_userns"), "1\n");
        QString advice = diagnoseIsolationFailure(QStringLiteral("create user namespace: EPERM"), proc.path());
        QVERIFY2(advice.contains(QLatin1String("AppArmor")), qPrintable(advice));
        QVERIFY(advice.contains(QLatin1String("installers/apparmor/paddock")));
    }

    void disabledUserNamespacesAreNamedWithTheSysctl()
    {
        QTemporaryDir proc;
        setSetting(proc, QStringLiteral("sys/kernel/unprivileged_userns_clone"), "0\n");
        setSetting(proc, QStringLiteral("sys/user/max_user_namespaces"), "0\n");
        QString advice = diagnoseIsolationFailure(QStringLiteral("create user namespace: EPERM"), proc.path());
        QVERIFY(advice.contains(QLatin1String("kernel.unprivileged_userns_clone=1")));
        QVERIFY(advice.contains(QLatin1String("user.max_user_namespaces")));
    }

    void overlayFailureOnAPermissiveKernelExplainsOverlayNeeds()
    {
        QTemporaryDir proc;
        setSetting(proc, QStringLiteral("sys/user/max_user_namespaces"), "15000\n");
        QString advice = diagnoseIsolationFailure(QStringLiteral("mount overlay on /usr: EINVAL"), proc.path());
        QVERIFY(advice.contains(QLatin1String("overlayfs")));
    }

    void thisMachineAllowsSandboxes()
    {
        QCOMPARE(diagnoseIsolationFailure(QStringLiteral("create user namespace: EPERM")), QString());
    }
};

QTEST_GUILESS_MAIN(TstIsolationDiagnosis)
#include "tst_isolation_diagnosis.moc"

#include "isolation_diagnosis.h"

#include <QFile>

namespace paddock::sandbox {

namespace {

QString readSetting(const QString &procRoot, const char *path)
{
    QFile f(procRoot + QLatin1Char('/') + QLatin1String(path));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(f.readAll()).trimmed();
}

struct Check {
    const char *setting; // under /proc
    const char *forbiddingValue;
    const char *advice;
};

// Each a setting that, at this value, forbids what a sandbox needs.
constexpr Check kChecks[] = {
    { "sys/kernel/unprivileged_userns_clone", "0",
      "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0); enable "
      "them with: sudo sysctl -w kernel.unprivileged_userns_clone=1" },
    { "sys/user/max_user_namespaces", "0",
      "user namespaces are disabled (user.max_user_namespaces=0); enable them with: "
      "sudo sysctl -w user.max_user_namespaces=15000" },
    { "sys/kernel/apparmor_restrict_unprivileged_userns", "1",
      "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+); install Paddock's "
      "AppArmor profile (installers/apparmor/paddock, copied to /etc/apparmor.d/ and loaded with "
      "sudo apparmor_parser -r /etc/apparmor.d/paddock), or set "
      "kernel.apparmor_restrict_unprivileged_userns=0" },
};

} // namespace

QString diagnoseIsolationFailure(const QString &failedStep, const QString &procRoot)
{
    QStringList advice;
    for (const Check &c : kChecks)
        if (readSetting(procRoot, c.setting) == QLatin1String(c.forbiddingValue))
            advice << QString::fromUtf8(c.advice);
    if (advice.isEmpty() && failedStep.contains(QLatin1String("overlay")))
        advice << QStringLiteral("overlayfs inside a user namespace needs Linux 5.11 or newer, "
                                 "and a data dir on a filesystem with user xattrs (ext4, xfs, "
                                 "btrfs, tmpfs on 6.6+)");
    return advice.join(QStringLiteral("; "));
}

} // namespace paddock::sandbox

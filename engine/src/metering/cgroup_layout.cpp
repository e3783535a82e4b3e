#include "cgroup_layout.h"

#include <QFile>
#include <QList>

namespace paddock::metering {

namespace {

QByteArray readProcFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
QString unescapeMountField(const QByteArray &field)
{
    QByteArray out;
    for (qsizetype i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            bool ok = false;
            const int code = field.mid(i + 1, 3).toInt(&ok, 8);
            if (ok) {
                out.append(char(code));
                i += 3;
                continue;
            }
        }
        out.append(field[i]);
    }
    return QString::fromUtf8(out);
}

void addMount(CgroupLayout &layout, const QList<QByteArray> &before, const QList<QByteArray> &after)
{
    if (before.size() < 5 || after.size() < 3)
        return;
    const CgroupMount mount { unescapeMountField(before[4]), unescapeMountField(before[3]) };
    if (after[0] == "cgroup2") {
        if (layout.v2.mountPoint.isEmpty())
            layout.v2 = mount;
        return;
    }
    if (after[0] != "cgroup")
        return;
    for (const QByteArray &opt : after[2].split(',')) {
        const QString controller = QString::fromUtf8(opt);
        if (!controller.isEmpty() && !layout.v1.contains(controller))
            layout.v1.insert(controller, mount);
    }
}

} // namespace

QString CgroupLayout::directory(const CgroupMount &mount, const QString &path)
{
    if (mount.mountPoint.isEmpty() || !path.startsWith(QLatin1Char('/')))
        return {};
    QString root = mount.root == QLatin1String("/") ? QString() : mount.root;
    if (!root.isEmpty() && path != root && !path.startsWith(root + QLatin1Char('/')))
        return {};
    const QString rest = path.mid(root.size());
    return rest == QLatin1String("/") || rest.isEmpty() ? mount.mountPoint : mount.mountPoint + rest;
}

QHash<QString, QString> parseProcessCgroups(const QByteArray &procCgroup)
{
    QHash<QString, QString> out;
    for (const QByteArray &line : procCgroup.split('\n')) {
        const qsizetype first = line.indexOf(':');
        const qsizetype second = line.indexOf(':', first + 1);
        if (first < 0 || second < 0)
            continue;
        const QString path = QString::fromUtf8(line.mid(second + 1));
        const QByteArray controllers = line.mid(first + 1, second - first - 1);
        if (controllers.isEmpty())
            out.insert(QString(), path);
        for (const QByteArray &c : controllers.split(','))
            if (!c.isEmpty())
                out.insert(QString::fromUtf8(c), path);
    }
    return out;
}

CgroupLayout parseCgroupLayout(const QByteArray &procCgroup, const QByteArray &mountInfo)
{
    CgroupLayout layout;
    for (const QByteArray &line : mountInfo.split('\n')) {
        const qsizetype dash = line.indexOf(" - ");
        if (dash < 0)
            continue;
        addMount(layout, line.left(dash).split(' '), line.mid(dash + 3).split(' '));
    }
    const QHash<QString, QString> own = parseProcessCgroups(procCgroup);
    for (auto it = own.cbegin(); it != own.cend(); ++it) {
        if (it.key().isEmpty())
            layout.v2Path = it.value();
        else if (layout.v1.contains(it.key()))
            layout.v1Paths.insert(it.key(), it.value());
    }
    return layout;
}

CgroupLayout currentCgroupLayout()
{
    return parseCgroupLayout(readProcFile(QStringLiteral("/proc/self/cgroup")),
                             readProcFile(QStringLiteral("/proc/self/mountinfo")));
}

} // namespace paddock::metering

#include "host_base_image.h"

#include "host_etc_files.h"

#include <QDir>
#include <QFile>

#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace paddock::sandbox {

namespace {

// Bump when the layout changes: a new version is built beside the old one.
constexpr const char *kImageDirName = "host-v1";

Result<void> ioFailure(const QString &what, const std::error_code &ec)
{
    return fail(ErrorCode::Io,
                QStringLiteral("build base image: %1: %2").arg(what, QString::fromStdString(ec.message())),
                QStringLiteral("build base image"), ec.value());
}

Result<void> buildRootLayer(const fs::path &root)
{
    std::error_code ec;
    for (const char *dir : kRootDirs)
        if (fs::create_directories(root / dir, ec); ec)
            return ioFailure(QString::fromUtf8(dir), ec);
    fs::permissions(root / "tmp", fs::perms::all | fs::perms::sticky_bit, ec);
    fs::permissions(root / "var/tmp", fs::perms::all | fs::perms::sticky_bit, ec);
    fs::permissions(root / "root", fs::perms::owner_all, ec);
    for (const char *link : kUsrLinks)
        if (fs::exists(fs::path("/") / link))
            if (fs::create_symlink(fs::path("usr") / link, root / link, ec); ec)
                return ioFailure(QString::fromUtf8(link), ec);
    for (const char *entry : kHostEtcEntries) {
        fs::path from = fs::path("/etc") / entry;
        fs::path to = root / "etc" / entry;
        if (!fs::exists(fs::symlink_status(from)))
            continue;
        fs::create_directories(to.parent_path(), ec);
        // Unreadable entries are skipped: the sandbox must never see more than its user can.
        fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    }
    for (const GeneratedFile &f : kGeneratedEtcFiles) {
        QFile file(QString::fromStdString((root / "etc" / f.path).string()));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(f.content) < 0)
            return fail(ErrorCode::Io, QStringLiteral("build base image: write /etc/%1").arg(QString::fromUtf8(f.path)));
    }
    return {};
}

Result<void> buildUsrSkeleton(const fs::path &skeleton)
{
    std::error_code ec;
    fs::create_directories(skeleton, ec);
    if (ec)
        return ioFailure(QStringLiteral("usr skeleton"), ec);
    auto it = fs::recursive_directory_iterator("/usr", fs::directory_options::skip_permission_denied, ec);
    if (ec)
        return ioFailure(QStringLiteral("read /usr"), ec);
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            return ioFailure(QStringLiteral("walk /usr"), ec);
        if (!it->is_directory(ec) || it->is_symlink(ec)) // symlinks to dirs are files here
            continue;
        fs::path dir = skeleton / fs::relative(it->path(), "/usr");
        fs::create_directory(dir, ec);
        // Keep the host's mode, plus write for the owner (root inside).
        fs::permissions(dir, it->status().permissions() | fs::perms::owner_write, ec);
    }
    return {};
}

} // namespace

Result<BaseImage> ensureHostBaseImage(const QString &imagesDir)
{
    const fs::path dir = fs::path(imagesDir.toStdString()) / kImageDirName;
    BaseImage image { QStringLiteral("host"), QString::fromStdString((dir / "root").string()),
                      QString::fromStdString((dir / "usr-skeleton").string()) };
    std::error_code ec;
    if (fs::exists(dir / ".complete", ec))
        return image;
    // Build beside, then rename: a crash mid-build leaves no half image in use.
    const fs::path staging = fs::path(imagesDir.toStdString()) / (std::string(kImageDirName) + ".building");
    fs::remove_all(staging, ec);
    if (auto r = buildRootLayer(staging / "root"); !r)
        return tl::unexpected(r.error());
    if (auto r = buildUsrSkeleton(staging / "usr-skeleton"); !r)
        return tl::unexpected(r.error());
    QFile stamp(QString::fromStdString((staging / ".complete").string()));
    if (!stamp.open(QIODevice::WriteOnly))
        return fail(ErrorCode::Io, QStringLiteral("build base image: write stamp"));
    stamp.close();
    fs::remove_all(dir, ec);
    fs::rename(staging, dir, ec);
    if (ec)
        return tl::unexpected(ioFailure(QStringLiteral("install image"), ec).error());
    return image;
}

} // namespace paddock::sandbox

#include "host_base_image.h"

#include "host_etc_files.h"

#include <QDir>
#include <QCryptographicHash>
#include <QFile>

#include <filesystem>

#include <ftw.h>
#include <sys/stat.h>

#include <cstring>

#include <unistd.h>
#include <system_error>

namespace fs = std::filesystem;

namespace paddock::sandbox {

namespace {

// Bump when the layout changes: a new version is built beside the old one.
// v2: /etc/environment is Paddock's (empty), no longer the host's.
constexpr const char *kImageDirName = "host-v2";

// What the image copies from the host changes when packages do (a new
// alternatives link, a new library in ld.so.cache, new CA certificates):
// an image is made for one state of these, and a new one after a change.
constexpr const char *kHostStateFiles[] = { "/var/lib/dpkg/status", "/etc/alternatives", "/etc/ld.so.cache",
                                            "/etc/ssl/certs" };

std::string hostStateFingerprint()
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const char *path : kHostStateFiles) {
        struct stat st {};
        if (::stat(path, &st) == 0)
            hash.addData(QByteArray::number(qint64(st.st_mtim.tv_sec)) + '.' + QByteArray::number(qint64(st.st_mtim.tv_nsec))
                         + '/' + QByteArray::number(qint64(st.st_ino)));
        hash.addData(QByteArrayView("|"));
    }
    return hash.result().toHex().left(12).toStdString();
}

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

// nftw callback state: plain C callbacks cannot capture.
thread_local std::string t_skeletonRoot;
thread_local int t_skeletonError = 0;

int mirrorDirectory(const char *path, const struct stat *st, int type, struct FTW *)
{
    if (type != FTW_D)
        return 0; // files, symlinks and unreadable dirs (FTW_DNR) stay the host's
    std::string target = t_skeletonRoot + (path + std::strlen("/usr"));
    // The host's mode, plus write for the owner (root inside the sandbox).
    mode_t mode = (st->st_mode & 07777) | S_IWUSR | S_IXUSR;
    if (::mkdir(target.c_str(), mode) != 0 && errno != EEXIST) {
        t_skeletonError = errno;
        return 1;
    }
    return 0;
}

Result<void> buildUsrSkeleton(const fs::path &skeleton)
{
    std::error_code ec;
    fs::create_directories(skeleton, ec);
    if (ec)
        return ioFailure(QStringLiteral("usr skeleton"), ec);
    t_skeletonRoot = skeleton.string();
    t_skeletonError = 0;
    // FTW_PHYS: never follow symlinks; a symlink to a directory is a file here.
    if (::nftw("/usr", mirrorDirectory, 64, FTW_PHYS) != 0)
        return ioFailure(QStringLiteral("mirror the directories of /usr"),
                         std::error_code(t_skeletonError ? t_skeletonError : errno, std::generic_category()));
    return {};
}

} // namespace

Result<BaseImage> ensureHostBaseImage(const QString &imagesDir)
{
    const fs::path images = imagesDir.toStdString();
    const std::string name = std::string(kImageDirName) + "-" + hostStateFingerprint();
    const fs::path dir = images / name;
    BaseImage image { QStringLiteral("host"), QString::fromStdString((dir / "root").string()),
                      QString::fromStdString((dir / "usr-skeleton").string()) };
    std::error_code ec;
    if (fs::exists(dir / ".complete", ec))
        return image;
    // Several engines (one per data dir) may build at once: each builds in
    // its own staging dir and renames it into place; the first rename wins,
    // and an image in use is never removed.
    fs::create_directories(images, ec);
    const fs::path staging = images / (name + ".building-" + std::to_string(::getpid()));
    fs::remove_all(staging, ec);
    if (auto r = buildRootLayer(staging / "root"); !r)
        return tl::unexpected(r.error());
    if (auto r = buildUsrSkeleton(staging / "usr-skeleton"); !r)
        return tl::unexpected(r.error());
    QFile stamp(QString::fromStdString((staging / ".complete").string()));
    if (!stamp.open(QIODevice::WriteOnly))
        return fail(ErrorCode::Io, QStringLiteral("build base image: write stamp"));
    stamp.close();
    if (fs::exists(dir, ec) && !fs::exists(dir / ".complete", ec)) { // a crashed build's leftovers
        const fs::path stale = images / (name + ".stale-" + std::to_string(::getpid()));
        fs::rename(dir, stale, ec);
        fs::remove_all(stale, ec);
    }
    fs::rename(staging, dir, ec);
    if (ec && fs::exists(dir / ".complete")) {
        fs::remove_all(staging, ec); // another engine finished first
        return image;
    }
    if (ec)
        return tl::unexpected(ioFailure(QStringLiteral("install image"), ec).error());
    return image;
}

} // namespace paddock::sandbox

#include "helper_answers.h"

#include <cerrno>

namespace paddock::files {

namespace {

ErrorCode codeForErrno(int err)
{
    switch (err) {
    case ENOENT: return ErrorCode::NotFound;
    case EEXIST:
    case ENOTEMPTY:
    case EBUSY: return ErrorCode::Conflict;
    case EACCES:
    case EPERM:
    case EROFS: return ErrorCode::PermissionDenied;
    case EINVAL:
    case EISDIR:
    case ENOTDIR:
    case ELOOP:
    case EXDEV:
    case ENAMETOOLONG:
    case ENOSPC:
    case EFBIG: return ErrorCode::InvalidArgument;
    case ECONNRESET: return ErrorCode::NotRunning;
    case ETIMEDOUT: return ErrorCode::Timeout;
    default: return ErrorCode::Io;
    }
}

} // namespace

Error answerError(const wire::Frame &f)
{
    wire::Failed failed;
    if (!isFailed(f))
        return Error { ErrorCode::Protocol, QStringLiteral("unexpected answer from the files helper") };
    if (!wire::decodeMessage(f, failed))
        return Error { ErrorCode::Protocol, QStringLiteral("malformed answer from the files helper") };
    if (failed.error == EPROTO) // PID 1 itself answered: it has no files helper to hand over to
        return Error { ErrorCode::Protocol, QStringLiteral("this sandbox's paddock-init predates file access "
                                                           "(started by an older Paddock): restart the sandbox") };
    return Error { codeForErrno(failed.error), QString::fromStdString(failed.message), {}, failed.error };
}

FileInfo toFileInfo(const wire::FileInfo &w)
{
    FileInfo info;
    info.name = QString::fromStdString(w.name);
    switch (w.kind) {
    case wire::FileKind::File: info.kind = FileKind::File; break;
    case wire::FileKind::Directory: info.kind = FileKind::Directory; break;
    case wire::FileKind::Symlink: info.kind = FileKind::Symlink; break;
    case wire::FileKind::Other: info.kind = FileKind::Other; break;
    }
    info.mode = w.mode;
    info.size = qint64(w.size);
    info.modified = QDateTime::fromMSecsSinceEpoch(w.mtimeNs / 1000000, Qt::UTC);
    info.linkTarget = QString::fromStdString(w.linkTarget);
    return info;
}

} // namespace paddock::files

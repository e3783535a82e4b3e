// Engine: the files of running sandboxes, through each one's files helper.
#include "engine_private.h"

#include "files/sandbox_files.h"

namespace paddock {

namespace {

// Which sandbox, as every engine error says.
QString sandboxContext(const SandboxInfo &sb) { return QStringLiteral("sandbox '%1'").arg(sb.name); }

template<typename T>
Callback<T> inSandbox(const SandboxInfo &sb, Callback<T> done)
{
    return [where = sandboxContext(sb), done = std::move(done)](Result<T> r) {
        if (!r)
            return done(tl::unexpected(r.error().withContext(where)));
        done(std::move(r));
    };
}

// A path whose `..` would climb above "/" is refused outright: resolving
// it inside would work (the helper never leaves the sandbox's root), but
// a client that writes one is confused or probing, and should hear so.
std::optional<Error> climbsAboveRoot(std::initializer_list<QString> paths)
{
    for (const QString &p : paths) {
        int depth = 0;
        for (const QString &part : sandboxPath(p).split(u'/', Qt::SkipEmptyParts)) {
            depth += part == QLatin1String("..") ? -1 : part == QLatin1String(".") ? 0 : 1;
            if (depth < 0)
                return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: the path climbs above the sandbox's root").arg(p) };
        }
    }
    return std::nullopt;
}

// Finds the sandbox's files helper and runs `fn` with it and a callback
// that names the sandbox in errors.
template<typename T, typename Fn>
void withFiles(EnginePrivate &d, const QString &key, std::initializer_list<QString> paths, Callback<T> done, Fn fn)
{
    if (auto bad = climbsAboveRoot(paths))
        return done(tl::unexpected(*bad));
    SandboxInfo sb;
    auto files = d.filesFor(key, &sb);
    if (!files)
        return done(tl::unexpected(files.error()));
    fn(**files, inSandbox(sb, std::move(done)));
}

// For calls that answer at once with an object (an upload, a download, a
// watch): `open(files, context)` makes it; errors name the sandbox.
template<typename T, typename Open>
Result<T *> openWithFiles(EnginePrivate &d, const QString &key, const QString &path, Open open)
{
    if (auto bad = climbsAboveRoot({ path }))
        return tl::unexpected(*bad);
    SandboxInfo sb;
    auto files = d.filesFor(key, &sb);
    if (!files)
        return tl::unexpected(files.error());
    Result<T *> made = open(**files, sandboxContext(sb));
    if (!made)
        return tl::unexpected(made.error().withContext(sandboxContext(sb)));
    return *made;
}

} // namespace

Result<files::SandboxFiles *> EnginePrivate::filesFor(const QString &key, SandboxInfo *info)
{
    auto rt = runtimeFor(key, info);
    if (!rt)
        return tl::unexpected(rt.error());
    // One per running sandbox, a child of its runtime: gone when it stops.
    auto *files = (*rt)->findChild<files::SandboxFiles *>(QString(), Qt::FindDirectChildrenOnly);
    if (!files)
        files = new files::SandboxFiles(paths.initSocket((*rt)->sandboxId()), *rt);
    return files;
}

void Engine::statFile(const QString &key, const QString &path, Callback<FileInfo> done)
{
    withFiles(*d, key, { path }, std::move(done), [&](files::SandboxFiles &f, auto cb) { f.stat(path, std::move(cb)); });
}

void Engine::listFiles(const QString &key, const QString &path, Callback<QList<FileInfo>> done)
{
    withFiles(*d, key, { path }, std::move(done), [&](files::SandboxFiles &f, auto cb) { f.list(path, std::move(cb)); });
}

// A whole read through the streamed download, never paused: for callers
// that take every chunk as it comes.
void Engine::readFile(const QString &key, const QString &path,
                      std::function<void(const QByteArray &)> chunk, Callback<qint64> done)
{
    auto download = openDownload(key, path);
    if (!download)
        return done(tl::unexpected(download.error()));
    FileDownload *d = *download;
    connect(d, &FileDownload::data, d, chunk);
    connect(d, &FileDownload::finished, d, [d, done](qint64 size) {
        d->deleteLater();
        done(size);
    });
    connect(d, &FileDownload::failed, d, [d, done](const Error &e) {
        d->deleteLater();
        done(tl::unexpected(e));
    });
}

// Stops the download as soon as more than `maxBytes` came: the helper
// sees its connection close and ends.
void Engine::readFileHead(const QString &key, const QString &path, qint64 maxBytes, Callback<FileHead> done)
{
    auto download = openDownload(key, path);
    if (!download)
        return done(tl::unexpected(download.error()));
    FileDownload *d = *download;
    auto head = std::make_shared<FileHead>();
    auto finish = [d, done, head](Result<FileHead> r) {
        QObject::disconnect(d, nullptr, d, nullptr);
        d->deleteLater();
        done(std::move(r));
    };
    connect(d, &FileDownload::data, d, [head, maxBytes, finish](const QByteArray &bytes) {
        head->bytes += bytes;
        if (head->bytes.size() > maxBytes) {
            head->bytes.truncate(maxBytes);
            finish(std::move(*head));
        }
    });
    connect(d, &FileDownload::finished, d, [head, finish] {
        head->complete = true;
        finish(std::move(*head));
    });
    connect(d, &FileDownload::failed, d, [finish](const Error &e) { finish(tl::unexpected(e)); });
}

// A whole buffer through the same streamed upload as any other write.
void Engine::writeFile(const QString &key, const QString &path, const QByteArray &data, uint mode,
                       Callback<void> done)
{
    auto upload = openUpload(key, path, mode);
    if (!upload)
        return done(tl::unexpected(upload.error()));
    (*upload)->write(data);
    (*upload)->finish(std::move(done));
}

void Engine::makeDirectory(const QString &key, const QString &path, bool parents, Callback<void> done)
{
    withFiles(*d, key, { path }, std::move(done), [&](files::SandboxFiles &f, auto cb) { f.makeDirectory(path, parents, std::move(cb)); });
}

void Engine::removePath(const QString &key, const QString &path, bool recursive, Callback<void> done)
{
    withFiles(*d, key, { path }, std::move(done), [&](files::SandboxFiles &f, auto cb) { f.remove(path, recursive, std::move(cb)); });
}

void Engine::movePath(const QString &key, const QString &from, const QString &to, Callback<void> done)
{
    withFiles(*d, key, { from, to }, std::move(done), [&](files::SandboxFiles &f, auto cb) { f.rename(from, to, std::move(cb)); });
}

Result<FileUpload *> Engine::openUpload(const QString &key, const QString &path, uint mode)
{
    return openWithFiles<FileUpload>(*d, key, path, [&](files::SandboxFiles &f, const QString &context) {
        return f.openUpload(path, mode, context);
    });
}

Result<FileDownload *> Engine::openDownload(const QString &key, const QString &path)
{
    return openWithFiles<FileDownload>(*d, key, path, [&](files::SandboxFiles &f, const QString &context) {
        return f.openDownload(path, context);
    });
}

Result<FileWatch *> Engine::watchFiles(const QString &key, const QString &path, const QStringList &excludes,
                                       std::optional<quint64> since)
{
    return openWithFiles<FileWatch>(*d, key, path, [&](files::SandboxFiles &f, const QString &) {
        return f.watch(path, excludes, since);
    });
}

} // namespace paddock

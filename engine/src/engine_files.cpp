// Engine: the files of running sandboxes, through each one's files helper.
#include "engine_private.h"

#include "files/sandbox_files.h"

namespace paddock {

namespace {

// Adds which sandbox to an error, as every engine error says.
template<typename T>
Callback<T> inSandbox(const SandboxInfo &sb, Callback<T> done)
{
    const QString where = QStringLiteral("sandbox '%1'").arg(sb.name);
    return [where, done = std::move(done)](Result<T> r) {
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

void Engine::readFile(const QString &key, const QString &path,
                      std::function<void(const QByteArray &)> chunk, Callback<qint64> done)
{
    withFiles(*d, key, { path }, std::move(done), [&](files::SandboxFiles &f, auto cb) { f.read(path, std::move(chunk), std::move(cb)); });
}

void Engine::writeFile(const QString &key, const QString &path, const QByteArray &data, uint mode,
                       Callback<void> done)
{
    withFiles(*d, key, { path }, std::move(done), [&](files::SandboxFiles &f, auto cb) { f.write(path, data, mode, std::move(cb)); });
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
    if (auto bad = climbsAboveRoot({ path }))
        return tl::unexpected(*bad);
    SandboxInfo sb;
    auto files = d->filesFor(key, &sb);
    if (!files)
        return tl::unexpected(files.error());
    auto up = (*files)->openUpload(path, mode);
    if (!up)
        return tl::unexpected(up.error().withContext(QStringLiteral("sandbox '%1'").arg(sb.name)));
    return *up;
}

Result<FileDownload *> Engine::openDownload(const QString &key, const QString &path)
{
    if (auto bad = climbsAboveRoot({ path }))
        return tl::unexpected(*bad);
    SandboxInfo sb;
    auto files = d->filesFor(key, &sb);
    if (!files)
        return tl::unexpected(files.error());
    const QString context = QStringLiteral("sandbox '%1'").arg(sb.name);
    auto down = (*files)->openDownload(path, context);
    if (!down)
        return tl::unexpected(down.error().withContext(context));
    return *down;
}

Result<FileWatch *> Engine::watchFiles(const QString &key, const QString &path, const QStringList &excludes,
                                       std::optional<quint64> since)
{
    if (auto bad = climbsAboveRoot({ path }))
        return tl::unexpected(*bad);
    SandboxInfo sb;
    auto files = d->filesFor(key, &sb);
    if (!files)
        return tl::unexpected(files.error());
    auto w = (*files)->watch(path, excludes, since);
    if (!w)
        return tl::unexpected(w.error().withContext(QStringLiteral("sandbox '%1'").arg(sb.name)));
    return *w;
}

} // namespace paddock

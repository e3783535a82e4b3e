#include "tree_watch.h"

#include "helper_answers.h"
#include "helper_connection.h"

#include "sandbox/request_deadlines.h"

#include "paddock/wire/file_messages.h"

#include <QDateTime>

namespace paddock::files {

namespace {

using wire::FileRequest;

// How many changes a reconnecting client can catch up on: as many as fit
// in both bounds. Paths are the sandbox's and up to 4 KiB each, so a count
// alone would let one sandbox's renames hold gigabytes of the engine.
constexpr size_t kHistory = 100000;
constexpr qint64 kHistoryBytes = 16 * 1024 * 1024;
// Changes go out at most this often, however small the helper's frames: a
// flood (or a sandbox writing one file at a time on purpose) is one
// delivery per interval to each subscriber's thread, not one per frame —
// a queued call costs a receiving UI thread as much as a small batch does.
constexpr int kDeliveryIntervalMs = 10;
// ...or as soon as this many are waiting.
constexpr qsizetype kMaxEventsPerDelivery = 4096;

wire::WatchRequest watchRequest(const QString &path, const QStringList &excludes)
{
    wire::WatchRequest req { sandboxPath(path).toStdString(), {} };
    for (const QString &e : excludes)
        req.excludes.push_back(e.toStdString());
    return req;
}

// What an event in the history costs, roughly: its paths and the rest.
qint64 heldBytes(const FileEvent &e) { return (e.path.size() + e.fromPath.size()) * qint64(sizeof(QChar)) + qint64(sizeof(FileEvent)); }

FileChange toChange(wire::ChangeKind kind)
{
    switch (kind) {
    case wire::ChangeKind::Modified: return FileChange::Modified;
    case wire::ChangeKind::Deleted: return FileChange::Deleted;
    case wire::ChangeKind::Moved: return FileChange::Moved;
    default: return FileChange::Created;
    }
}

} // namespace

TreeWatch::TreeWatch(QString path, QStringList excludes, QObject *parent)
    : QObject(parent)
    , m_path(sandboxPath(path))
    , m_excludes(std::move(excludes))
    // Versions start at the clock in microseconds, so a client's version
    // from an earlier watch of this tree is never mistaken for this one's.
    , m_version(quint64(QDateTime::currentMSecsSinceEpoch()) * 1000)
    , m_replayableAfter(m_version)
{
    m_deliveryTimer.setSingleShot(true);
    m_deliveryTimer.setInterval(kDeliveryIntervalMs);
    connect(&m_deliveryTimer, &QTimer::timeout, this, &TreeWatch::deliver);
}

TreeWatch::~TreeWatch()
{
    endAll(Error { ErrorCode::NotRunning, QStringLiteral("the watch of %1 ended: the sandbox stopped").arg(m_path) });
}

Result<void> TreeWatch::start(const QString &socketPath)
{
    auto conn = connectToHelper(socketPath);
    if (!conn)
        return tl::unexpected(conn.error());
    m_conn = std::move(*conn);
    connect(m_conn.get(), &sandbox::InitConnection::closed, this, [this](const QString &reason) {
        endAll(Error { ErrorCode::NotRunning, QStringLiteral("the watch of %1 ended: %2").arg(m_path, reason) });
        deleteLater();
    });
    // A helper stuck on a snapshot is stuck for the watch too: end it all.
    connect(m_conn.get(), &sandbox::InitConnection::answerOverdue, this, [this] {
        endAll(Error { ErrorCode::Timeout,
                       QStringLiteral("the watch of %1 ended: the sandbox's files helper stopped answering").arg(m_path) });
        deleteLater();
    });
    // Until the watch is in place; then it may stay quiet for ever.
    const sandbox::InitConnection::Deadline untilWatching { sandbox::deadlines::kWatchStartMs, 0,
                                                            QStringLiteral("watch ") + m_path };
    m_conn->request(FileRequest::Watch, watchRequest(m_path, m_excludes),
                    [this](const wire::Frame &f) { return onWatchFrame(f); }, untilWatching);
    return {};
}

void TreeWatch::subscribe(FileWatch *watch, std::optional<quint64> since)
{
    deliver(); // what is numbered goes out first: a newcomer starts after it
    m_subscribers.append(watch);
    connect(watch, &QObject::destroyed, this, [this, watch] { forget(watch); });
    if (!m_ready) {
        m_waitingForReady.append(watch);
        if (since)
            requestSnapshot(watch, since == 0u ? QStringLiteral("requested")
                                                : QStringLiteral("version %1 is not from this watch").arg(*since));
        return;
    }
    const bool catchUp = since && *since != 0 && *since >= m_replayableAfter && *since <= m_version;
    // ready(v): what follows comes after v — for a client catching up, its own version.
    QMetaObject::invokeMethod(watch, [watch, v = catchUp ? *since : m_version] { Q_EMIT watch->ready(v); },
                              Qt::QueuedConnection);
    if (!since)
        return;
    if (!catchUp)
        return requestSnapshot(watch, *since == 0 ? QStringLiteral("requested")
                                                  : QStringLiteral("version %1 has aged out").arg(*since));
    QList<FileEvent> missed;
    for (const FileEvent &e : m_history)
        if (e.version > *since)
            missed.append(e);
    if (!missed.isEmpty())
        QMetaObject::invokeMethod(watch, [watch, missed] { Q_EMIT watch->changed(missed); }, Qt::QueuedConnection);
}

bool TreeWatch::onWatchFrame(const wire::Frame &f)
{
    wire::WatchEvents batch;
    if (f.type != uint8_t(FileRequest::WatchEvents) || !wire::decodeMessage(f, batch)) {
        endAll(answerError(f));
        deleteLater();
        return true;
    }
    if (!m_ready) {
        m_ready = true;
        for (const QPointer<FileWatch> &w : std::exchange(m_waitingForReady, {}))
            if (w)
                Q_EMIT w->ready(m_version);
    }
    applyChanges(batch);
    return false; // a watch answers until the connection ends
}

void TreeWatch::applyChanges(const wire::WatchEvents &batch)
{
    for (const wire::Change &c : batch.changes) {
        if (c.kind == wire::ChangeKind::Overflow) {
            requestSnapshot({}, QStringLiteral("events were lost: %1").arg(QString::fromStdString(c.from)));
            continue;
        }
        FileEvent e { ++m_version, toChange(c.kind), QString::fromStdString(c.path), QString::fromStdString(c.from), c.directory };
        m_historyBytes += heldBytes(e);
        m_history.push_back(e);
        m_undelivered.append(e);
    }
    while (m_history.size() > kHistory || m_historyBytes > kHistoryBytes) {
        m_replayableAfter = m_history.front().version;
        m_historyBytes -= heldBytes(m_history.front());
        m_history.pop_front();
    }
    if (m_undelivered.size() >= kMaxEventsPerDelivery)
        deliver();
    else if (!m_undelivered.isEmpty() && !m_deliveryTimer.isActive())
        m_deliveryTimer.start();
}

void TreeWatch::deliver()
{
    m_deliveryTimer.stop();
    if (m_undelivered.isEmpty())
        return;
    const QList<FileEvent> events = std::exchange(m_undelivered, {});
    for (const QPointer<FileWatch> &w : m_subscribers)
        if (w)
            Q_EMIT w->changed(events);
}

// A listing of the whole tree, for one subscriber or (after lost events)
// for all of them. The helper lists after the events it has already sent
// and before any that follow, so the snapshot fits between them.
void TreeWatch::requestSnapshot(QPointer<FileWatch> only, QString reason)
{
    const bool forAll = only.isNull();
    if (forAll) {
        if (m_resyncing)
            return;
        m_resyncing = true;
    }
    auto entries = std::make_shared<QList<FileInfo>>();
    const int ms = sandbox::deadlines::kFilesAnswerMs;
    m_conn->request(FileRequest::ListTree, watchRequest(m_path, m_excludes),
                    [this, only, forAll, reason, entries](const wire::Frame &f) {
                        wire::DirChunk chunk;
                        if (f.type != uint8_t(FileRequest::DirChunk) || !wire::decodeMessage(f, chunk)) {
                            Error e = answerError(f);
                            if (forAll)
                                endAll(e);
                            else if (only)
                                Q_EMIT only->failed(e);
                            return true;
                        }
                        for (const wire::FileInfo &w : chunk.entries)
                            entries->append(toFileInfo(w));
                        if (!chunk.last)
                            return false;
                        deliver(); // the changes it includes go before it, never after
                        TreeSnapshot snapshot { m_version, std::move(*entries), reason };
                        if (forAll) {
                            m_resyncing = false;
                            m_history.clear(); // nobody can catch up across lost events
                            m_historyBytes = 0;
                            m_replayableAfter = m_version;
                            for (const QPointer<FileWatch> &w : m_subscribers)
                                if (w)
                                    Q_EMIT w->resynced(snapshot);
                        } else if (only) {
                            Q_EMIT only->resynced(snapshot);
                        }
                        return true;
                    },
                    sandbox::InitConnection::Deadline { ms, ms, QStringLiteral("list the tree ") + m_path });
}

void TreeWatch::endAll(const Error &error)
{
    deliver(); // what happened before the end
    for (const QPointer<FileWatch> &w : std::exchange(m_subscribers, {}))
        if (w)
            Q_EMIT w->failed(error);
}

void TreeWatch::forget(FileWatch *watch)
{
    m_subscribers.removeAll(watch);
    m_waitingForReady.removeAll(watch);
    m_subscribers.removeAll(nullptr);
    if (m_subscribers.isEmpty())
        deleteLater(); // the connection closes; the helper and its watches go
}

} // namespace paddock::files

// One watched tree of one sandbox, shared by every FileWatch on it: its own
// connection to a files helper (which holds the inotify watches), the
// version counter, and the recent history that lets a reconnecting client
// catch up. Owned by the sandbox's SandboxFiles; deletes itself when its
// last subscriber goes.
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/file_watch.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <memory>
#include <optional>

namespace paddock::sandbox {
class InitConnection;
}
namespace paddock::wire {
struct Frame;
struct WatchEvents;
}

namespace paddock::files {

class TreeWatch : public QObject {
    Q_OBJECT
public:
    TreeWatch(QString path, QStringList excludes, QObject *parent);
    ~TreeWatch() override;

    // Connects and asks the helper to watch; fails if it cannot.
    Result<void> start(const QString &socketPath);
    // `since`: none → changes from now; 0 → a snapshot first; N → what
    // came after version N (or a snapshot when N has aged out).
    void subscribe(FileWatch *watch, std::optional<quint64> since);

    QString path() const { return m_path; }
    QStringList excludes() const { return m_excludes; }

private:
    bool onWatchFrame(const wire::Frame &f);
    void applyChanges(const wire::WatchEvents &batch);
    void deliver();
    void requestSnapshot(QPointer<FileWatch> only, QString reason);
    void endAll(const Error &error);
    void forget(FileWatch *watch);

    QString m_path;
    QStringList m_excludes;
    std::unique_ptr<sandbox::InitConnection> m_conn;
    QList<QPointer<FileWatch>> m_subscribers;
    QList<QPointer<FileWatch>> m_waitingForReady;
    bool m_ready = false;
    bool m_resyncing = false; // a snapshot for everyone is on its way
    quint64 m_version;
    std::deque<FileEvent> m_history; // the newest changes, bounded in count and bytes
    qint64 m_historyBytes = 0;
    quint64 m_replayableAfter; // a client at this version or later can catch up
    QList<FileEvent> m_undelivered; // numbered and in history, not yet sent
    QTimer m_deliveryTimer;
};

} // namespace paddock::files

// The log of egress decisions: every entry is announced at once (logged())
// and written to SQLite in bursts, one transaction per ~100 ms, so a storm
// of connections costs one commit, not one per connection; a burst bigger
// than one transaction should hold is written in turns, oldest first. Each sandbox
// keeps its newest limits::kLogEntriesPerSandbox entries, whatever the
// others write; limits::kLogEntriesOverall bounds them all, for the disk.
//
// Thread ownership: the engine thread.
#pragma once

#include "store/egress_log_store.h"

#include "paddock/egress.h"

#include <QHash>
#include <QSet>
#include <QObject>
#include <QTimer>

namespace paddock::egress {

struct Destination;

// The entry for a decision on a connection (or one HTTP request) to `dest`.
EgressLogEntry decisionEntry(const QString &sandboxId, const Destination &dest, const QString &protocol,
                             EgressVerdict verdict, const std::optional<EgressRule> &rule, const QString &reason,
                             const QString &process);

class EgressLog : public QObject {
    Q_OBJECT
public:
    static constexpr qsizetype kMaxUnwritten = 20000; // held while the database cannot be written
    struct Retention {
        qint64 perSandbox;
        qint64 overall;
        qint64 pruneEvery; // written entries between prunes
    };
    static Retention defaultRetention();

    explicit EgressLog(store::EgressLogStore &store, QObject *parent = nullptr);
    EgressLog(store::EgressLogStore &store, Retention retention, QObject *parent = nullptr);
    ~EgressLog() override; // writes what is pending

    // Gives the entry its ID and time; returns it as recorded.
    EgressLogEntry record(EgressLogEntry e);
    // A recorded entry changed (a connection ended).
    void update(const EgressLogEntry &e);
    Result<QList<EgressLogEntry>> query(const QString &sandboxId, const EgressLogQuery &q);
    // From the table: entries still waiting for their write (≤ ~100 ms) are not counted.
    Result<EgressCounts> countSince(const QString &sandboxId, const QDateTime &since) { return m_store.countSince(sandboxId, since); }
    Result<void> removeSandbox(const QString &sandboxId);
    // Writes everything pending (before a query, and at the end).
    void flush();

Q_SIGNALS:
    void logged(const paddock::EgressLogEntry &entry);

private:
    void schedule(const EgressLogEntry &e);
    void flushSome(); // one transaction; the rest on the next turn
    QList<EgressLogEntry> nextBatch() const;
    bool writeBatch(); // false when nothing was written
    void dropOldestPending();
    void prune();

    store::EgressLogStore &m_store;
    Retention m_retention;
    QHash<qint64, EgressLogEntry> m_pending;
    QTimer m_flushTimer;
    qint64 m_nextId = 1;
    qint64 m_firstUnsavedId = 1; // entries from here on are new rows, not updates
    qint64 m_rows = 0; // in the table, as far as this log knows (a bound, re-counted before trusting it)
    qint64 m_writesSincePrune = 0;
    QSet<QString> m_wroteSincePrune; // sandboxes whose rows may be over their retention
};

} // namespace paddock::egress

// The log of egress decisions: every entry is announced at once (logged())
// and written to SQLite in bursts, one transaction per ~100 ms, so a storm
// of connections costs one commit, not one per connection. The newest
// kKeepEntries rows are kept.
//
// Thread ownership: the engine thread.
#pragma once

#include "store/egress_log_store.h"

#include "paddock/egress.h"

#include <QHash>
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
    static constexpr qint64 kKeepEntries = 100000;
    static constexpr qsizetype kMaxUnwritten = 20000; // held while the database cannot be written

    explicit EgressLog(store::EgressLogStore &store, QObject *parent = nullptr);
    ~EgressLog() override; // writes what is pending

    // Gives the entry its ID and time; returns it as recorded.
    EgressLogEntry record(EgressLogEntry e);
    // A recorded entry changed (a connection ended).
    void update(const EgressLogEntry &e);
    Result<QList<EgressLogEntry>> query(const QString &sandboxId, const EgressLogQuery &q);
    Result<void> removeSandbox(const QString &sandboxId);
    void flush();

Q_SIGNALS:
    void logged(const paddock::EgressLogEntry &entry);

private:
    void schedule(const EgressLogEntry &e);
    void dropOldestPending();

    store::EgressLogStore &m_store;
    QHash<qint64, EgressLogEntry> m_pending;
    QTimer m_flushTimer;
    qint64 m_nextId = 1;
    qint64 m_writesSincePrune = 0;
};

} // namespace paddock::egress

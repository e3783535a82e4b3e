// The live egress log of one sandbox, newest first. Entries arrive one by
// one from the engine; they are gathered and inserted as one range at the
// top after ~16 ms of quiet (at most ~100 ms after the first), and an entry
// that changes (bytes moving, a connection ending) updates its row in
// place, wherever it is. The oldest rows beyond kMaxRows are dropped.
#pragma once

#include "paddock/egress.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

namespace paddock::ui {

class EgressLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Verdict, Destination, Protocol, Rule, Reason, Traffic, Process, ColumnCount };
    static constexpr int kMaxRows = 5000;

    explicit EgressLogModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // Replaces everything (newest first), for the sandbox shown.
    void showSandbox(const QString &sandboxId, const QList<EgressLogEntry> &newestFirst);
    const EgressLogEntry *entryAt(int row) const;
    // "allowed", "denied"…; "allowed · failed" for an allowed connection
    // that did not go through (EgressLogEntry::failure).
    static QString verdictText(const EgressLogEntry &entry);

public Q_SLOTS:
    void add(const paddock::EgressLogEntry &entry); // other sandboxes' are ignored

private:
    void flush();

    QString m_sandboxId;
    QList<EgressLogEntry> m_rows; // newest first
    QList<EgressLogEntry> m_pending; // arrived, not yet shown; oldest first
    QHash<qint64, qsizetype> m_pendingAt; // entry ID → index in m_pending
    // Entry ID → its insertion number: rows are only ever added at the top
    // and dropped at the bottom, so a row's index is m_nextSeq - 1 - seq.
    QHash<qint64, qint64> m_seqOf;
    qint64 m_nextSeq = 0;
    QTimer m_idle;
    QElapsedTimer m_firstPending;
};

} // namespace paddock::ui

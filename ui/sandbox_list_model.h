// The sandbox list: one row per sandbox, updated row by row from the
// engine's signals (never reset), uptime ticking once a second. Beside the
// engine's state each row carries what the window's own calls are doing to
// it (starting…, a failure), which the engine cannot know.
#pragma once

#include "paddock/sandbox.h"
#include "window/sandbox_status.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

namespace paddock::ui {

class SandboxListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, State, Uptime, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1;
    static constexpr int StatusRole = Qt::UserRole + 2; // SandboxStatus, as int
    static constexpr int SortRole = Qt::UserRole + 3; // what the column sorts by
    static constexpr int SearchRole = Qt::UserRole + 4; // name, ID and state, for the filter

    explicit SandboxListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const SandboxInfo *sandboxAt(int row) const;
    int rowOf(const QString &id) const;
    SandboxStatus statusOf(const QString &id) const;
    // Marks an in-flight call (or a failure, with its message) on a row;
    // None clears it. A failure also clears when the engine reports the sandbox.
    void setActivity(const QString &id, SandboxActivity activity, const QString &error = {});

public Q_SLOTS:
    void reset(const QList<paddock::SandboxInfo> &all); // the first listing only
    void upsert(const paddock::SandboxInfo &sandbox);
    void remove(const QString &id);

private:
    QVariant displayData(const SandboxInfo &sb, int column) const;
    QVariant sortData(const SandboxInfo &sb, int column) const;

    QList<SandboxInfo> m_rows;
    QHash<QString, SandboxActivity> m_activity; // by ID; absent = None
    QHash<QString, QString> m_errors; // by ID: the last failed call's message
    QTimer m_uptimeTick;
};

// "3h 12m", "45s": how long a sandbox has been running.
QString formatUptime(qint64 seconds);

} // namespace paddock::ui

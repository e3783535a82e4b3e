// The sandbox list: one row per sandbox, updated row by row from the
// engine's signals (never reset), uptime ticking once a second.
#pragma once

#include "paddock/sandbox.h"

#include <QAbstractTableModel>
#include <QTimer>

namespace paddock::ui {

class SandboxListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, State, Uptime, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit SandboxListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const SandboxInfo *sandboxAt(int row) const;
    int rowOf(const QString &id) const;

public Q_SLOTS:
    void reset(const QList<paddock::SandboxInfo> &all); // the first listing only
    void upsert(const paddock::SandboxInfo &sandbox);
    void remove(const QString &id);

private:
    QList<SandboxInfo> m_rows;
    QTimer m_uptimeTick;
};

// "3h 12m", "45s": how long a sandbox has been running.
QString formatUptime(qint64 seconds);

} // namespace paddock::ui

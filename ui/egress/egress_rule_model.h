// One rule list (a sandbox's, or the global defaults) in decision order.
// Edits and drags do not change the list here: they become requests
// (editRequested, moveRequested) that the page sends to the engine, and
// the list is reloaded from the engine's answer — the engine validates.
#pragma once

#include "paddock/egress.h"

#include <QAbstractTableModel>

namespace paddock::ui {

class EgressRuleModel : public QAbstractTableModel {
    Q_OBJECT
public:
    // Credentials: what an inspect rule injects and the handler it runs,
    // summed up; edited in the rule editor, not in place.
    enum Column { Order, Action, Pattern, Port, Method, Path, Credentials, Reason, ColumnCount };
    static constexpr const char *kMimeType = "application/x-paddock-egress-rule-row";

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override { return { QString::fromLatin1(kMimeType) }; }
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

    void setRules(const QList<EgressRule> &rules);
    const EgressRule *ruleAt(int row) const;

    // "Authorization, ?api_key · sign.js": names only (values are templates,
    // but long ones). Empty for a rule that injects nothing.
    static QString credentialsText(const EgressRule &rule);
    static QString handlerText(const EgressHandler &handler); // "sign.js (handed KEY)"

Q_SIGNALS:
    void editRequested(const paddock::EgressRule &updated);
    void moveRequested(qint64 ruleId, int position);

private:
    QList<EgressRule> m_rules;
};

} // namespace paddock::ui

// Paints the sandbox list's State column as a coloured dot before the word
// (green running, grey stopped, amber in transition, red error), so the state
// reads at a glance without relying on colour alone.
#pragma once

#include <QStyledItemDelegate>

namespace paddock::ui {

class StateDotDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace paddock::ui

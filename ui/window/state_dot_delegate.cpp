#include "state_dot_delegate.h"

#include "sandbox_list_model.h"
#include "sandbox_status.h"

#include <QPainter>

namespace paddock::ui {

namespace {

int dotSize(const QStyleOptionViewItem &option)
{
    return qMax(9, option.fontMetrics.height() * 3 / 5);
}

} // namespace

void StateDotDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int size = dotSize(option);
    const int margin = size / 2 + 2;
    QStyleOptionViewItem textOption = option;
    // The text is drawn by the style (selection colours, elision) after the dot.
    textOption.rect.adjust(size + 2 * margin - 4, 0, 0, 0);
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    option.widget->style()->drawControl(
        QStyle::CE_ItemViewItem, &background, painter, option.widget);
    QStyledItemDelegate::paint(painter, textOption, index);

    const auto status = SandboxStatus(index.data(SandboxListModel::StatusRole).toInt());
    QRect dot(option.rect.left() + margin, option.rect.center().y() - size / 2, size, size);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(sandboxStatusColour(status));
    if (isTransition(status)) { // hollow while a call is in flight: not yet the state it will be
        painter->setPen(QPen(sandboxStatusColour(status), 2));
        painter->setBrush(Qt::NoBrush);
        dot.adjust(1, 1, -1, -1);
    }
    painter->drawEllipse(dot);
    painter->restore();
}

QSize StateDotDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize hint = QStyledItemDelegate::sizeHint(option, index);
    return { hint.width() + dotSize(option) * 2 + 4, hint.height() };
}

} // namespace paddock::ui

// Every text the application's widgets hold, shown or ready to show: line
// edits (password ones too), text views, labels, buttons, combo boxes,
// every cell of every item view in the roles a view displays, titles, tool
// tips. For proving that a secret's value is nowhere in the UI.
#pragma once

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>

namespace paddock::test {

namespace detail {

inline void modelTexts(const QAbstractItemModel *model, const QModelIndex &parent, QStringList &out)
{
    for (int row = 0; row < model->rowCount(parent); ++row)
        for (int column = 0; column < model->columnCount(parent); ++column) {
            const QModelIndex index = model->index(row, column, parent);
            for (int role : { Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, Qt::StatusTipRole,
                     Qt::WhatsThisRole })
                out << index.data(role).toString();
            if (column == 0 && model->hasChildren(index)) modelTexts(model, index, out);
        }
}

} // namespace detail

inline QStringList shownText()
{
    QStringList out;
    for (QWidget *w : QApplication::allWidgets()) {
        out << w->windowTitle() << w->toolTip() << w->statusTip() << w->accessibleName()
            << w->whatsThis();
        if (auto *e = qobject_cast<QLineEdit *>(w))
            out << e->text() << e->placeholderText() << e->displayText();
        if (auto *e = qobject_cast<QPlainTextEdit *>(w))
            out << e->toPlainText() << e->placeholderText();
        if (auto *e = qobject_cast<QTextEdit *>(w)) out << e->toPlainText();
        if (auto *l = qobject_cast<QLabel *>(w)) out << l->text();
        if (auto *b = qobject_cast<QAbstractButton *>(w)) out << b->text();
        if (auto *c = qobject_cast<QComboBox *>(w))
            for (int i = 0; i < c->count(); ++i)
                out << c->itemText(i);
        if (auto *v = qobject_cast<QAbstractItemView *>(w); v && v->model())
            detail::modelTexts(v->model(), v->rootIndex(), out);
    }
    return out;
}

// The widget texts that contain `needle` (none, when all is well).
inline QStringList textsContaining(const QString &needle)
{
    QStringList hits;
    for (const QString &text : shownText())
        if (text.contains(needle)) hits << text;
    return hits;
}

} // namespace paddock::test

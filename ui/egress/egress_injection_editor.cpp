#include "egress_injection_editor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {

// "Sets" is one of two words: a list to pick from, not text to type.
class KindDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(
        QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const override
    {
        auto *box = new QComboBox(parent);
        box->addItem(EgressInjectionModel::tr("Header"),
            EgressInjectionModel::kindName(EgressInjection::Kind::Header));
        box->addItem(EgressInjectionModel::tr("Query parameter"),
            EgressInjectionModel::kindName(EgressInjection::Kind::Query));
        return box;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        auto *box = static_cast<QComboBox *>(editor);
        box->setCurrentIndex(box->findData(index.data(Qt::EditRole)));
    }
    void setModelData(
        QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        model->setData(index, static_cast<QComboBox *>(editor)->currentData(), Qt::EditRole);
    }
};

} // namespace

EgressInjectionEditor::EgressInjectionEditor(QWidget *parent)
    : QWidget(parent)
    , m_view(new QTableView(this))
    , m_remove(new QPushButton(tr("Remove"), this))
{
    m_view->setObjectName(QStringLiteral("egressInjections"));
    m_view->setAccessibleName(tr("Injected headers and query parameters"));
    m_view->setModel(&m_model);
    m_view->setItemDelegateForColumn(EgressInjectionModel::Kind, new KindDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::SelectedClicked
        | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(EgressInjectionModel::Kind, 130);
    m_view->setColumnWidth(EgressInjectionModel::Name, 160);

    auto *hint = new QLabel(tr("Set on every request the rule inspects, replacing what the sandbox "
                               "sent under that name. "
                               "In a value, {{secret.NAME}} stands for the secret's value, which "
                               "the sandbox never sees."),
        this);
    hint->setWordWrap(true);
    hint->setTextFormat(Qt::PlainText);

    auto *addHeader = new QPushButton(tr("Add header"), this);
    addHeader->setObjectName(QStringLiteral("addInjectedHeader"));
    addHeader->setAccessibleName(tr("Add an injected header"));
    auto *addQuery = new QPushButton(tr("Add query parameter"), this);
    addQuery->setObjectName(QStringLiteral("addInjectedQuery"));
    addQuery->setAccessibleName(tr("Add an injected query parameter"));
    m_remove->setObjectName(QStringLiteral("removeInjection"));
    m_remove->setAccessibleName(tr("Remove the selected injection"));
    m_remove->setEnabled(false);
    connect(addHeader, &QPushButton::clicked, this,
        [this] { addInjection(EgressInjection::Kind::Header); });
    connect(addQuery, &QPushButton::clicked, this,
        [this] { addInjection(EgressInjection::Kind::Query); });
    connect(m_remove, &QPushButton::clicked, this, &EgressInjectionEditor::removeSelected);
    const auto updateRemove = [this] { m_remove->setEnabled(m_view->currentIndex().isValid()); };
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, updateRemove);
    connect(&m_model, &QAbstractItemModel::modelReset, this, updateRemove);
    connect(&m_model, &QAbstractItemModel::rowsRemoved, this, updateRemove);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(addHeader);
    buttons->addWidget(addQuery);
    buttons->addStretch();
    buttons->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(hint);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
}

void EgressInjectionEditor::addInjection(EgressInjection::Kind kind)
{
    EgressInjection injection;
    injection.kind = kind;
    const int row = m_model.add(injection);
    const QModelIndex name = m_model.index(row, EgressInjectionModel::Name);
    m_view->setCurrentIndex(name);
    m_view->edit(name);
}

void EgressInjectionEditor::removeSelected()
{
    m_model.remove(m_view->currentIndex().row());
}

} // namespace paddock::ui

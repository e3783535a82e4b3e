#include "column_fitter.h"

#include <QAbstractItemModel>
#include <QHeaderView>
#include <QTableView>

#include <algorithm>

namespace paddock::ui {

namespace {

constexpr int kPadding = 16; // the cell's margins and a little air

} // namespace

ColumnFitter::ColumnFitter(QTableView *view, int maxWidth) : QObject(view), m_view(view), m_maxWidth(maxWidth)
{
    QAbstractItemModel *model = view->model();
    connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &parent, int first, int last) {
        if (!parent.isValid())
            measure(first, last);
    });
    connect(model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
        measure(topLeft.row(), bottomRight.row());
    });
    connect(model, &QAbstractItemModel::modelReset, this, &ColumnFitter::reset);
    connect(model, &QAbstractItemModel::layoutChanged, this, &ColumnFitter::reset);
    reset();
}

// Back to the headers' widths, then the first rows (a newly shown log).
void ColumnFitter::reset()
{
    QAbstractItemModel *model = m_view->model();
    m_widths.clear();
    const QFontMetrics header = m_view->horizontalHeader()->fontMetrics();
    for (int column = 0; column < model->columnCount() - 1; ++column) {
        const int width = header.horizontalAdvance(model->headerData(column, Qt::Horizontal).toString()) + kPadding;
        m_widths << std::min(width, m_maxWidth);
        m_view->setColumnWidth(column, m_widths.last());
    }
    if (model->rowCount() > 0)
        measure(0, model->rowCount() - 1);
}

void ColumnFitter::measure(int first, int last)
{
    QAbstractItemModel *model = m_view->model();
    const QFontMetrics metrics = m_view->fontMetrics();
    last = std::min(last, first + kMaxRowsMeasured - 1);
    for (int column = 0; column < m_widths.size(); ++column) {
        int widest = m_widths[column];
        for (int row = first; row <= last && widest < m_maxWidth; ++row)
            widest = std::max(widest, metrics.horizontalAdvance(model->index(row, column).data().toString()) + kPadding);
        widest = std::min(widest, m_maxWidth);
        if (widest > m_widths[column]) {
            m_widths[column] = widest;
            m_view->setColumnWidth(column, widest);
        }
    }
}

} // namespace paddock::ui

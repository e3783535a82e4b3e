// Sizes a table's columns to their content as rows arrive, the cheap way:
// only the rows of each inserted or changed range are measured (a batch
// from a model that flushes in batches), with the view's font, and a
// column only grows — up to a cap, so one long reason does not push the
// rest off screen. QHeaderView::ResizeToContents instead measures the
// visible rows on every change, which a live log turns into a stall.
#pragma once

#include <QList>
#include <QObject>

class QTableView;

namespace paddock::ui {

class ColumnFitter : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxRowsMeasured = 64; // per range; a flood's batch is sampled from its start
    // Fits every column of `view`'s model but the last (which stretches);
    // none wider than `maxWidth` pixels.
    ColumnFitter(QTableView *view, int maxWidth);

private:
    void measure(int first, int last);
    void reset();

    QTableView *m_view;
    int m_maxWidth;
    QList<int> m_widths; // what was fitted, per column
};

} // namespace paddock::ui

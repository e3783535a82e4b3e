// Every field of one egress log entry, as selectable plain text: what the
// table's columns abbreviate (the upstream, the rule, the full reason, why
// an allowed connection failed). Shown beside the log for the selected row
// and rewritten when that entry changes (its connection ends).
#pragma once

#include "paddock/egress.h"

#include <QPlainTextEdit>

namespace paddock::ui {

// The text shown; empty for no entry.
QString describeEgressLogEntry(const EgressLogEntry &entry);

class EgressLogDetails : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit EgressLogDetails(QWidget *parent = nullptr);
    // nullptr: nothing selected.
    void showEntry(const EgressLogEntry *entry);
};

} // namespace paddock::ui

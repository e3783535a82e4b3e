// The red line under a form that says what the engine refused and why, in
// the engine's own words; hidden while there is nothing to say.
#pragma once

#include <QLabel>

namespace paddock::ui {

class ProblemLabel : public QLabel {
    Q_OBJECT
public:
    explicit ProblemLabel(QWidget *parent = nullptr);
    void say(const QString &problem); // empty: nothing wrong, hidden
};

} // namespace paddock::ui

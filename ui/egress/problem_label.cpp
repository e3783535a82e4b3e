#include "problem_label.h"

namespace paddock::ui {

ProblemLabel::ProblemLabel(QWidget *parent)
    : QLabel(parent)
{
    // Messages quote what a person typed (and names a sandbox chose): never
    // read as rich text.
    setTextFormat(Qt::PlainText);
    setStyleSheet(QStringLiteral("color: #b03030")); // as the Egress tab's own
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse); // to copy into a bug report
    hide();
}

void ProblemLabel::say(const QString &problem)
{
    setText(problem);
    setVisible(!problem.isEmpty());
}

} // namespace paddock::ui

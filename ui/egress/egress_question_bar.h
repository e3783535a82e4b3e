// The notification a held connection raises, across the top of the main
// window whatever tab is open: who wants to connect where, and the four
// answers. With several questions it shows the oldest and how many wait.
#pragma once

#include <QWidget>

class QLabel;

namespace paddock::ui {

class EgressQuestionModel;

class EgressQuestionBar : public QWidget {
    Q_OBJECT
public:
    explicit EgressQuestionBar(EgressQuestionModel &questions, QWidget *parent = nullptr);
    QString text() const;

private:
    void refresh();

    EgressQuestionModel &m_questions;
    QLabel *m_label;
};

} // namespace paddock::ui

#include "egress_question_bar.h"

#include "egress_question_model.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace paddock::ui {

EgressQuestionBar::EgressQuestionBar(EgressQuestionModel &questions, QWidget *parent)
    : QWidget(parent), m_questions(questions), m_label(new QLabel(this))
{
    setObjectName(QStringLiteral("egressQuestionBar"));
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(0xff, 0xf0, 0xc0));
    pal.setColor(QPalette::WindowText, Qt::black);
    setPalette(pal);
    auto *layout = new QHBoxLayout(this);
    m_label->setTextFormat(Qt::PlainText); // a process name is the sandbox's: never markup
    layout->addWidget(m_label, 1);
    const struct {
        EgressAnswer answer;
        const char *text;
    } buttons[] = { { EgressAnswer::AllowOnce, "Allow once" }, { EgressAnswer::AllowAlways, "Allow always" },
                    { EgressAnswer::DenyOnce, "Deny once" }, { EgressAnswer::DenyAlways, "Deny always" } };
    for (const auto &b : buttons) {
        auto *button = new QPushButton(tr(b.text), this);
        button->setObjectName(egressAnswerName(b.answer));
        layout->addWidget(button);
        const EgressAnswer answer = b.answer;
        connect(button, &QPushButton::clicked, this, [this, answer] {
            if (const EgressQuestion *q = m_questions.questionAt(0))
                m_questions.answer(q->id, answer);
        });
    }
    connect(&questions, &QAbstractItemModel::rowsInserted, this, &EgressQuestionBar::refresh);
    connect(&questions, &QAbstractItemModel::rowsRemoved, this, &EgressQuestionBar::refresh);
    connect(&questions, &QAbstractItemModel::modelReset, this, &EgressQuestionBar::refresh);
    refresh();
}

QString EgressQuestionBar::text() const { return m_label->text(); }

void EgressQuestionBar::refresh()
{
    const EgressQuestion *q = m_questions.questionAt(0);
    setVisible(q != nullptr);
    if (!q)
        return;
    QString text = EgressQuestionModel::describe(*q);
    if (const int more = m_questions.rowCount() - 1; more > 0)
        text += tr("  (%n more waiting)", nullptr, more);
    m_label->setText(text);
}

} // namespace paddock::ui

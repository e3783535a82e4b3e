#include "egress_question_model.h"

#include "paddock/display_text.h"

#include "engine_bridge.h"

namespace paddock::ui {

EgressQuestionModel::EgressQuestionModel(EngineBridge &engine, QObject *parent)
    : QAbstractTableModel(parent), m_engine(engine)
{
    connect(&engine, &EngineBridge::egressQuestionAsked, this, &EgressQuestionModel::asked);
    connect(&engine, &EngineBridge::egressQuestionClosed, this, &EgressQuestionModel::closed);
    // Questions asked before this model existed.
    engine.call<QList<EgressQuestion>>([](Engine &e) { return Result<QList<EgressQuestion>>(e.egressQuestions()); },
                                       [this](Result<QList<EgressQuestion>> all) {
                                           if (all)
                                               for (const EgressQuestion &q : *all)
                                                   asked(q);
                                       });
}

int EgressQuestionModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_questions.size()); }

int EgressQuestionModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant EgressQuestionModel::data(const QModelIndex &index, int role) const
{
    const EgressQuestion *q = questionAt(index.row());
    if (!q || role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Sandbox: return displayText(q->sandboxName);
    case Destination: return (q->host.isEmpty() ? q->address : q->host) + u':' + QString::number(q->port);
    case Request: return q->method.isEmpty() ? tr("(any)") : displayText(request(*q));
    case Process: return q->process.isEmpty() ? tr("(unknown)") : displayText(q->process);
    case Deadline: return tr("denied at %1").arg(q->deadline.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
    }
    return {};
}

QVariant EgressQuestionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = { "Sandbox", "Destination", "Request", "Process", "Unanswered" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

const EgressQuestion *EgressQuestionModel::questionAt(int row) const
{
    return row >= 0 && row < m_questions.size() ? &m_questions[row] : nullptr;
}

QString EgressQuestionModel::describe(const EgressQuestion &q)
{
    const QString who = q.process.isEmpty() ? tr("A program") : q.process;
    const QString where = (q.host.isEmpty() ? q.address : q.host) + u':' + QString::number(q.port);
    if (!q.method.isEmpty()) // "allow always" allows exactly this request: say which
        return displayText(tr("%1 in '%2' wants %3 on %4").arg(who, q.sandboxName, request(q), where));
    return displayText(tr("%1 in '%2' wants to connect to %3").arg(who, q.sandboxName, where));
}

QString EgressQuestionModel::request(const EgressQuestion &q)
{
    return q.method.isEmpty() ? QString() : (q.method + u' ' + q.path).trimmed();
}

void EgressQuestionModel::answer(const QString &questionId, EgressAnswer a)
{
    m_engine.call<void>([questionId, a](Engine &e) { return e.answerEgressQuestion(questionId, a); },
                        [this](Result<void> r) {
                            if (!r)
                                Q_EMIT answerFailed(r.error().message);
                        });
}

void EgressQuestionModel::asked(const EgressQuestion &q)
{
    for (const EgressQuestion &known : std::as_const(m_questions))
        if (known.id == q.id)
            return;
    beginInsertRows({}, int(m_questions.size()), int(m_questions.size()));
    m_questions.append(q);
    endInsertRows();
}

void EgressQuestionModel::closed(const QString &questionId)
{
    for (int row = 0; row < m_questions.size(); ++row) {
        if (m_questions[row].id != questionId)
            continue;
        beginRemoveRows({}, row, row);
        m_questions.removeAt(row);
        endRemoveRows();
        return;
    }
}

} // namespace paddock::ui

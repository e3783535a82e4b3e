// Connections held for a person's answer, in every sandbox, oldest first:
// what the notification bar and the Egress tab show and answer.
#pragma once

#include "paddock/egress.h"

#include <QAbstractTableModel>

namespace paddock::ui {

class EngineBridge;

class EgressQuestionModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Sandbox, Destination, Request, Process, Deadline, ColumnCount };

    explicit EgressQuestionModel(EngineBridge &engine, QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const EgressQuestion *questionAt(int row) const;
    // "curl (pid 4) in 'web' wants to connect to api.example.com:443", or
    // "… wants GET /a on api.example.com:80" for one HTTP request.
    // One line for a person; what the sandbox chose in it is escaped (display_text.h).
    static QString describe(const EgressQuestion &q);
    // "GET /a", or "" for a whole connection.
    static QString request(const EgressQuestion &q);
    void answer(const QString &questionId, EgressAnswer a);

Q_SIGNALS:
    void answerFailed(const QString &message);

private:
    void asked(const EgressQuestion &q);
    void closed(const QString &questionId);

    EngineBridge &m_engine;
    QList<EgressQuestion> m_questions;
};

} // namespace paddock::ui

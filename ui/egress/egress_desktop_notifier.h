// Held connections as desktop notifications, for a person looking at
// another window: the freedesktop notification service (org.freedesktop.
// Notifications on the session bus, which every Linux desktop runs) shows
// who wants to connect where, with the four answers as actions.
//
// One notification per question, raised only while the person is elsewhere
// (the window's own bar is enough otherwise), and withdrawn when the
// question closes — answered anywhere, or timed out. Without a session bus
// or a notification service, nothing more than the bar and the taskbar
// flash: the question still waits there.
#pragma once

#include <QHash>
#include <QObject>

#include <functional>

namespace paddock::ui {

class EgressQuestionModel;

class EgressDesktopNotifier : public QObject {
    Q_OBJECT
public:
    EgressDesktopNotifier(EgressQuestionModel &questions, std::function<bool()> personIsElsewhere,
                          QObject *parent = nullptr);

    // Notifications currently shown, by question ID (for tests).
    int shown() const { return int(m_byQuestion.size()); }

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onNotificationClosed(uint id, uint reason);

private:
    void questionsAsked(int first, int last);
    void questionsClosing(int first, int last);
    void notify(const QString &questionId, const QString &summary, const QString &body, int timeoutMs);
    void withdraw(uint id);

    EgressQuestionModel &m_questions;
    std::function<bool()> m_personIsElsewhere;
    QHash<QString, uint> m_byQuestion; // notification ID by question ID
    QHash<uint, QString> m_byNotification;
};

} // namespace paddock::ui

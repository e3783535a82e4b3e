#include "egress_desktop_notifier.h"

#include "egress_question_model.h"

#include <QDateTime>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>

#include <algorithm>

namespace paddock::ui {

namespace {

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");

struct Action {
    const char *key;
    const char *label;
    EgressAnswer answer;
};
constexpr Action kActions[] = {
    { "allow-once", QT_TRANSLATE_NOOP("EgressDesktopNotifier", "Allow once"), EgressAnswer::AllowOnce },
    { "allow-always", QT_TRANSLATE_NOOP("EgressDesktopNotifier", "Allow always"), EgressAnswer::AllowAlways },
    { "deny-once", QT_TRANSLATE_NOOP("EgressDesktopNotifier", "Deny once"), EgressAnswer::DenyOnce },
    { "deny-always", QT_TRANSLATE_NOOP("EgressDesktopNotifier", "Deny always"), EgressAnswer::DenyAlways },
};

constexpr uchar kUrgencyCritical = 2; // stays until acted on, where the desktop honours it

} // namespace

EgressDesktopNotifier::EgressDesktopNotifier(EgressQuestionModel &questions, std::function<bool()> personIsElsewhere,
                                             QObject *parent)
    : QObject(parent), m_questions(questions), m_personIsElsewhere(std::move(personIsElsewhere))
{
    connect(&questions, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { questionsAsked(first, last); });
    connect(&questions, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex &, int first, int last) { questionsClosing(first, last); });
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return;
    bus.connect(kService, kPath, kInterface, QStringLiteral("ActionInvoked"), this, SLOT(onActionInvoked(uint, QString)));
    bus.connect(kService, kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                SLOT(onNotificationClosed(uint, uint)));
}

void EgressDesktopNotifier::questionsAsked(int first, int last)
{
    if (!m_personIsElsewhere() || !QDBusConnection::sessionBus().isConnected())
        return;
    for (int row = first; row <= last; ++row) {
        const EgressQuestion *q = m_questions.questionAt(row);
        if (!q)
            continue;
        const qint64 untilDeadline = QDateTime::currentDateTimeUtc().msecsTo(q->deadline);
        // Notification servers may render a subset of HTML in the body: the
        // sandbox's words in it must not become markup (or links).
        notify(q->id, tr("Paddock: a connection is waiting for you"),
               tr("%1.\nUnanswered, it is denied at %2.")
                   .arg(EgressQuestionModel::describe(*q).toHtmlEscaped(),
                        q->deadline.toLocalTime().toString(QStringLiteral("HH:mm:ss"))),
               int(std::clamp<qint64>(untilDeadline, 1000, qint64(24) * 3600 * 1000)));
    }
}

void EgressDesktopNotifier::notify(const QString &questionId, const QString &summary, const QString &body, int timeoutMs)
{
    QStringList actions;
    for (const Action &a : kActions)
        actions << QString::fromLatin1(a.key) << tr(a.label);
    QDBusMessage call = QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("Notify"));
    call << QStringLiteral("Paddock") << uint(0) << QStringLiteral("dialog-question") << summary << body << actions
         << QVariantMap { { QStringLiteral("urgency"), QVariant::fromValue(kUrgencyCritical) },
                          { QStringLiteral("category"), QStringLiteral("network") } }
         << timeoutMs;
    auto *watch = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call), this);
    connect(watch, &QDBusPendingCallWatcher::finished, this, [this, watch, questionId] {
        watch->deleteLater();
        QDBusPendingReply<uint> reply = *watch;
        if (reply.isError())
            return; // no notification service: the bar and the taskbar flash remain
        const uint id = reply.value();
        bool stillWaiting = false;
        for (int row = 0; row < m_questions.rowCount() && !stillWaiting; ++row)
            stillWaiting = m_questions.questionAt(row)->id == questionId;
        if (!stillWaiting)
            return withdraw(id); // answered while the notification was on its way
        m_byQuestion.insert(questionId, id);
        m_byNotification.insert(id, questionId);
    });
}

void EgressDesktopNotifier::questionsClosing(int first, int last)
{
    for (int row = first; row <= last; ++row)
        if (const EgressQuestion *q = m_questions.questionAt(row))
            if (auto it = m_byQuestion.find(q->id); it != m_byQuestion.end())
                withdraw(it.value());
}

void EgressDesktopNotifier::withdraw(uint id)
{
    m_byQuestion.remove(m_byNotification.take(id));
    QDBusMessage call = QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("CloseNotification"));
    call << id;
    QDBusConnection::sessionBus().asyncCall(call);
}

void EgressDesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    const QString questionId = m_byNotification.value(id);
    if (questionId.isEmpty())
        return; // another program's notification
    for (const Action &a : kActions)
        if (action == QLatin1String(a.key))
            m_questions.answer(questionId, a.answer);
}

void EgressDesktopNotifier::onNotificationClosed(uint id, uint)
{
    // Dismissed without an answer: the question stays, in the bar.
    m_byQuestion.remove(m_byNotification.take(id));
}

} // namespace paddock::ui

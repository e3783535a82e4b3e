#include "stopped_placeholder.h"

#include "paddock/display_text.h"
#include "theme/icons.h"

#include <QEvent>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace paddock::ui {

StoppedPlaceholder::StoppedPlaceholder(QWidget *page)
    : QWidget(page)
    , m_message(new QLabel(this))
    , m_start(new QPushButton(tr("Start"), this))
{
    setObjectName(QStringLiteral("stoppedPlaceholder"));
    setAutoFillBackground(true); // hides the page beneath
    m_message->setTextFormat(Qt::PlainText); // the name is the sandbox's choice
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    QFont big = m_message->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_message->setFont(big);
    m_start->setIcon(themedIcon(QStringLiteral("media-playback-start"), QStringLiteral("start")));
    m_start->setAccessibleName(tr("Start the sandbox"));
    auto *hint = new QLabel(
        tr("This tab shows a running sandbox. Its files stay while it is stopped."), this);
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setEnabled(false); // the palette's dimmed text
    auto *column = new QVBoxLayout(this);
    column->addStretch();
    column->addWidget(m_message);
    column->addWidget(hint);
    column->addSpacing(8);
    column->addWidget(m_start, 0, Qt::AlignHCenter);
    column->addStretch();
    connect(m_start, &QPushButton::clicked, this, &StoppedPlaceholder::startRequested);
    page->installEventFilter(this);
    hide();
}

void StoppedPlaceholder::showFor(const QString &name, const QString &stateText, bool canStart)
{
    if (name.isEmpty()) {
        hide();
        return;
    }
    m_message->setText(tr("'%1' is %2").arg(displayText(name), stateText));
    setAccessibleName(m_message->text());
    m_start->setEnabled(canStart);
    setGeometry(parentWidget()->rect());
    raise();
    show();
}

bool StoppedPlaceholder::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

} // namespace paddock::ui

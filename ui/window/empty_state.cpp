#include "empty_state.h"

#include "theme/icons.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {

QLabel *plainLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    return label;
}

} // namespace

QString EmptyState::cliLine()
{
    return QStringLiteral("paddock create --name web");
}

EmptyState::EmptyState(QWidget *parent)
    : QWidget(parent)
    , m_create(new QPushButton(tr("Create your first sandbox"), this))
{
    setObjectName(QStringLiteral("emptyState"));
    auto *icon = new QLabel(this);
    icon->setPixmap(appIcon().pixmap(64, 64));
    icon->setAlignment(Qt::AlignHCenter);
    QLabel *title = plainLabel(tr("No sandboxes yet"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    QLabel *what = plainLabel(tr("A sandbox is an isolated Linux environment for code you don't "
                                 "want to trust with your machine. "
                                 "It is offline by default: every connection goes through "
                                 "Paddock's egress rules, which you see and decide. "
                                 "It sees the host's /usr read-only and has its own writable "
                                 "layer, so nothing it does reaches your files."),
        this);
    what->setAccessibleName(tr("What a sandbox is"));
    m_create->setIcon(themedIcon(QStringLiteral("list-add"), QStringLiteral("new")));
    m_create->setDefault(true);
    m_create->setAccessibleName(tr("Create your first sandbox"));
    QLabel *orCli = plainLabel(tr("or, from a terminal:"), this);
    orCli->setEnabled(false);
    QLabel *cli = plainLabel(cliLine(), this);
    cli->setFont(QFont(QStringLiteral("monospace")));
    cli->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    cli->setAccessibleName(tr("Command line that creates a sandbox"));

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(48, 24, 48, 24);
    column->addStretch(2);
    column->addWidget(icon);
    column->addWidget(title);
    column->addSpacing(6);
    column->addWidget(
        what); // no alignment: a wrapped label needs the layout's width to get its height
    column->addSpacing(14);
    column->addWidget(m_create, 0, Qt::AlignHCenter);
    column->addSpacing(10);
    column->addWidget(orCli);
    column->addWidget(cli);
    column->addStretch(3);
    connect(m_create, &QPushButton::clicked, this, &EmptyState::createRequested);
}

} // namespace paddock::ui

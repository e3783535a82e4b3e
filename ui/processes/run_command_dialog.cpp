#include "run_command_dialog.h"

#include "paddock/display_text.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace paddock::ui {

RunCommandDialog::RunCommandDialog(const QString &sandboxName, QWidget *parent)
    : QDialog(parent)
    , m_command(new QLineEdit(this))
    , m_directory(new QLineEdit(this))
{
    setWindowTitle(tr("Run command"));
    auto *intro = new QLabel(
        tr("Runs in the background in sandbox “%1”; its output shows in the log below the "
           "process list.")
            .arg(displayText(sandboxName)),
        this);
    intro->setTextFormat(Qt::PlainText); // the name is the sandbox's choice
    intro->setWordWrap(true);
    m_command->setPlaceholderText(tr("e.g. npm run dev 2>&1 | tee dev.log"));
    m_command->setAccessibleName(tr("Command line"));
    m_command->setToolTip(tr("Run with /bin/sh -c: pipes, quotes and && work as in a terminal"));
    m_directory->setPlaceholderText(QStringLiteral("/root"));
    m_directory->setAccessibleName(tr("Working directory"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_run = buttons->addButton(tr("Run"), QDialogButtonBox::AcceptRole);
    m_run->setAccessibleName(tr("Run the command"));
    m_run->setDefault(true);
    m_run->setEnabled(false);

    auto *form = new QFormLayout;
    form->addRow(tr("&Command:"), m_command);
    form->addRow(tr("&Directory:"), m_directory);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());

    connect(m_command, &QLineEdit::textChanged, this,
        [this](const QString &text) { m_run->setEnabled(!text.trimmed().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QStringList RunCommandDialog::argv() const
{
    return { QStringLiteral("/bin/sh"), QStringLiteral("-c"), m_command->text() };
}

QString RunCommandDialog::directory() const
{
    return m_directory->text().trimmed();
}

} // namespace paddock::ui

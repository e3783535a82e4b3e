#include "secret_form.h"

#include "form_label.h"
#include "problem_label.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>

namespace paddock::ui {

SecretForm::SecretForm(EngineBridge &engine, ProblemLabel &problem, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
    , m_problem(problem)
    , m_name(new QLineEdit(this))
    , m_source(new QComboBox(this))
    , m_sourcePages(new QStackedWidget(this))
    , m_value(new QLineEdit(this))
    , m_command(new QLineEdit(this))
    , m_ttl(new QSpinBox(this))
    , m_save(new QPushButton(tr("Save secret"), this))
    , m_status(new QLabel(this))
{
    m_name->setObjectName(QStringLiteral("secretName"));
    m_name->setPlaceholderText(QStringLiteral("GITHUB_TOKEN"));
    m_name->setAccessibleName(tr("Secret name"));
    m_name->setToolTip(
        tr("Letters, digits and '_', starting with a letter; used as {{secret.NAME}}"));
    m_source->addItems(
        { tr("a value I type (stored)"), tr("a command's output (run when needed)") });
    m_source->setAccessibleName(tr("Where the value comes from"));
    connect(
        m_source, &QComboBox::currentIndexChanged, m_sourcePages, &QStackedWidget::setCurrentIndex);

    // Password echo: shown as dots, and Qt refuses to copy, cut or drag it
    // out, and keeps no undo history of it.
    m_value->setObjectName(QStringLiteral("secretValue"));
    m_value->setEchoMode(QLineEdit::Password);
    m_value->setAccessibleName(tr("Secret value (write-only)"));
    m_value->setPlaceholderText(tr("the value; it is never shown again"));
    auto *valuePage = new QWidget(m_sourcePages);
    auto *valueRow = new QFormLayout(valuePage);
    valueRow->setContentsMargins(0, 0, 0, 0);
    valueRow->addRow(tr("&Value:"), m_value);

    m_command->setObjectName(QStringLiteral("secretCommand"));
    m_command->setPlaceholderText(QStringLiteral("pass show github/token"));
    m_command->setAccessibleName(tr("Command whose output is the value"));
    m_command->setToolTip(
        tr("Run on this computer with your environment (sh -c) when the value is needed; "
           "at most 30 s and 64 KiB. It runs once now and is saved only if it works."));
    m_ttl->setObjectName(QStringLiteral("secretTtl"));
    m_ttl->setRange(0, kMaxSecretTtlSeconds);
    m_ttl->setSuffix(tr(" s"));
    m_ttl->setSpecialValueText(tr("run each time"));
    m_ttl->setValue(300);
    m_ttl->setAccessibleName(tr("How long one output is reused"));
    auto *commandPage = new QWidget(m_sourcePages);
    auto *commandRow = new QFormLayout(commandPage);
    commandRow->setContentsMargins(0, 0, 0, 0);
    auto *commandLine = new QHBoxLayout;
    commandLine->addWidget(m_command, 1);
    commandLine->addWidget(new QLabel(tr("reuse for"), commandPage));
    commandLine->addWidget(m_ttl);
    commandRow->addRow(formLabel(tr("&Command:"), m_command), commandLine);
    m_sourcePages->addWidget(valuePage);
    m_sourcePages->addWidget(commandPage);

    m_save->setObjectName(QStringLiteral("saveSecret"));
    m_status->setObjectName(QStringLiteral("secretStatus"));
    m_status->setTextFormat(Qt::PlainText);
    connect(m_save, &QPushButton::clicked, this, &SecretForm::save);
    connect(m_value, &QLineEdit::returnPressed, this, &SecretForm::save);
    connect(m_command, &QLineEdit::returnPressed, this, &SecretForm::save);

    auto *nameRow = new QHBoxLayout;
    nameRow->addWidget(m_name, 1);
    nameRow->addWidget(new QLabel(tr("value from"), this));
    nameRow->addWidget(m_source);
    auto *saveRow = new QHBoxLayout;
    saveRow->addWidget(m_save);
    saveRow->addWidget(m_status, 1);
    auto *form = new QFormLayout(this);
    form->addRow(formLabel(tr("&Name:"), m_name), nameRow);
    form->addRow(m_sourcePages);
    form->addRow(saveRow);
}

void SecretForm::setSource(Source source)
{
    m_source->setCurrentIndex(source == Source::Value ? 0 : 1);
}

void SecretForm::editSecret(const SecretInfo &secret)
{
    m_name->setText(secret.name);
    setSource(secret.source == SecretSource::Stored ? Source::Value : Source::Command);
    if (secret.source == SecretSource::Command) {
        m_command->setText(secret.command);
        m_ttl->setValue(secret.ttlSeconds);
    }
    m_value->clear();
}

void SecretForm::save()
{
    const QString name = m_name->text().trimmed();
    m_problem.say({});
    if (m_source->currentIndex() == 0)
        saveValue(name);
    else
        saveCommand(name);
}

void SecretForm::saveValue(const QString &name)
{
    const QByteArray value = m_value->text().toUtf8();
    m_save->setEnabled(false);
    m_engine.callFor<SecretInfo>(
        this, [name, value](Engine &e) { return e.setSecret(name, value); },
        [this](Result<SecretInfo> r) {
            // Kept while refused (a bad name: fix it and save again without
            // retyping); gone the moment the engine has it.
            if (r) m_value->clear();
            finish(r, tr("Stored %1; its value cannot be shown, only replaced."));
        });
}

void SecretForm::saveCommand(const QString &name)
{
    const QString command = m_command->text().trimmed();
    const int ttl = m_ttl->value();
    m_save->setEnabled(false);
    m_status->setText(tr("Running the command once to check it…"));
    m_engine.callAsyncFor<SecretInfo>(
        this,
        [name, command, ttl](Engine &e, Callback<SecretInfo> done) {
            e.setSecretCommand(name, command, ttl, std::move(done));
        },
        [this](Result<SecretInfo> r) { finish(r, tr("%1 now comes from the command.")); });
}

void SecretForm::finish(const Result<SecretInfo> &r, const QString &what)
{
    m_save->setEnabled(true);
    if (!r) {
        m_status->clear();
        return m_problem.say(r.error().message);
    }
    m_status->setText(what.arg(r->name));
    Q_EMIT saved(*r);
}

} // namespace paddock::ui

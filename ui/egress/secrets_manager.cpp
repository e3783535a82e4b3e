#include "secrets_manager.h"

#include "plain_message_box.h"
#include "problem_label.h"
#include "secret_form.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QEvent>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace paddock::ui {

SecretsManager::SecretsManager(EngineBridge &engine, QWidget *parent)
    : QDialog(parent)
    , m_engine(engine)
{
    setObjectName(QStringLiteral("secretsManager"));
    setWindowTitle(tr("Secrets"));
    auto *intro
        = new QLabel(tr("Inspect rules inject these into sandboxes' requests as {{secret.NAME}}; "
                        "no sandbox ever holds one. "
                        "A value goes in and never comes back out: it can be replaced, not read."),
            this);
    intro->setWordWrap(true);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("secretList"));
    m_view->setAccessibleName(tr("Secrets"));
    m_view->setModel(&m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    // Short columns fit their text; a command line and a problem take what is left.
    for (int column : { SecretListModel::Name, SecretListModel::Ttl, SecretListModel::Updated,
             SecretListModel::Placeholder })
        m_view->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_view->setColumnWidth(SecretListModel::Source, 200);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &SecretsManager::selectionChanged);
    connect(&m_model, &QAbstractItemModel::modelReset, this, &SecretsManager::selectionChanged);

    m_problem = new ProblemLabel(this);
    m_problem->setObjectName(QStringLiteral("secretsProblem"));
    auto *set
        = new QGroupBox(tr("Set a secret (a new one, or replace the selected one's value)"), this);
    m_form = new SecretForm(m_engine, *m_problem, set);
    auto *setLayout = new QVBoxLayout(set);
    setLayout->addWidget(m_form);
    connect(m_form, &SecretForm::saved, this, [this](const SecretInfo &s) {
        m_pendingSelection = s.name;
        reload();
    });

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_view, 1);
    layout->addWidget(buildListTools());
    layout->addWidget(set);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(960, 540);
    reload();
}

QWidget *SecretsManager::buildListTools()
{
    auto *row = new QWidget(this);
    m_placeholderButton = new QPushButton(tr("Placeholder"), row);
    m_placeholderButton->setObjectName(QStringLiteral("showSecretPlaceholder"));
    m_placeholderButton->setToolTip(
        tr("A stand-in for the selected secret, for a tool in a sandbox that insists on a token. "
           "Worth nothing outside: the rule's injection replaces it. Made once, the same after."));
    m_remove = new QPushButton(tr("Remove"), row);
    m_remove->setObjectName(QStringLiteral("removeSecret"));
    m_remove->setAccessibleName(tr("Remove the selected secret"));
    m_placeholder = new QLineEdit(row);
    m_placeholder->setObjectName(QStringLiteral("secretPlaceholder"));
    m_placeholder->setReadOnly(true);
    m_placeholder->setAccessibleName(tr("The selected secret's placeholder"));
    m_placeholder->setPlaceholderText(tr("select a secret, then Placeholder"));
    m_copy = new QPushButton(tr("Copy"), row);
    m_copy->setAccessibleName(tr("Copy the placeholder"));
    connect(m_placeholderButton, &QPushButton::clicked, this,
        &SecretsManager::showPlaceholderOfSelected);
    connect(m_remove, &QPushButton::clicked, this, &SecretsManager::removeSelected);
    connect(m_copy, &QPushButton::clicked, this,
        [this] { QGuiApplication::clipboard()->setText(m_placeholder->text()); });
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_placeholderButton);
    layout->addWidget(m_placeholder, 1);
    layout->addWidget(m_copy);
    layout->addSpacing(24);
    layout->addWidget(m_remove);
    selectionChanged();
    return row;
}

bool SecretsManager::event(QEvent *event)
{
    // Secrets change from the CLI and the API too, and the engine does not
    // announce it: coming back to the window shows the list as it is now.
    if (event->type() == QEvent::WindowActivate) reload();
    return QDialog::event(event);
}

void SecretsManager::reload()
{
    m_engine.callFor<QList<SecretInfo>>(
        this, [](Engine &e) { return e.secrets(); },
        [this](Result<QList<SecretInfo>> r) {
            if (!r) {
                m_problem->say(tr("cannot list the secrets: %1").arg(r.error().message));
                return;
            }
            const QString keep = m_pendingSelection.isEmpty() ? selectedName() : m_pendingSelection;
            m_pendingSelection.clear();
            // The selection comes back, but the form keeps what is being typed.
            m_reloading = true;
            m_model.setSecrets(*r);
            selectSecret(keep);
            m_reloading = false;
            Q_EMIT reloaded();
        });
}

bool SecretsManager::selectSecret(const QString &name)
{
    const int row = m_model.rowOf(name);
    if (row < 0) return false;
    m_view->setCurrentIndex(m_model.index(row, SecretListModel::Name));
    return true;
}

QString SecretsManager::selectedName() const
{
    const SecretInfo *s = m_model.secretAt(m_view->currentIndex().row());
    return s ? s->name : QString();
}

void SecretsManager::selectionChanged()
{
    const SecretInfo *s = m_model.secretAt(m_view->currentIndex().row());
    m_placeholderButton->setEnabled(s);
    m_remove->setEnabled(s);
    m_placeholder->setText(s ? m_model.placeholder(s->name) : QString());
    m_copy->setEnabled(!m_placeholder->text().isEmpty());
    if (s && !m_reloading) m_form->editSecret(*s);
}

void SecretsManager::showPlaceholderOfSelected()
{
    const QString name = selectedName();
    if (name.isEmpty()) return;
    m_engine.callFor<QString>(
        this, [name](Engine &e) { return e.secretPlaceholder(name); },
        [this, name](Result<QString> r) {
            if (!r) return m_problem->say(r.error().message);
            m_problem->say({});
            m_model.setPlaceholder(name, *r);
            if (selectedName() == name) {
                m_placeholder->setText(*r);
                m_copy->setEnabled(true);
            }
            Q_EMIT placeholderShown(name);
        });
}

void SecretsManager::removeSelected()
{
    const QString name = selectedName();
    if (name.isEmpty()) return;
    if (!askPlain(this, tr("Remove secret"),
            tr("Remove secret %1? Its value is deleted, and requests whose rules inject it are "
               "refused until it is set again.")
                .arg(name)))
        return;
    removeSecret(name);
}

void SecretsManager::removeSecret(const QString &name)
{
    m_engine.callFor<void>(
        this, [name](Engine &e) { return e.removeSecret(name); },
        [this](Result<void> r) {
            m_problem->say(r ? QString() : r.error().message);
            reload();
        });
}

} // namespace paddock::ui

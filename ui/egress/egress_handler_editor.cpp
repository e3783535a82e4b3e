#include "egress_handler_editor.h"

#include "egress_handler_trial.h"
#include "egress_rule_lookup.h"
#include "form_label.h"
#include "problem_label.h"
#include "script_file_reader.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {

constexpr int kSecretNameRole = Qt::UserRole + 1;

const char kStarter[]
    = "// Runs on each request this rule inspects. Return the request (changed\n"
      "// or not), Paddock.respond(status, body, headers) or Paddock.deny(reason).\n"
      "function handle(request, secrets) {\n"
      "  return request;\n"
      "}\n";

// A URL the rule decides, so that the first try reaches the script.
QString sampleUrlFor(const EgressRule &rule)
{
    QString host = rule.pattern.startsWith(QLatin1String("*."))
        ? QStringLiteral("api.") + rule.pattern.mid(2)
        : rule.pattern;
    if (host.isEmpty() || host == QLatin1String("*")) host = QStringLiteral("api.example.com");
    const QString port
        = rule.port && rule.port != 443 ? u':' + QString::number(rule.port) : QString();
    const QString path = rule.path.isEmpty()
        ? QStringLiteral("/")
        : QString(rule.path).replace(u'*', QStringLiteral("x"));
    return QStringLiteral("https://") + host + port + path;
}

} // namespace

EgressHandlerEditor::EgressHandlerEditor(
    EngineBridge &engine, const QString &scope, const EgressRule &rule, QWidget *parent)
    : QDialog(parent)
    , m_engine(engine)
    , m_scope(scope)
    , m_rule(rule)
{
    setObjectName(QStringLiteral("egressHandlerEditor"));
    setWindowTitle(tr("Handler for %1").arg(describeEgressRule(rule)));
    m_trial = new EgressHandlerTrial(
        m_engine, [this] { return handler(); }, this);
    m_trial->setSampleUrl(sampleUrlFor(rule));
    if (!rule.method.isEmpty()) m_trial->methodBox()->setCurrentText(rule.method);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(buildScript());
    split->addWidget(m_trial);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    m_problem = new ProblemLabel(this);
    m_problem->setObjectName(QStringLiteral("egressHandlerProblem"));
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_remove = buttons->addButton(tr("Remove handler"), QDialogButtonBox::DestructiveRole);
    m_remove->setObjectName(QStringLiteral("removeEgressHandler"));
    m_remove->setEnabled(!rule.handler.isEmpty());
    m_save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("saveEgressHandler"));
    m_save->setToolTip(tr("Replace the rule's handler: new requests use it at once"));
    connect(buttons, &QDialogButtonBox::accepted, this, &EgressHandlerEditor::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_remove, &QPushButton::clicked, this, &EgressHandlerEditor::removeHandler);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addWidget(buttons);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(m_problem);
    layout->addLayout(bottom);
    resize(1000, 640);

    m_name->setText(rule.handler.isEmpty() ? QStringLiteral("handler.js") : rule.handler.name);
    m_source->setPlainText(
        rule.handler.isEmpty() ? QString::fromUtf8(kStarter) : rule.handler.source);
    listSecrets(rule.handler.secrets);
}

QWidget *EgressHandlerEditor::buildScript()
{
    auto *pane = new QWidget(this);
    m_name = new QLineEdit(pane);
    m_name->setObjectName(QStringLiteral("handlerName"));
    m_name->setAccessibleName(tr("Handler name"));
    m_name->setToolTip(tr("Shown in the rules table and the log"));
    auto *load = new QPushButton(tr("Load from file…"), pane);
    load->setObjectName(QStringLiteral("loadHandlerFile"));
    connect(load, &QPushButton::clicked, this, &EgressHandlerEditor::chooseFile);
    m_source = new QPlainTextEdit(pane);
    m_source->setObjectName(QStringLiteral("handlerSource"));
    m_source->setAccessibleName(tr("Handler script"));
    m_source->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_source->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_source->setTabStopDistance(QFontMetricsF(m_source->font()).horizontalAdvance(u' ') * 2);
    m_secretList = new QListView(pane);
    m_secretList->setObjectName(QStringLiteral("handlerSecrets"));
    m_secretList->setAccessibleName(tr("Secrets the handler is handed"));
    m_secretList->setModel(&m_secrets);
    m_secretList->setMaximumHeight(110);
    auto *secretsHint
        = new QLabel(tr("Handed to the script as secrets.NAME (checked ones only); "
                        "its output has their values masked in this window and the log."),
            pane);
    secretsHint->setWordWrap(true);
    auto *api = new QLabel(
        tr("request: {method, url, headers, body}; Paddock.hmacSha256, sha256, "
           "base64Encode/Decode; "
           "console.log. No files, processes, network or async; 2 s and 256 MiB per call."),
        pane);
    api->setWordWrap(true);

    auto *nameRow = new QHBoxLayout;
    nameRow->addWidget(m_name, 1);
    nameRow->addWidget(load);
    auto *layout = new QFormLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addRow(formLabel(tr("&Name:"), m_name), nameRow);
    layout->addRow(api);
    layout->addRow(m_source);
    layout->addRow(tr("&Secrets:"), m_secretList);
    layout->addRow(secretsHint);
    return pane;
}

EgressHandler EgressHandlerEditor::handler() const
{
    EgressHandler h;
    h.name = m_name->text().trimmed();
    h.source = m_source->toPlainText();
    for (int row = 0; row < m_secrets.rowCount(); ++row)
        if (m_secrets.item(row)->checkState() == Qt::Checked)
            h.secrets << m_secrets.item(row)->data(kSecretNameRole).toString();
    return h;
}

void EgressHandlerEditor::listSecrets(const QStringList &handed)
{
    m_engine.callFor<QList<SecretInfo>>(
        this, [](Engine &e) { return e.secrets(); },
        [this, handed](Result<QList<SecretInfo>> known) {
            if (!known)
                m_problem->say(tr("cannot list the secrets: %1").arg(known.error().message));
            showSecrets(known.value_or(QList<SecretInfo>()), handed);
            Q_EMIT secretsListed();
        });
}

void EgressHandlerEditor::showSecrets(const QList<SecretInfo> &known, const QStringList &handed)
{
    QStringList names;
    for (const SecretInfo &s : known)
        names << s.name;
    m_secrets.clear();
    const auto add = [this](const QString &name, bool checked, const QString &note) {
        auto *item = new QStandardItem(note.isEmpty() ? name : tr("%1 — %2").arg(name, note));
        item->setData(name, kSecretNameRole);
        item->setCheckable(true);
        item->setEditable(false);
        item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
        m_secrets.appendRow(item);
    };
    for (const QString &name : names)
        add(name, handed.contains(name), {});
    // Named by the handler but gone from the store: still shown, so saving
    // does not silently drop it (the trial will say it cannot be had).
    for (const QString &name : handed)
        if (!names.contains(name)) add(name, true, tr("not set"));
    if (m_secrets.rowCount() == 0)
        m_secretList->setToolTip(tr("No secrets yet: add them with Secrets… on the Egress tab"));
}

bool EgressHandlerEditor::chooseSecret(const QString &name, bool handed)
{
    for (int row = 0; row < m_secrets.rowCount(); ++row)
        if (m_secrets.item(row)->data(kSecretNameRole).toString() == name) {
            m_secrets.item(row)->setCheckState(handed ? Qt::Checked : Qt::Unchecked);
            return true;
        }
    return false;
}

void EgressHandlerEditor::chooseFile()
{
    // open(), not exec(): no nested event loop while the person browses.
    auto *dialog = new QFileDialog(
        this, tr("Load a handler script"), QString(), tr("JavaScript (*.js *.mjs);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &EgressHandlerEditor::loadFile);
    dialog->open();
}

void EgressHandlerEditor::loadFile(const QString &path)
{
    readScriptFile(path, this, [this, path](Result<QString> text) {
        if (!text) {
            m_problem->say(text.error().message);
        } else {
            m_problem->say({});
            m_source->setPlainText(*text);
            m_name->setText(QFileInfo(path).fileName());
            m_status->setText(tr("Loaded %1; not saved yet").arg(path));
        }
        Q_EMIT fileLoaded(path);
    });
}

void EgressHandlerEditor::save()
{
    write(handler(), {});
}

void EgressHandlerEditor::removeHandler()
{
    write(EgressHandler {}, tr("The rule has no handler now; Save gives it this script again."));
}

// Only the handler changes: the rest of the rule as the engine holds it now.
void EgressHandlerEditor::write(const EgressHandler &handler, const QString &done)
{
    const QString scope = m_scope;
    const qint64 id = m_rule.id;
    const bool removable = m_remove->isEnabled();
    m_save->setEnabled(false);
    m_remove->setEnabled(false);
    m_problem->say({});
    m_engine.callFor<EgressRule>(
        this,
        [scope, id, handler](Engine &e) -> Result<EgressRule> {
            auto current = findEgressRule(e, scope, id);
            if (!current) return current;
            current->handler = handler;
            return e.updateEgressRule(scope, *current);
        },
        [this, done, removable](Result<EgressRule> r) {
            m_save->setEnabled(true);
            if (!r) {
                m_remove->setEnabled(removable);
                return m_problem->say(r.error().message);
            }
            m_remove->setEnabled(!r->handler.isEmpty());
            Q_EMIT saved(*r);
            if (done.isEmpty()) return accept();
            m_status->setText(done);
        });
}

} // namespace paddock::ui

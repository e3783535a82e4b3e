#include "egress_rule_dialog.h"

#include "egress_handler_editor.h"
#include "egress_injection_editor.h"
#include "egress_rule_lookup.h"
#include "egress_rule_model.h"
#include "form_label.h"
#include "problem_label.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace paddock::ui {

EgressRuleDialog::EgressRuleDialog(
    EngineBridge &engine, const QString &scope, const EgressRule &rule, QWidget *parent)
    : QDialog(parent)
    , m_engine(engine)
    , m_scope(scope)
    , m_rule(rule)
{
    setObjectName(QStringLiteral("egressRuleDialog"));
    setWindowTitle(rule.id ? tr("Edit egress rule") : tr("New egress rule"));
    auto *whose = new QLabel(scope.isEmpty()
            ? tr("A global default: it applies to every sandbox, after the sandbox's own rules.")
            : tr("A rule of this sandbox; the first rule that matches decides."),
        this);
    whose->setWordWrap(true);
    auto *credentials = new QGroupBox(tr("Credentials (inspect rules)"), this);
    m_injections = new EgressInjectionEditor(credentials);
    auto *credentialsLayout = new QVBoxLayout(credentials);
    credentialsLayout->addWidget(m_injections, 1);
    credentialsLayout->addWidget(buildHandlerRow());
    m_problem = new ProblemLabel(this);
    m_problem->setObjectName(QStringLiteral("egressRuleProblem"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_save
        = buttons->addButton(rule.id ? tr("Save") : tr("Add rule"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("saveEgressRule"));
    m_save->setDefault(true);
    // Accepted only once the engine holds the rule: Save asks, the answer closes.
    connect(buttons, &QDialogButtonBox::accepted, this, &EgressRuleDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(whose);
    layout->addWidget(buildFields());
    layout->addWidget(credentials, 1);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(640, 520);
    showRule(rule);
}

QWidget *EgressRuleDialog::buildFields()
{
    auto *fields = new QWidget(this);
    m_action = new QComboBox(fields);
    for (EgressAction a :
        { EgressAction::Allow, EgressAction::Deny, EgressAction::Ask, EgressAction::Inspect })
        m_action->addItem(egressActionName(a));
    m_action->setAccessibleName(tr("Action"));
    m_action->setToolTip(
        tr("inspect: Paddock reads each HTTPS request (its TLS terminated with Paddock's own CA), "
           "decides it by method and path, and injects the credentials below"));
    m_pattern = new QLineEdit(fields);
    m_pattern->setObjectName(QStringLiteral("egressRulePattern"));
    m_pattern->setPlaceholderText(
        tr("api.example.com or *.example.com (a rule that injects must name its host)"));
    m_pattern->setAccessibleName(tr("Destination"));
    m_port = new QSpinBox(fields);
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any port"));
    m_port->setAccessibleName(tr("Port"));
    m_method = new QLineEdit(fields);
    m_method->setPlaceholderText(tr("any method"));
    m_method->setAccessibleName(tr("HTTP method"));
    m_path = new QLineEdit(fields);
    m_path->setPlaceholderText(tr("any path, or /repos/* ('*' matches any run of characters)"));
    m_path->setAccessibleName(tr("HTTP path"));
    m_reason = new QLineEdit(fields);
    m_reason->setObjectName(QStringLiteral("egressRuleReason"));
    m_reason->setPlaceholderText(tr("optional; shown to the program when the rule denies"));
    m_reason->setAccessibleName(tr("Reason"));

    auto *where = new QHBoxLayout;
    where->addWidget(m_pattern, 1);
    where->addWidget(m_port);
    auto *request = new QHBoxLayout;
    request->addWidget(m_method);
    request->addWidget(m_path, 2);
    auto *form = new QFormLayout(fields);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("&Action:"), m_action);
    form->addRow(formLabel(tr("&Destination:"), m_pattern), where);
    form->addRow(formLabel(tr("HTTP &request:"), m_method), request);
    form->addRow(tr("&Reason:"), m_reason);
    return fields;
}

QWidget *EgressRuleDialog::buildHandlerRow()
{
    auto *row = new QWidget(this);
    m_handler = new QLabel(row);
    m_handler->setObjectName(QStringLiteral("egressRuleHandler"));
    m_handler->setTextFormat(Qt::PlainText);
    m_handlerButton = new QPushButton(tr("Edit handler…"), row);
    m_handlerButton->setObjectName(QStringLiteral("editEgressHandler"));
    m_handlerButton->setAccessibleName(tr("Edit the rule's JavaScript handler"));
    connect(m_handlerButton, &QPushButton::clicked, this, &EgressRuleDialog::editHandler);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("JavaScript handler:"), row));
    layout->addWidget(m_handler, 1);
    layout->addWidget(m_handlerButton);
    return row;
}

void EgressRuleDialog::showRule(const EgressRule &rule)
{
    m_action->setCurrentText(egressActionName(rule.action));
    m_pattern->setText(rule.pattern);
    m_port->setValue(rule.port);
    m_method->setText(rule.method);
    m_path->setText(rule.path);
    m_reason->setText(rule.reason);
    m_injections->model().setInjections(rule.inject);
    showHandler();
}

void EgressRuleDialog::showHandler()
{
    m_handler->setText(EgressRuleModel::handlerText(m_rule.handler));
    // The handler editor saves into a rule the engine holds.
    m_handlerButton->setEnabled(m_rule.id != 0);
    m_handlerButton->setToolTip(
        m_rule.id ? QString() : tr("Add the rule first; then give it a handler"));
}

EgressRule EgressRuleDialog::editedRule() const
{
    EgressRule rule = m_rule;
    rule.action = egressActionFromName(m_action->currentText()).value_or(EgressAction::Deny);
    rule.pattern = m_pattern->text();
    rule.port = quint16(m_port->value());
    rule.method = m_method->text();
    rule.path = m_path->text();
    rule.reason = m_reason->text();
    rule.inject = m_injections->model().injections();
    return rule;
}

void EgressRuleDialog::save()
{
    const EgressRule edited = editedRule();
    const QString scope = m_scope;
    m_save->setEnabled(false);
    m_problem->say({});
    m_engine.callFor<EgressRule>(
        this,
        [scope, edited](Engine &e) -> Result<EgressRule> {
            if (!edited.id) return e.addEgressRule(scope, edited);
            auto current = findEgressRule(e, scope, edited.id);
            if (!current) return current;
            EgressRule updated = edited;
            updated.handler = current->handler; // the handler editor's to change
            return e.updateEgressRule(scope, updated);
        },
        [this](Result<EgressRule> r) {
            m_save->setEnabled(true);
            if (!r) return m_problem->say(r.error().message);
            m_rule = *r;
            Q_EMIT saved(*r);
            accept();
        });
}

void EgressRuleDialog::editHandler()
{
    if (!m_rule.id) return;
    auto *editor = new EgressHandlerEditor(m_engine, m_scope, m_rule, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &EgressHandlerEditor::saved, this, [this](const EgressRule &rule) {
        m_rule.handler = rule.handler;
        showHandler();
    });
    editor->open();
}

} // namespace paddock::ui

// The Egress tab's editors: the rule editor (every field, and an inspect
// rule's injections), the handler editor and the secrets manager. Each is
// a dialog opened with open() or show(), never exec(): the tab and the
// engine go on while a person edits, and each dialog talks to the engine
// itself.
#include "egress_page.h"

#include "egress/egress_handler_editor.h"
#include "egress/egress_rule_dialog.h"
#include "egress/secrets_manager.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>

namespace paddock::ui {

QWidget *EgressPage::buildRuleButtons(QWidget *parent)
{
    auto *row = new QWidget(parent);
    m_editRule = new QPushButton(tr("Edit…"), row);
    m_editRule->setObjectName(QStringLiteral("editEgressRule"));
    m_editRule->setToolTip(
        tr("Every field of the selected rule, and what an inspect rule injects"));
    m_editRule->setAccessibleName(tr("Edit the selected rule"));
    m_editHandler = new QPushButton(tr("Handler…"), row);
    m_editHandler->setObjectName(QStringLiteral("editEgressRuleHandler"));
    m_editHandler->setToolTip(tr("The JavaScript the selected inspect rule runs on each request"));
    m_editHandler->setAccessibleName(tr("Edit the selected rule's handler"));
    connect(m_editRule, &QPushButton::clicked, this, &EgressPage::editSelectedRule);
    connect(m_editHandler, &QPushButton::clicked, this, &EgressPage::editSelectedHandler);
    // The summary column is not edited in place: double-clicking it opens
    // the editor that changes what it sums up.
    connect(m_ruleView, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.column() == EgressRuleModel::Credentials) editSelectedRule();
    });
    connect(m_ruleView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &EgressPage::updateRuleButtons);
    connect(&m_rules, &QAbstractItemModel::modelReset, this, &EgressPage::updateRuleButtons);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_editRule);
    layout->addWidget(m_editHandler);
    updateRuleButtons();
    return row;
}

void EgressPage::updateRuleButtons()
{
    const EgressRule *rule = m_rules.ruleAt(m_ruleView->currentIndex().row());
    m_editRule->setEnabled(rule);
    // Only a rule that reads requests can run a script on them (an allow
    // rule given one becomes an inspect rule).
    m_editHandler->setEnabled(
        rule && (rule->action == EgressAction::Inspect || rule->action == EgressAction::Allow));
}

EgressRuleDialog *EgressPage::openRuleDialog(const EgressRule &rule)
{
    // Over the window, not the tab: the tab is disabled when no sandbox is
    // selected, and would take an open dialog (its Cancel too) with it.
    auto *dialog = new EgressRuleDialog(m_engine, ruleScope(), rule, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

EgressRuleDialog *EgressPage::editSelectedRule()
{
    const EgressRule *rule = m_rules.ruleAt(m_ruleView->currentIndex().row());
    return rule ? openRuleDialog(*rule) : nullptr;
}

EgressRuleDialog *EgressPage::newRuleFromForm()
{
    EgressRule rule;
    rule.action = egressActionFromName(m_action->currentText()).value_or(EgressAction::Allow);
    rule.pattern = m_pattern->text().trimmed().toLower();
    rule.port = quint16(m_port->value());
    rule.reason = m_reason->text().trimmed();
    EgressRuleDialog *dialog = openRuleDialog(rule);
    connect(dialog, &EgressRuleDialog::saved, this, [this] {
        m_pattern->clear();
        m_reason->clear();
    });
    return dialog;
}

EgressHandlerEditor *EgressPage::editSelectedHandler()
{
    const EgressRule *rule = m_rules.ruleAt(m_ruleView->currentIndex().row());
    if (!rule) return nullptr;
    auto *editor = new EgressHandlerEditor(m_engine, ruleScope(), *rule, window());
    editor->setAttribute(Qt::WA_DeleteOnClose);
    editor->open();
    return editor;
}

SecretsManager *EgressPage::openSecrets()
{
    // Not modal: a person may want the rules and the log beside it.
    if (!m_secretsManager) {
        m_secretsManager = new SecretsManager(m_engine, window());
        m_secretsManager->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_secretsManager->show();
    m_secretsManager->raise();
    m_secretsManager->activateWindow();
    return m_secretsManager;
}

} // namespace paddock::ui

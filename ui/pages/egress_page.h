// The Egress tab: questions waiting for an answer, the sandbox's rules
// (edited in place, reordered by drag, added from a form or a preset; an
// inspect rule's credentials and handler in editors of their own), the
// secrets manager, and its live decision log with filters and "allow this
// domain".
#pragma once

#include "egress/egress_log_filter.h"
#include "egress/egress_log_model.h"
#include "egress/egress_presets.h"
#include "egress/egress_rule_model.h"
#include "engine_bridge.h"
#include "sandbox_page.h"

#include <QPointer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace paddock::ui {

class EgressHandlerEditor;
class EgressLogDetails;
class EgressQuestionModel;
class EgressRuleDialog;
class ProblemLabel;
class SecretsManager;

class EgressPage : public SandboxPage {
    Q_OBJECT
public:
    EgressPage(EngineBridge &engine, EgressQuestionModel &questions, QWidget *parent = nullptr);
    QString title() const override { return tr("Egress"); }
    void showSandbox(const std::optional<SandboxInfo> &sandbox) override;

    // For tests and keyboard users: the pieces of the page.
    EgressRuleModel &rules() { return m_rules; }
    EgressLogModel &log() { return m_log; }
    EgressLogFilter &logFilter() { return m_logFilter; }
    QTableView *logView() const { return m_logView; }
    EgressLogDetails *logDetails() const { return m_logDetails; }
    QLabel *problem() const;
    void addRuleFromForm();
    void addPreset(int index);
    void allowSelectedLogDomain();
    void removeSelectedRule();
    // Edit the global defaults instead of the shown sandbox's own rules.
    void showGlobalRules(bool global);
    QTableView *ruleView() const { return m_ruleView; }

    // The editors (egress_page_credentials.cpp), opened over the window
    // without waiting on them; each returns its dialog (null when there is
    // nothing selected to edit).
    EgressRuleDialog *editSelectedRule();
    EgressRuleDialog *newRuleFromForm(); // every field, starting from the form's
    EgressHandlerEditor *editSelectedHandler();
    SecretsManager *openSecrets(); // one window, raised when already open

private:
    QWidget *buildQuestions(EgressQuestionModel &questions);
    QWidget *buildRules();
    QWidget *buildLog();
    QWidget *buildRuleButtons(QWidget *parent);
    EgressRuleDialog *openRuleDialog(const EgressRule &rule);
    void updateRuleButtons();
    void reloadRules();
    void reloadSettings();
    QString ruleScope() const { return m_editGlobal ? QString() : m_sandboxId; }
    void addRules(const QList<EgressRule> &rules);
    void say(const QString &problem);

    EngineBridge &m_engine;
    QString m_sandboxId;
    int m_generation = 0;
    EgressRuleModel m_rules;
    EgressLogModel m_log;
    EgressLogFilter m_logFilter;
    EgressPresets m_presets;
    QTableView *m_ruleView = nullptr;
    QTableView *m_logView = nullptr;
    EgressLogDetails *m_logDetails = nullptr;
    QCheckBox *m_askUnlisted = nullptr;
    QComboBox *m_action = nullptr;
    QLineEdit *m_pattern = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_reason = nullptr;
    QComboBox *m_presetBox = nullptr;
    QComboBox *m_scopeBox = nullptr;
    bool m_editGlobal = false;
    QPushButton *m_editRule = nullptr;
    QPushButton *m_editHandler = nullptr;
    QPointer<SecretsManager> m_secretsManager;
    ProblemLabel *m_problem = nullptr;
};

} // namespace paddock::ui

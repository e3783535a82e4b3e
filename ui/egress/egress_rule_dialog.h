// The rule editor: every field of one egress rule — action, destination,
// port, HTTP method and path, reason — and, for inspect rules, the
// headers and query parameters it injects and the handler it runs. Saving
// sends the rule to the engine, which validates it: the dialog closes once
// the engine holds the rule, and otherwise shows the engine's reason and
// stays open with everything as typed.
#pragma once

#include "engine_bridge.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace paddock::ui {

class EgressInjectionEditor;
class ProblemLabel;

class EgressRuleDialog : public QDialog {
    Q_OBJECT
public:
    // `scope`: a sandbox ID, or empty for the global defaults. A rule with
    // id 0 is new, and is added at the end of that list.
    EgressRuleDialog(EngineBridge &engine, const QString &scope, const EgressRule &rule,
        QWidget *parent = nullptr);

    // The rule as the form reads now (its handler as last saved).
    EgressRule editedRule() const;
    EgressInjectionEditor *injections() const { return m_injections; }
    ProblemLabel *problem() const { return m_problem; }
    QPushButton *saveButton() const { return m_save; }
    QPushButton *handlerButton() const { return m_handlerButton; }
    QComboBox *actionBox() const { return m_action; }
    QLineEdit *patternEdit() const { return m_pattern; }

    void save();
    void editHandler(); // opens the handler editor over this dialog

Q_SIGNALS:
    void saved(const paddock::EgressRule &rule);

private:
    QWidget *buildFields();
    QWidget *buildHandlerRow();
    void showRule(const EgressRule &rule);
    void showHandler();

    EngineBridge &m_engine;
    const QString m_scope;
    EgressRule m_rule; // as the engine last had it (id 0 until added)
    QComboBox *m_action = nullptr;
    QLineEdit *m_pattern = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_method = nullptr;
    QLineEdit *m_path = nullptr;
    QLineEdit *m_reason = nullptr;
    EgressInjectionEditor *m_injections = nullptr;
    QLabel *m_handler = nullptr;
    QPushButton *m_handlerButton = nullptr;
    ProblemLabel *m_problem = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace paddock::ui

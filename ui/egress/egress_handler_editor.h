// The handler editor: the JavaScript an inspect rule runs on each request
// (`handle(request, secrets)`), the secrets it is handed, and a panel to
// try it on a sample request before saving. Saving replaces the rule's
// handler in the engine (which validates it) and nothing else of the rule;
// new requests use it at once, open connections are not dropped.
#pragma once

#include "engine_bridge.h"

#include <QDialog>
#include <QStandardItemModel>

class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;

namespace paddock::ui {

class EgressHandlerTrial;
class ProblemLabel;

class EgressHandlerEditor : public QDialog {
    Q_OBJECT
public:
    // `rule` as the engine holds it (it has an id); `scope` as for its rules.
    EgressHandlerEditor(EngineBridge &engine, const QString &scope, const EgressRule &rule,
        QWidget *parent = nullptr);

    // The handler as the editor holds it now.
    EgressHandler handler() const;
    QLineEdit *nameEdit() const { return m_name; }
    QPlainTextEdit *sourceEdit() const { return m_source; }
    QStandardItemModel &secretChoices() { return m_secrets; }
    EgressHandlerTrial *trial() const { return m_trial; }
    ProblemLabel *problem() const { return m_problem; }
    QPushButton *saveButton() const { return m_save; }

    // Checks or unchecks a secret by name (for tests and keyboard users).
    bool chooseSecret(const QString &name, bool handed);
    // Replaces the source with a file's (read off the UI thread) and names
    // the handler after it.
    void loadFile(const QString &path);
    void save();
    void removeHandler(); // the rule keeps running, without a script

Q_SIGNALS:
    void saved(const paddock::EgressRule &rule);
    void secretsListed(); // the secret choices are filled in
    void fileLoaded(const QString &path); // or failed: the problem says so

private:
    QWidget *buildScript();
    void listSecrets(const QStringList &handed);
    void showSecrets(const QList<SecretInfo> &known, const QStringList &handed);
    void chooseFile();
    void write(const EgressHandler &handler, const QString &done);

    EngineBridge &m_engine;
    const QString m_scope;
    const EgressRule m_rule;
    QLineEdit *m_name = nullptr;
    QPlainTextEdit *m_source = nullptr;
    QStandardItemModel m_secrets;
    QListView *m_secretList = nullptr;
    EgressHandlerTrial *m_trial = nullptr;
    ProblemLabel *m_problem = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_remove = nullptr;
};

} // namespace paddock::ui

// The secrets manager: the engine's secret store — every name, where its
// value comes from, for how long a command's output is reused, what is
// wrong with it — with a form to set a value (write-only) or a command,
// removal, and placeholders for tools that insist on holding a token.
// Secrets are the workstation's, not a sandbox's: one list for all.
#pragma once

#include "engine_bridge.h"
#include "secret_list_model.h"

#include <QDialog>

class QLineEdit;
class QPushButton;
class QTableView;

namespace paddock::ui {

class ProblemLabel;
class SecretForm;

class SecretsManager : public QDialog {
    Q_OBJECT
public:
    explicit SecretsManager(EngineBridge &engine, QWidget *parent = nullptr);

    SecretListModel &secrets() { return m_model; }
    QTableView *view() const { return m_view; }
    SecretForm *form() const { return m_form; }
    ProblemLabel *problem() const { return m_problem; }
    QLineEdit *placeholderEdit() const { return m_placeholder; }

    void reload(); // the list as the engine has it now (changed elsewhere too)
    bool selectSecret(const QString &name);
    void showPlaceholderOfSelected(); // makes one the first time
    void removeSelected(); // asks first
    void removeSecret(const QString &name);

Q_SIGNALS:
    void reloaded();
    void placeholderShown(const QString &name);

protected:
    bool event(QEvent *event) override;

private:
    QWidget *buildListTools();
    QString selectedName() const;
    void selectionChanged();

    EngineBridge &m_engine;
    SecretListModel m_model;
    QTableView *m_view = nullptr;
    SecretForm *m_form = nullptr;
    ProblemLabel *m_problem = nullptr;
    QLineEdit *m_placeholder = nullptr;
    QPushButton *m_placeholderButton = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_remove = nullptr;
    QString m_pendingSelection; // selected once the reload that lists it arrives
    bool m_reloading = false;
};

} // namespace paddock::ui

// "Set a secret": a name, and either a value typed into a password field —
// sent to the engine once, then cleared; never shown, never read back — or
// a host command whose output is the value at use time (a password
// manager: `pass show api`), reused for a TTL.
#pragma once

#include "engine_bridge.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace paddock::ui {

class ProblemLabel;

class SecretForm : public QWidget {
    Q_OBJECT
public:
    enum class Source { Value, Command };

    SecretForm(EngineBridge &engine, ProblemLabel &problem, QWidget *parent = nullptr);

    // Prepares the form to replace an existing secret (its value is not
    // loaded: there is no way to read it).
    void editSecret(const SecretInfo &secret);
    void setSource(Source source);
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *valueEdit() const { return m_value; }
    QLineEdit *commandEdit() const { return m_command; }
    QSpinBox *ttlBox() const { return m_ttl; }
    QPushButton *saveButton() const { return m_save; }
    QLabel *status() const { return m_status; }

    void save();

Q_SIGNALS:
    void saved(const paddock::SecretInfo &secret);

private:
    void saveValue(const QString &name);
    void saveCommand(const QString &name);
    void finish(const Result<SecretInfo> &r, const QString &what);

    EngineBridge &m_engine;
    ProblemLabel &m_problem;
    QLineEdit *m_name;
    QComboBox *m_source;
    QStackedWidget *m_sourcePages;
    QLineEdit *m_value;
    QLineEdit *m_command;
    QSpinBox *m_ttl;
    QPushButton *m_save;
    QLabel *m_status;
};

} // namespace paddock::ui

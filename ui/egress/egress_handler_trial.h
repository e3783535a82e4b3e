// "Try against a sample request": the handler being edited runs on a
// request the person describes (method, URL, headers, body) exactly as the
// gate would run it, with the real secrets it names, and the panel shows
// what would happen — sent upstream (and how), answered locally, denied,
// or an error — and what the script logged. The engine masks secret values
// in its report ({{secret.NAME}}); nothing here ever sees one.
#pragma once

#include "engine_bridge.h"

#include <QGroupBox>
#include <QJsonObject>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace paddock::ui {

// A sample as Engine::tryEgressHandler takes it. `headers` is one
// "Name: value" per line; the error names a line that is not.
Result<QJsonObject> handlerTrialSample(
    const QString &method, const QString &url, const QString &headers, const QString &body);
// The engine's report (egress/handler/handler_trial.h) as text for a person.
QString describeHandlerTrial(const QJsonObject &report);

class EgressHandlerTrial : public QGroupBox {
    Q_OBJECT
public:
    // `handler` gives the handler as the editor holds it at the moment of a try.
    EgressHandlerTrial(
        EngineBridge &engine, std::function<EgressHandler()> handler, QWidget *parent = nullptr);

    void setSampleUrl(const QString &url);
    QComboBox *methodBox() const { return m_method; }
    QLineEdit *urlEdit() const { return m_url; }
    QPlainTextEdit *headersEdit() const { return m_headers; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QPushButton *tryButton() const { return m_try; }
    QLabel *outcomeLabel() const { return m_outcome; }
    QPlainTextEdit *resultView() const { return m_result; }
    QString lastOutcome() const
    {
        return m_lastOutcome;
    } // "send", "respond", "deny", "error"; "" before any

    void tryIt();

Q_SIGNALS:
    void tried(const QString &outcome);

private:
    void showReport(const QJsonObject &report);
    void showFailure(const QString &message);

    EngineBridge &m_engine;
    std::function<EgressHandler()> m_handler;
    QComboBox *m_method;
    QLineEdit *m_url;
    QPlainTextEdit *m_headers;
    QPlainTextEdit *m_body;
    QPushButton *m_try;
    QLabel *m_outcome;
    QPlainTextEdit *m_result;
    QString m_lastOutcome;
    int m_generation = 0; // a slow answer to an earlier try never replaces a later one's
};

} // namespace paddock::ui

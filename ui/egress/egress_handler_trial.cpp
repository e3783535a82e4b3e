#include "egress_handler_trial.h"
#include "form_label.h"

#include "paddock/display_text.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {

QString tr(const char *text)
{
    return EgressHandlerTrial::tr(text);
}

// The script's output is shown as text to read, never acted on: each line
// escaped as a sandbox's would be (the sample may be pasted from anywhere).
QString shown(const QString &text)
{
    QStringList lines = text.split(u'\n');
    for (QString &line : lines)
        line = displayText(line);
    return lines.join(u'\n');
}

void addFields(QStringList &out, const QJsonArray &fields)
{
    for (const QJsonValue &f : fields)
        out << displayText(f.toArray().at(0).toString()) + QStringLiteral(": ")
                + displayText(f.toArray().at(1).toString());
}

void addBody(QStringList &out, const QJsonObject &message)
{
    if (message.contains(QStringLiteral("bodyBase64"))) {
        // Not shown: the engine masks secret values in text only, and bytes
        // a secret was mixed into are not text.
        const qsizetype size = QByteArray::fromBase64(
            message.value(QStringLiteral("bodyBase64")).toString().toLatin1())
                                   .size();
        out << QString() << tr("(a body of %1 bytes that is not UTF-8 text: not shown)").arg(size);
        return;
    }
    const QString body = message.value(QStringLiteral("body")).toString();
    if (!body.isEmpty()) out << QString() << shown(body);
}

struct OutcomeLook {
    QString text;
    QString colour;
};

OutcomeLook outcomeLook(const QJsonObject &report)
{
    const QString outcome = report.value(QStringLiteral("outcome")).toString();
    if (outcome == QLatin1String("send"))
        return { tr("Sent upstream as below"), QStringLiteral("#2e7d32") };
    if (outcome == QLatin1String("respond"))
        return { tr("Answered by the handler (not sent upstream)"), QStringLiteral("#1565c0") };
    if (outcome == QLatin1String("deny"))
        return { tr("Denied: the sandbox gets a 403"), QStringLiteral("#b03030") };
    return { tr("The handler failed: the request is denied"), QStringLiteral("#b03030") };
}

} // namespace

Result<QJsonObject> handlerTrialSample(
    const QString &method, const QString &url, const QString &headers, const QString &body)
{
    QJsonArray pairs;
    const QStringList lines = headers.split(u'\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QString line = lines[n].trimmed();
        if (line.isEmpty()) continue;
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0)
            return fail(ErrorCode::InvalidArgument,
                tr("header line %1 is not “Name: value”: %2")
                    .arg(n + 1)
                    .arg(displayText(line.left(80))));
        pairs.append(QJsonArray { line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    QJsonObject sample { { QStringLiteral("method"), method.trimmed().toUpper() },
        { QStringLiteral("url"), url.trimmed() }, { QStringLiteral("headers"), pairs } };
    if (!body.isEmpty()) sample.insert(QStringLiteral("body"), body);
    return sample;
}

QString describeHandlerTrial(const QJsonObject &report)
{
    const QString outcome = report.value(QStringLiteral("outcome")).toString();
    QStringList out;
    if (outcome == QLatin1String("send")) {
        const QJsonObject request = report.value(QStringLiteral("request")).toObject();
        out << displayText(request.value(QStringLiteral("method")).toString()) + u' '
                + displayText(request.value(QStringLiteral("url")).toString());
        addFields(out, request.value(QStringLiteral("headers")).toArray());
        addBody(out, request);
    } else if (outcome == QLatin1String("respond")) {
        const QJsonObject response = report.value(QStringLiteral("response")).toObject();
        out << tr("Status %1").arg(response.value(QStringLiteral("status")).toInt());
        addFields(out, response.value(QStringLiteral("headers")).toArray());
        addBody(out, response);
    } else if (outcome == QLatin1String("deny")) {
        out << tr("Reason: %1").arg(shown(report.value(QStringLiteral("reason")).toString()));
    } else {
        out << shown(report.value(QStringLiteral("error")).toString());
    }
    const QJsonArray logs = report.value(QStringLiteral("logs")).toArray();
    out << QString() << (logs.isEmpty() ? tr("— console: nothing logged —") : tr("— console —"));
    for (const QJsonValue &line : logs)
        out << shown(line.toString());
    return out.join(u'\n');
}

EgressHandlerTrial::EgressHandlerTrial(
    EngineBridge &engine, std::function<EgressHandler()> handler, QWidget *parent)
    : QGroupBox(tr("Try against a sample request"), parent)
    , m_engine(engine)
    , m_handler(std::move(handler))
    , m_method(new QComboBox(this))
    , m_url(new QLineEdit(this))
    , m_headers(new QPlainTextEdit(this))
    , m_body(new QPlainTextEdit(this))
    , m_try(new QPushButton(tr("Try"), this))
    , m_outcome(new QLabel(this))
    , m_result(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("egressHandlerTrial"));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_method->setEditable(true); // any token the gate accepts, not only these
    m_method->addItems({ QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
        QStringLiteral("PATCH"), QStringLiteral("DELETE"), QStringLiteral("HEAD") });
    m_method->setAccessibleName(tr("Sample request's method"));
    m_url->setObjectName(QStringLiteral("trialUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://api.example.com/path?query"));
    m_url->setAccessibleName(tr("Sample request's URL"));
    m_headers->setObjectName(QStringLiteral("trialHeaders"));
    m_headers->setPlaceholderText(tr("Content-Type: application/json\n(one “Name: value” a line)"));
    m_headers->setAccessibleName(tr("Sample request's headers"));
    m_body->setObjectName(QStringLiteral("trialBody"));
    m_body->setPlaceholderText(tr("body (optional)"));
    m_body->setAccessibleName(tr("Sample request's body"));
    for (QPlainTextEdit *edit : { m_headers, m_body }) {
        edit->setFont(mono);
        edit->setTabChangesFocus(true);
        edit->setMaximumHeight(90);
    }
    m_try->setObjectName(QStringLiteral("tryEgressHandler"));
    m_try->setAccessibleName(tr("Run the handler on the sample request"));
    m_outcome->setObjectName(QStringLiteral("trialOutcome"));
    m_outcome->setTextFormat(Qt::PlainText);
    m_outcome->setWordWrap(true);
    m_result->setObjectName(QStringLiteral("trialResult"));
    m_result->setReadOnly(true);
    m_result->setFont(mono);
    m_result->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_result->setAccessibleName(tr("What the handler would do"));
    m_result->setPlaceholderText(tr(
        "The request as it would be sent, the answer or the refusal, and what the script logged"));
    connect(m_try, &QPushButton::clicked, this, &EgressHandlerTrial::tryIt);
    // Return in a field of the editor tries the script: the dialog's
    // default button, so Return never saves (and closes) by surprise.
    m_try->setDefault(true);

    auto *requestLine = new QHBoxLayout;
    requestLine->addWidget(m_method);
    requestLine->addWidget(m_url, 1);
    auto *form = new QFormLayout;
    form->addRow(formLabel(tr("Re&quest:"), m_url), requestLine);
    form->addRow(tr("Hea&ders:"), m_headers);
    form->addRow(tr("&Body:"), m_body);
    auto *tryRow = new QHBoxLayout;
    tryRow->addWidget(m_try);
    tryRow->addWidget(m_outcome, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(tryRow);
    layout->addWidget(m_result, 1);
}

void EgressHandlerTrial::setSampleUrl(const QString &url)
{
    m_url->setText(url);
}

void EgressHandlerTrial::tryIt()
{
    auto sample = handlerTrialSample(
        m_method->currentText(), m_url->text(), m_headers->toPlainText(), m_body->toPlainText());
    if (!sample) return showFailure(sample.error().message);
    const EgressHandler handler = m_handler();
    const QJsonObject request = *sample;
    const int generation = ++m_generation;
    m_outcome->setStyleSheet({});
    m_outcome->setText(tr("Running…"));
    m_result->clear();
    m_engine.callAsyncFor<QJsonObject>(
        this,
        [handler, request](Engine &e, Callback<QJsonObject> done) {
            e.tryEgressHandler(handler, request, std::move(done));
        },
        [this, generation](Result<QJsonObject> report) {
            if (generation != m_generation) return;
            if (!report) return showFailure(report.error().message);
            showReport(*report);
        });
}

void EgressHandlerTrial::showReport(const QJsonObject &report)
{
    const OutcomeLook look = outcomeLook(report);
    m_outcome->setText(look.text);
    m_outcome->setStyleSheet(QStringLiteral("color: %1; font-weight: bold").arg(look.colour));
    m_result->setPlainText(describeHandlerTrial(report));
    m_lastOutcome = report.value(QStringLiteral("outcome")).toString();
    Q_EMIT tried(m_lastOutcome);
}

// The trial itself did not run (a malformed sample, a handler the engine
// refuses, a secret that cannot be had): said in place of an outcome.
void EgressHandlerTrial::showFailure(const QString &message)
{
    ++m_generation;
    m_outcome->setText(tr("Not tried: %1").arg(message));
    m_outcome->setStyleSheet(QStringLiteral("color: #b03030"));
    m_result->clear();
    m_lastOutcome = QStringLiteral("not tried");
    Q_EMIT tried(m_lastOutcome);
}

} // namespace paddock::ui

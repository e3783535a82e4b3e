#include "overview_page.h"

#include "overview_figures.h"

#include <QFormLayout>
#include <QLabel>
#include <QPointer>
#include <QScrollArea>
#include <QVBoxLayout>

namespace paddock::ui {

OverviewPage::OverviewPage(EngineBridge &engine, QWidget *parent) : SandboxPage(parent), m_engine(engine)
{
    auto *content = new QWidget;
    auto *form = new QFormLayout(content);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_state = addFigure(form, tr("State"), QStringLiteral("overviewState"));
    m_uptime = addFigure(form, tr("Uptime"), QStringLiteral("overviewUptime"));
    m_processes = addFigure(form, tr("Processes"), QStringLiteral("overviewProcesses"));
    m_ports = addFigure(form, tr("Listening ports"), QStringLiteral("overviewPorts"));
    m_disk = addFigure(form, tr("Disk used by its own files"), QStringLiteral("overviewDisk"));
    m_egress = addFigure(form, tr("Egress"), QStringLiteral("overviewEgress"));
    m_name = addFigure(form, tr("Name"), QStringLiteral("overviewName"));
    m_id = addFigure(form, tr("ID"), QStringLiteral("overviewId"));
    m_created = addFigure(form, tr("Created"), QStringLiteral("overviewCreated"));
    m_image = addFigure(form, tr("Base image"), QStringLiteral("overviewImage"));
    m_data = addFigure(form, tr("Data"), QStringLiteral("overviewData"));
    m_disk->setToolTip(tr("What the sandbox wrote, changed or deleted: its own layer above the base image"));
    // Scrolls rather than squeezes at 800×500.
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &OverviewPage::refresh);
}

QLabel *OverviewPage::addFigure(QFormLayout *form, const QString &label, const QString &objectName)
{
    auto *field = new QLabel(form->parentWidget());
    field->setObjectName(objectName);
    field->setTextFormat(Qt::PlainText); // names, addresses and counts come from the sandbox
    field->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    field->setWordWrap(true);
    field->setProperty("figure", label);
    field->setAccessibleName(label);
    auto *caption = new QLabel(label + u':', form->parentWidget());
    caption->setBuddy(field);
    form->addRow(caption, field);
    return field;
}

// A screen reader reads the figure's name with its value.
void OverviewPage::setFigure(QLabel *field, const QString &text)
{
    field->setText(text);
    const QString name = field->property("figure").toString();
    field->setAccessibleName(text.isEmpty() ? name : name + QStringLiteral(": ") + text);
}

void OverviewPage::showSandbox(const std::optional<SandboxInfo> &sb)
{
    if (!sb || !m_sandbox || sb->id != m_sandbox->id) {
        ++m_generation;
        m_inFlight = false; // an answer about the previous one is ignored
        for (QLabel *figure : { m_processes, m_ports, m_disk, m_egress })
            setFigure(figure, sb ? tr("…") : QString());
    }
    m_sandbox = sb;
    setFigure(m_state, sb ? sandboxStateName(sb->state) : QString());
    setFigure(m_uptime, sb ? uptimeText(*sb, QDateTime::currentDateTimeUtc()) : QString());
    setFigure(m_name, sb ? sb->name : QString());
    setFigure(m_id, sb ? sb->id : QString());
    setFigure(m_created, sb ? QLocale().toString(sb->createdAt.toLocalTime(), QLocale::LongFormat) : QString());
    setFigure(m_image, sb ? sb->baseImage : QString());
    setFigure(m_data, sb ? sb->dataDir : QString());
    if (sb && isVisible())
        refresh(); // a state change shows at once, not at the next tick
}

void OverviewPage::showEvent(QShowEvent *event)
{
    SandboxPage::showEvent(event);
    m_timer.start();
    refresh();
}

void OverviewPage::hideEvent(QHideEvent *event)
{
    SandboxPage::hideEvent(event);
    m_timer.stop(); // nothing is gathered for a tab nobody sees
}

// One request at a time: a slow walk of a huge layer delays the next
// figures, it does not pile up requests behind it.
void OverviewPage::refresh()
{
    if (!m_sandbox || m_inFlight)
        return;
    m_inFlight = true;
    const int generation = m_generation;
    m_engine.callAsync<SandboxVitals>(
        [id = m_sandbox->id](Engine &e, Callback<SandboxVitals> done) { e.sandboxVitals(id, std::move(done)); },
        [self = QPointer<OverviewPage>(this), generation](Result<SandboxVitals> v) {
            if (self && generation == self->m_generation)
                self->onVitals(v);
        });
}

void OverviewPage::onVitals(const Result<SandboxVitals> &v)
{
    m_inFlight = false;
    ++m_refreshes;
    if (v)
        showVitals(*v);
}

void OverviewPage::showVitals(const SandboxVitals &v)
{
    m_last = v;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    setFigure(m_state, sandboxStateName(v.sandbox.state));
    setFigure(m_uptime, uptimeText(v.sandbox, now));
    setFigure(m_processes, processesText(v));
    setFigure(m_ports, v.sandbox.state == SandboxState::Running ? listeningText(v.listening) : tr("none (stopped)"));
    setFigure(m_disk, diskText(v.disk));
    setFigure(m_egress, egressText(v.egress, now));
}

} // namespace paddock::ui

#include "egress_page.h"

#include "egress/column_fitter.h"
#include "egress/egress_log_details.h"
#include "egress/egress_question_model.h"
#include "egress/problem_label.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {

constexpr int kLogBacklog = 1000;
constexpr int kMaxLogColumnWidth = 320; // a long reason is read whole in the detail pane

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->horizontalHeader()->setStretchLastSection(true);
    view->verticalHeader()->hide();
    // Three whole rows at least, not the default's dozen: three tables share
    // the tab. (A row is taller than a line of text: count rows.)
    view->setMinimumHeight(view->horizontalHeader()->sizeHint().height() + 3 * view->verticalHeader()->defaultSectionSize()
                           + 2 * view->frameWidth());
    return view;
}

} // namespace

EgressPage::EgressPage(EngineBridge &engine, EgressQuestionModel &questions, QWidget *parent)
    : SandboxPage(parent), m_engine(engine), m_presets(loadEgressPresets())
{
    m_logFilter.setSourceModel(&m_log);
    m_problem = new ProblemLabel(this);
    m_problem->setObjectName(QStringLiteral("egressProblem"));
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(buildQuestions(questions));
    splitter->addWidget(buildRules());
    splitter->addWidget(buildLog());
    splitter->setStretchFactor(2, 1);
    splitter->setSizes({ 110, 300, 400 }); // the log is what grows
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
    layout->addWidget(m_problem);
    say(m_presets.problem);

    connect(&m_engine, &EngineBridge::egressLogged, &m_log, &EgressLogModel::add);
    // The engine says "rules changed" for a sandbox when its rules or its
    // settings change, from here, the CLI or the API: both are re-read, so
    // the checkbox follows a mode set elsewhere whichever list is shown.
    connect(&m_engine, &EngineBridge::egressRulesChanged, this, [this](const QString &scope) {
        if (scope == ruleScope())
            reloadRules();
        if (!scope.isEmpty() && scope == m_sandboxId)
            reloadSettings();
    });
    connect(&m_rules, &EgressRuleModel::editRequested, this, [this](const EgressRule &rule) {
        const QString sb = ruleScope();
        m_engine.call<EgressRule>([sb, rule](Engine &e) { return e.updateEgressRule(sb, rule); },
                                  [this](Result<EgressRule> r) { say(r ? QString() : r.error().message); });
    });
    connect(&m_rules, &EgressRuleModel::moveRequested, this, [this](qint64 id, int position) {
        const QString sb = ruleScope();
        m_engine.call<void>([sb, id, position](Engine &e) { return e.moveEgressRule(sb, id, position); },
                            [this](Result<void> r) { say(r ? QString() : r.error().message); });
    });
}

QWidget *EgressPage::buildQuestions(EgressQuestionModel &questions)
{
    auto *box = new QGroupBox(tr("Waiting for your answer"), this);
    auto *view = makeTable(&questions, box);
    view->setAccessibleName(tr("Connections waiting for your answer"));
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    for (EgressAnswer a : { EgressAnswer::AllowOnce, EgressAnswer::AllowAlways, EgressAnswer::DenyOnce, EgressAnswer::DenyAlways }) {
        auto *b = new QPushButton(egressAnswerName(a).replace(u'-', u' '), box);
        b->setAccessibleName(tr("Answer the selected question: %1").arg(b->text()));
        buttons->addWidget(b);
        connect(b, &QPushButton::clicked, this, [view, &questions, a] {
            const int row = view->currentIndex().isValid() ? view->currentIndex().row() : 0;
            if (const EgressQuestion *q = questions.questionAt(row))
                questions.answer(q->id, a);
        });
    }
    connect(&questions, &EgressQuestionModel::answerFailed, this, &EgressPage::say);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(view);
    layout->addLayout(buttons);
    // Only while something waits: the bar above every tab says so too, and
    // at 800×500 the rules and the log need the room.
    box->setObjectName(QStringLiteral("egressQuestions"));
    const auto showIfAsked = [box, &questions] { box->setVisible(questions.rowCount() > 0); };
    connect(&questions, &QAbstractItemModel::rowsInserted, box, showIfAsked);
    connect(&questions, &QAbstractItemModel::rowsRemoved, box, showIfAsked);
    connect(&questions, &QAbstractItemModel::modelReset, box, showIfAsked);
    showIfAsked();
    return box;
}

QWidget *EgressPage::buildRules()
{
    auto *box = new QGroupBox(tr("Rules — the first that matches decides; drag to reorder"), this);
    m_askUnlisted = new QCheckBox(tr("Ask about unlisted"), box);
    m_askUnlisted->setToolTip(tr("Hold connections no rule decides and ask here; otherwise they are denied"));
    m_askUnlisted->setObjectName(QStringLiteral("egressAskUnlisted"));
    connect(m_askUnlisted, &QCheckBox::clicked, this, [this](bool ask) {
        const QString sb = m_sandboxId;
        m_engine.call<void>([sb, ask](Engine &e) { return e.setEgressSettings(sb, EgressSettings { ask }); },
                            [this](Result<void> r) {
                                say(r ? QString() : r.error().message);
                                if (!r)
                                    reloadSettings(); // the box shows what holds, not what was clicked
                            });
    });
    m_askUnlisted->setAccessibleName(tr("Ask about unlisted connections"));
    m_ruleView = makeTable(&m_rules, box);
    m_ruleView->setObjectName(QStringLiteral("egressRules"));
    m_ruleView->setAccessibleName(tr("Egress rules"));
    m_ruleView->setColumnWidth(EgressRuleModel::Order, 32);
    m_ruleView->setToolTip(tr("Double-click a cell to edit it; the reason is shown to the program when a rule denies"));
    m_ruleView->setDragDropMode(QAbstractItemView::InternalMove);
    m_ruleView->setDragEnabled(true);
    m_ruleView->setAcceptDrops(true);
    m_ruleView->setDropIndicatorShown(true);

    m_action = new QComboBox(box);
    m_action->addItems({ QStringLiteral("allow"), QStringLiteral("deny"), QStringLiteral("ask"), QStringLiteral("inspect") });
    m_action->setAccessibleName(tr("New rule's action"));
    m_pattern = new QLineEdit(box);
    m_pattern->setObjectName(QStringLiteral("egressPattern"));
    m_pattern->setPlaceholderText(tr("api.example.com, *.example.com, 10.0.0.0/8 or *"));
    m_pattern->setAccessibleName(tr("New rule's destination"));
    m_port = new QSpinBox(box);
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any port"));
    m_port->setAccessibleName(tr("New rule's port"));
    m_reason = new QLineEdit(box);
    m_reason->setPlaceholderText(tr("reason (optional)"));
    m_reason->setAccessibleName(tr("New rule's reason"));
    auto *add = new QPushButton(tr("Add rule"), box);
    auto *remove = new QPushButton(tr("Remove"), box);
    add->setAccessibleName(tr("Add the rule"));
    remove->setAccessibleName(tr("Remove the selected rule"));
    connect(add, &QPushButton::clicked, this, &EgressPage::addRuleFromForm);
    connect(m_pattern, &QLineEdit::returnPressed, this, &EgressPage::addRuleFromForm);
    connect(remove, &QPushButton::clicked, this, &EgressPage::removeSelectedRule);

    m_presetBox = new QComboBox(box);
    for (const EgressPreset &p : m_presets.presets)
        m_presetBox->addItem(p.name);
    m_presetBox->setToolTip(tr("Presets come from %1 — edit it to change them").arg(m_presets.path));
    m_presetBox->setAccessibleName(tr("Preset"));
    // Narrower than its longest name (the list shows names whole): the row
    // also holds the selected rule's buttons, within an 800-pixel window.
    m_presetBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presetBox->setMinimumContentsLength(8);
    auto *addPresetButton = new QPushButton(tr("Allow preset"), box);
    addPresetButton->setAccessibleName(tr("Allow the chosen preset"));
    connect(addPresetButton, &QPushButton::clicked, this, [this] { addPreset(m_presetBox->currentIndex()); });

    auto *form = new QHBoxLayout;
    form->addWidget(m_action);
    form->addWidget(m_pattern, 2);
    form->addWidget(m_port);
    form->addWidget(m_reason, 1);
    form->addWidget(add);
    auto *more = new QToolButton(box);
    more->setText(tr("…"));
    more->setObjectName(QStringLiteral("newEgressRule"));
    more->setToolTip(tr("Add a rule with every field: HTTP method and path, injected credentials"));
    more->setAccessibleName(tr("Add a rule in the rule editor"));
    connect(more, &QToolButton::clicked, this, &EgressPage::newRuleFromForm);
    form->addWidget(more);
    auto *tools = new QHBoxLayout;
    m_scopeBox = new QComboBox(box);
    m_scopeBox->addItems({ tr("This sandbox"), tr("Global defaults") });
    m_scopeBox->setAccessibleName(tr("Whose rules"));
    m_scopeBox->setToolTip(tr("Global defaults apply to every sandbox, after its own rules"));
    connect(m_scopeBox, &QComboBox::currentIndexChanged, this, [this](int i) { showGlobalRules(i == 1); });
    tools->addWidget(m_scopeBox);
    tools->addWidget(m_askUnlisted);
    tools->addStretch();
    auto *secrets = new QPushButton(tr("Secrets…"), box);
    secrets->setObjectName(QStringLiteral("openSecrets"));
    secrets->setToolTip(tr("The values inspect rules inject; no sandbox ever holds one"));
    connect(secrets, &QPushButton::clicked, this, &EgressPage::openSecrets);
    tools->addWidget(secrets);
    // Presets and Remove on a row of their own: one row of every tool is
    // wider than the tab gets in an 800-pixel window.
    auto *presets = new QHBoxLayout;
    presets->addWidget(m_presetBox);
    presets->addWidget(addPresetButton);
    presets->addStretch();
    presets->addWidget(buildRuleButtons(box));
    presets->addWidget(remove);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(tools);
    layout->addLayout(presets);
    layout->addWidget(m_ruleView);
    layout->addLayout(form);
    return box;
}

QWidget *EgressPage::buildLog()
{
    auto *box = new QGroupBox(tr("Log"), this);
    auto *verdict = new QComboBox(box);
    verdict->setAccessibleName(tr("Show log entries"));
    verdict->setObjectName(QStringLiteral("egressLogVerdict"));
    verdict->addItems({ tr("Everything"), tr("Allowed"), tr("Allowed but failed"), tr("Denied"), tr("Redirected DNS") });
    connect(verdict, &QComboBox::currentIndexChanged, this, [this](int i) {
        static const std::optional<EgressVerdict> verdicts[] = { std::nullopt, EgressVerdict::Allowed, EgressVerdict::Allowed,
                                                                EgressVerdict::Denied, EgressVerdict::Redirected };
        m_logFilter.setVerdict(verdicts[i]);
        m_logFilter.setFailedOnly(i == 2);
    });
    auto *text = new QLineEdit(box);
    text->setPlaceholderText(tr("filter by destination"));
    text->setAccessibleName(tr("Filter the log by destination"));
    connect(text, &QLineEdit::textChanged, &m_logFilter, &EgressLogFilter::setDestinationText);
    auto *allow = new QPushButton(tr("Allow this domain"), box);
    allow->setObjectName(QStringLiteral("allowLogDomain"));
    allow->setEnabled(false);
    allow->setAccessibleName(tr("Allow the selected entry's domain"));
    m_logView = makeTable(&m_logFilter, box);
    m_logView->setObjectName(QStringLiteral("egressLog"));
    m_logView->setAccessibleName(tr("Egress log"));
    m_logView->setWordWrap(false);
    new ColumnFitter(m_logView, kMaxLogColumnWidth);
    m_logDetails = new EgressLogDetails(box);
    connect(m_logView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this, allow](const QModelIndex &current) {
        const EgressLogEntry *e = m_log.entryAt(m_logFilter.mapToSource(current).row());
        allow->setEnabled(e && e->verdict == EgressVerdict::Denied && !e->host.isEmpty());
        m_logDetails->showEntry(e);
    });
    // The selected entry changes in place when its connection ends; rows
    // arriving above it move it. Either way the pane shows it as it is now.
    const auto showCurrent = [this] { m_logDetails->showEntry(m_log.entryAt(m_logFilter.mapToSource(m_logView->currentIndex()).row())); };
    connect(&m_logFilter, &QAbstractItemModel::dataChanged, this, showCurrent);
    connect(&m_logFilter, &QAbstractItemModel::modelReset, this, showCurrent);
    connect(&m_logFilter, &QAbstractItemModel::rowsRemoved, this, showCurrent);
    connect(allow, &QPushButton::clicked, this, &EgressPage::allowSelectedLogDomain);
    auto *filters = new QHBoxLayout;
    filters->addWidget(verdict);
    filters->addWidget(text, 1);
    filters->addWidget(allow);
    auto *split = new QSplitter(Qt::Horizontal, box);
    split->setObjectName(QStringLiteral("egressLogSplit"));
    split->addWidget(m_logView);
    split->addWidget(m_logDetails);
    split->setCollapsible(0, false);
    split->setCollapsible(1, true); // dragged shut, the log has the width
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(filters);
    layout->addWidget(split, 1);
    return box;
}

void EgressPage::showSandbox(const std::optional<SandboxInfo> &sandbox)
{
    const QString id = sandbox ? sandbox->id : QString();
    if (id == m_sandboxId)
        return;
    m_sandboxId = id;
    const int generation = ++m_generation;
    m_rules.setRules({});
    m_log.showSandbox(id, {});
    setEnabled(!id.isEmpty());
    if (id.isEmpty())
        return;
    reloadRules();
    reloadSettings();
    m_engine.call<QList<EgressLogEntry>>(
        [id](Engine &e) {
            EgressLogQuery q;
            q.sandbox = id;
            q.limit = kLogBacklog;
            return e.egressLog(q);
        },
        [this, id, generation](Result<QList<EgressLogEntry>> entries) {
            if (generation == m_generation && entries)
                m_log.showSandbox(id, *entries);
        });
}

void EgressPage::showGlobalRules(bool global)
{
    if (global == m_editGlobal)
        return;
    m_editGlobal = global;
    m_scopeBox->setCurrentIndex(global ? 1 : 0);
    m_askUnlisted->setEnabled(!global); // a sandbox's own setting
    ++m_generation;
    m_rules.setRules({});
    reloadRules();
}

void EgressPage::reloadRules()
{
    const QString id = ruleScope();
    const int generation = m_generation;
    m_engine.call<QList<EgressRule>>([id](Engine &e) { return e.egressRules(id); }, [this, generation](Result<QList<EgressRule>> r) {
        if (generation == m_generation && r)
            m_rules.setRules(*r);
    });
}

// Keyed by the sandbox, not the generation: switching between its own rules
// and the global defaults does not change which sandbox's mode is shown.
void EgressPage::reloadSettings()
{
    const QString id = m_sandboxId;
    if (id.isEmpty())
        return;
    m_engine.call<EgressSettings>([id](Engine &e) { return e.egressSettings(id); }, [this, id](Result<EgressSettings> s) {
        if (id == m_sandboxId && s)
            m_askUnlisted->setChecked(s->askUnlisted);
    });
}

void EgressPage::addRules(const QList<EgressRule> &rules)
{
    const QString sb = ruleScope();
    m_engine.call<void>(
        [sb, rules](Engine &e) -> Result<void> {
            for (const EgressRule &r : rules)
                if (auto added = e.addEgressRule(sb, r); !added)
                    return tl::unexpected(added.error());
            return {};
        },
        [this](Result<void> r) { say(r ? QString() : r.error().message); });
}

void EgressPage::addRuleFromForm()
{
    EgressRule rule;
    rule.action = *egressActionFromName(m_action->currentText());
    rule.pattern = m_pattern->text().trimmed().toLower();
    rule.port = quint16(m_port->value());
    rule.reason = m_reason->text().trimmed();
    if (auto valid = validateEgressRule(rule); !valid) // said at once, before any round trip
        return say(valid.error().message);
    addRules({ rule });
    m_pattern->clear();
    m_reason->clear();
}

void EgressPage::addPreset(int index)
{
    if (index < 0 || index >= m_presets.presets.size())
        return;
    QList<EgressRule> rules;
    for (const QString &pattern : m_presets.presets[index].patterns) {
        EgressRule r;
        r.pattern = pattern;
        r.port = m_presets.presets[index].port;
        r.action = EgressAction::Allow;
        rules.append(r);
    }
    addRules(rules);
}

void EgressPage::allowSelectedLogDomain()
{
    const EgressLogEntry *e = m_log.entryAt(m_logFilter.mapToSource(m_logView->currentIndex()).row());
    if (!e || e->host.isEmpty())
        return;
    EgressRule rule;
    rule.pattern = e->host;
    rule.action = EgressAction::Allow;
    const QString sb = m_sandboxId;
    // First, so it wins over whatever denied it.
    m_engine.call<EgressRule>([sb, rule](Engine &eng) { return eng.addEgressRule(sb, rule, 0); },
                              [this](Result<EgressRule> r) { say(r ? QString() : r.error().message); });
}

void EgressPage::removeSelectedRule()
{
    const EgressRule *rule = m_rules.ruleAt(m_ruleView->currentIndex().row());
    if (!rule)
        return;
    const QString sb = ruleScope();
    const qint64 id = rule->id;
    m_engine.call<void>([sb, id](Engine &e) { return e.removeEgressRule(sb, id); },
                        [this](Result<void> r) { say(r ? QString() : r.error().message); });
}

void EgressPage::say(const QString &problem)
{
    m_problem->say(problem);
}

QLabel *EgressPage::problem() const
{
    return m_problem;
}

} // namespace paddock::ui

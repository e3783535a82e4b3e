#include "process_actions.h"

#include "engine_bridge.h"
#include "plain_message_box.h"

#include "paddock/display_text.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QMenu>
#include <QPointer>
#include <QRegularExpression>

#include <signal.h>

namespace paddock::ui {

namespace {

// How long a restart waits for the old process to go after SIGTERM.
constexpr int kStopTimeoutMs = 10000;

void restartOnEngine(Engine &engine, const ProcessInfo &p, Callback<ProcessInfo> done)
{
    Engine *e = &engine; // outlives every callback: they run on its thread
    const auto spawnAgain = [e, p, done] {
        CommandSpec cmd;
        cmd.argv = p.argv;
        cmd.cwd = p.cwd;
        cmd.env = p.env;
        e->spawn(p.sandboxId, cmd, p.name, done);
    };
    if (p.state != ProcessState::Running) return spawnAgain();
    e->kill(p.sandboxId, p.id, SIGTERM, [e, p, done, spawnAgain](Result<void> killed) {
        if (!killed && killed.error().code != ErrorCode::NotRunning)
            return done(tl::unexpected(killed.error()));
        e->wait(p.sandboxId, p.id, WaitCondition { {}, kStopTimeoutMs },
            [done, spawnAgain, p](Result<WaitResult> ended) {
                if (!ended)
                    return done(tl::unexpected(ended.error().withContext(
                        QStringLiteral("process %1 did not stop within %2 s of SIGTERM")
                            .arg(p.id)
                            .arg(kStopTimeoutMs / 1000))));
                spawnAgain();
            });
    });
}

} // namespace

ProcessActions::ProcessActions(EngineBridge &engine, QWidget *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_parent(parent)
    , m_menu(new QMenu(parent))
    , m_kill(m_menu->addAction(tr("Kill")))
    , m_forceKill(m_menu->addAction(tr("Force kill…")))
    , m_restart(m_menu->addAction(tr("Restart")))
    , m_copyCommand(new QAction(tr("Copy command"), m_menu))
    , m_copyId(new QAction(tr("Copy ID"), m_menu))
{
    m_menu->setAccessibleName(tr("Process actions"));
    m_kill->setToolTip(tr("Ask the process to end (SIGTERM)"));
    m_forceKill->setToolTip(tr("End the process at once (SIGKILL)"));
    m_restart->setToolTip(tr("Run the same command again, in the same directory and environment"));
    m_menu->addSeparator();
    m_menu->addAction(m_copyCommand);
    m_menu->addAction(m_copyId);
    connect(m_kill, &QAction::triggered, this, [this] { sendSignal(SIGTERM); });
    connect(m_forceKill, &QAction::triggered, this, &ProcessActions::doForceKill);
    connect(m_restart, &QAction::triggered, this, &ProcessActions::doRestart);
    connect(m_copyCommand, &QAction::triggered, this, [this] {
        if (m_process) QGuiApplication::clipboard()->setText(shellQuoted(m_process->argv));
    });
    connect(m_copyId, &QAction::triggered, this, [this] {
        if (m_process) QGuiApplication::clipboard()->setText(m_process->id);
    });
    setProcess(std::nullopt);
}

void ProcessActions::setProcess(const std::optional<ProcessInfo> &process)
{
    m_process = process;
    const bool running = process && process->state == ProcessState::Running;
    m_kill->setEnabled(running);
    m_forceKill->setEnabled(running);
    m_restart->setEnabled(process.has_value());
    m_copyCommand->setEnabled(process.has_value());
    m_copyId->setEnabled(process.has_value());
}

QString ProcessActions::shellQuoted(const QStringList &argv)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    QStringList words;
    for (const QString &arg : argv)
        words << (plain.match(arg).hasMatch() ? arg
                                              : QLatin1Char('\'')
                    + QString(arg).replace(QLatin1Char('\''), QLatin1String("'\\''"))
                    + QLatin1Char('\''));
    return words.join(QLatin1Char(' '));
}

void ProcessActions::sendSignal(int signal)
{
    if (!m_process) return;
    const QString sandboxId = m_process->sandboxId, procId = m_process->id;
    m_engine.callAsync<void>(
        [=](Engine &e, Callback<void> done) { e.kill(sandboxId, procId, signal, std::move(done)); },
        [parent = QPointer<QWidget>(m_parent)](Result<void> r) {
            if (!r && parent) warnPlain(parent, tr("Kill failed"), r.error().message);
        });
}

void ProcessActions::doForceKill()
{
    if (!m_process) return;
    const ProcessInfo p = *m_process;
    const QString what = p.name.isEmpty() ? p.id : QStringLiteral("%1 (%2)").arg(p.name, p.id);
    if (!askPlain(m_parent, tr("Force kill"),
            tr("Force kill process %1?\n\n%2\n\nIt ends at once (SIGKILL), with no chance to clean "
               "up.")
                .arg(what, shellQuoted(p.argv))))
        return;
    if (m_process && m_process->id == p.id && m_process->sandboxId == p.sandboxId)
        sendSignal(SIGKILL);
}

void ProcessActions::doRestart()
{
    if (!m_process) return;
    const ProcessInfo p = *m_process;
    m_engine.callAsync<ProcessInfo>(
        [p](Engine &e, Callback<ProcessInfo> done) { restartOnEngine(e, p, std::move(done)); },
        [self = QPointer<ProcessActions>(this)](Result<ProcessInfo> fresh) {
            if (!self) return;
            if (!fresh)
                return warnPlain(self->m_parent, tr("Restart failed"), fresh.error().message);
            Q_EMIT self->restarted(*fresh);
        });
}

} // namespace paddock::ui

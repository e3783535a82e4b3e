#include "terminal_host.h"

#include <QClipboard>
#include <QGuiApplication>

namespace paddock::ui {

namespace {

QString describe(ExitStatus status)
{
    return status.signal > 0 ? QStringLiteral("killed by signal %1").arg(status.signal)
                             : QStringLiteral("exit %1").arg(status.exitCode);
}

// Output taken from the inbox per turn of the UI's event loop: one page
// batch (OutputCoalescer's cap), so a turn never does more than one.
constexpr qsizetype kDrainSliceBytes = 64 * 1024;

TerminalSize boundedSize(int rows, int cols)
{
    return { quint16(qBound(1, rows, kMaxTerminalCells)),
        quint16(qBound(1, cols, kMaxTerminalCells)) };
}

} // namespace

TerminalHost::TerminalHost(EngineBridge &engine, TerminalAppearance &appearance, QString sandboxId,
    QStringList argv, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_appearance(appearance)
    , m_sandboxId(std::move(sandboxId))
    , m_argv(std::move(argv))
{
    connect(&m_coalescer, &OutputCoalescer::ready, this,
        [this](const QByteArray &batch) { Q_EMIT output(QString::fromLatin1(batch.toBase64())); });
    connect(&m_appearance, &TerminalAppearance::changed, this,
        [this] { Q_EMIT appearanceChanged(m_appearance.forPage()); });
}

TerminalHost::~TerminalHost()
{
    // A closed terminal tab ends its command, as closing a terminal window does.
    m_engine.post([s = m_session] {
        if (s) s->kill(1);
    });
}

void TerminalHost::ready(int rows, int cols)
{
    if (m_pageReady) return resize(rows, cols); // the page reloaded: keep the running command
    m_pageReady = true;
    m_size = boundedSize(rows, cols);
    Q_EMIT pageReady();
    start();
}

void TerminalHost::reconnect()
{
    if (!m_ended || !m_pageReady) return;
    // The last program may have left the terminal in any mode (alternate
    // screen, hidden cursor, application keys): leave the alternate screen
    // and soft-reset (DECSTR), keeping the scrollback to read.
    m_coalescer.append(QByteArrayLiteral("\x1b[?1049l\x1b[!p\r\n"));
    m_coalescer.flush();
    start();
}

void TerminalHost::start()
{
    m_starting = true;
    m_ended = false;
    m_exit.reset();
    m_endReason.clear();
    const quint64 generation = ++m_generation;
    m_inbox = std::make_shared<OutputInbox>();
    CommandSpec cmd { m_argv };
    cmd.terminal = m_size;
    QPointer<TerminalHost> self(this);
    EngineBridge *engine = &m_engine; // outlives every terminal
    // The guard on the session is made on the engine thread, where the
    // session lives and dies: made here, it would race with its deletion.
    m_engine.call<QPointer<ExecSession>>(
        [self, generation, inbox = m_inbox, sandboxId = m_sandboxId, cmd](
            Engine &e) -> Result<QPointer<ExecSession>> {
            auto session = e.exec(sandboxId, cmd);
            if (!session) return tl::unexpected(session.error());
            if (!self) return QPointer<ExecSession>(*session);
            // Connected on the engine thread; delivered queued on the UI thread.
            ExecSession *s = *session;
            // Output goes through the inbox, not one queued call per chunk.
            auto *waker = new OutputWaker(s); // on the engine thread; dies with the session
            QObject::connect(waker, &OutputWaker::wake, self.data(), [self, generation] {
                if (self) self->drain(generation);
            });
            QObject::connect(s, &ExecSession::output, waker,
                [inbox, waker](OutputStream, const QByteArray &bytes) {
                    if (inbox->push(bytes)) Q_EMIT waker->wake();
                });
            QObject::connect(
                s, &ExecSession::finished, self.data(), [self, generation](ExitStatus st) {
                    if (!self || self->m_generation != generation) return;
                    self->m_exit = st;
                    self->onEnded(generation, describe(st));
                    Q_EMIT self->finished(st);
                });
            QObject::connect(
                s, &ExecSession::failed, self.data(), [self, generation](const Error &err) {
                    if (self) self->onEnded(generation, err.message);
                });
            // A session the engine drops without a word (it shut down) ends too.
            QObject::connect(s, &QObject::destroyed, self.data(), [self, generation] {
                if (self) self->onEnded(generation, QStringLiteral("the session was lost"));
            });
            return QPointer<ExecSession>(s);
        },
        [self, engine, generation](Result<QPointer<ExecSession>> session) {
            if (!self || self->m_generation != generation) {
                if (session) // nobody reads it any more
                    engine->post([s = *session] {
                        if (s) s->kill(1);
                    });
                return;
            }
            self->m_starting = false;
            if (!session) return self->onEnded(generation, session.error().message);
            self->m_session = *session;
            if (!self->m_ended) Q_EMIT self->started();
        });
}

void TerminalHost::drain(quint64 generation)
{
    if (generation != m_generation) return;
    bool more = false;
    m_coalescer.append(m_inbox->take(kDrainSliceBytes, &more));
    if (more) // the rest on a later turn of the event loop
        QMetaObject::invokeMethod(
            this, [this, generation] { drain(generation); }, Qt::QueuedConnection);
}

void TerminalHost::onEnded(quint64 generation, const QString &reason)
{
    if (generation != m_generation || m_ended) return;
    m_ended = true;
    m_starting = false;
    m_endReason = reason;
    m_coalescer.append(m_inbox->take(-1)); // what the command printed last, before the note
    m_coalescer.append(
        QStringLiteral("\r\n\x1b[2m[session ended: %1]\x1b[0m\r\n").arg(reason).toUtf8());
    m_coalescer.flush();
    Q_EMIT ended(reason);
}

void TerminalHost::sendInput(const QString &data)
{
    if (!isRunning()) return;
    m_engine.post([s = m_session, bytes = data.toUtf8()] {
        if (s) s->write(bytes);
    });
}

void TerminalHost::resize(int rows, int cols)
{
    if (rows < 1 || cols < 1) return;
    m_size = boundedSize(rows, cols);
    if (!isRunning()) return;
    m_engine.post([s = m_session, size = m_size] {
        if (s) s->resize(size);
    });
}

void TerminalHost::copy(const QString &text)
{
    if (!text.isEmpty()) QGuiApplication::clipboard()->setText(text);
}

QString TerminalHost::clipboardText() const
{
    return QGuiApplication::clipboard()->text();
}

} // namespace paddock::ui

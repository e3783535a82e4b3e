#include "terminal_host.h"

#include <QClipboard>
#include <QGuiApplication>

namespace paddock::ui {

TerminalHost::TerminalHost(EngineBridge &engine, QString sandboxId, QStringList argv, QObject *parent)
    : QObject(parent), m_engine(engine), m_sandboxId(std::move(sandboxId)), m_argv(std::move(argv))
{
    connect(&m_coalescer, &OutputCoalescer::ready, this,
            [this](const QByteArray &batch) { Q_EMIT output(QString::fromLatin1(batch.toBase64())); });
}

TerminalHost::~TerminalHost()
{
    // A closed terminal tab ends its command, as closing a terminal window does.
    m_engine.post([s = m_session] {
        if (s)
            s->kill(1);
    });
}

void TerminalHost::ready(int rows, int cols)
{
    if (m_starting || m_session)
        return resize(rows, cols); // the page reloaded: keep the running command
    m_starting = true;
    start(TerminalSize { quint16(qBound(1, rows, kMaxTerminalCells)), quint16(qBound(1, cols, kMaxTerminalCells)) });
}

void TerminalHost::start(TerminalSize size)
{
    CommandSpec cmd { m_argv };
    cmd.terminal = size;
    QPointer<TerminalHost> self(this);
    // The guard on the session is made on the engine thread, where the
    // session lives and dies: made here, it would race with its deletion.
    m_engine.call<QPointer<ExecSession>>(
        [self, sandboxId = m_sandboxId, cmd](Engine &e) -> Result<QPointer<ExecSession>> {
            auto session = e.exec(sandboxId, cmd);
            if (!session)
                return tl::unexpected(session.error());
            if (!self)
                return QPointer<ExecSession>(*session);
            // Connected on the engine thread; delivered queued on the UI thread.
            QObject::connect(*session, &ExecSession::output, self.data(),
                             [self](OutputStream, const QByteArray &bytes) { if (self) self->onEngineOutput(bytes); });
            QObject::connect(*session, &ExecSession::finished, self.data(), [self](ExitStatus st) {
                if (!self)
                    return;
                self->m_exit = st;
                self->onEnded(QStringLiteral("[process exited with status %1]").arg(st.shellStatus()));
                Q_EMIT self->finished(st);
            });
            QObject::connect(*session, &ExecSession::failed, self.data(), [self](const Error &err) {
                if (self)
                    self->onEnded(QStringLiteral("[%1]").arg(err.message));
            });
            return QPointer<ExecSession>(*session);
        },
        [this](Result<QPointer<ExecSession>> session) {
            if (!session)
                return onEnded(QStringLiteral("[%1]").arg(session.error().message));
            m_session = *session;
            Q_EMIT started();
        });
}

void TerminalHost::onEngineOutput(const QByteArray &bytes) { m_coalescer.append(bytes); }

void TerminalHost::onEnded(const QString &message)
{
    m_coalescer.append(QStringLiteral("\r\n\x1b[2m%1\x1b[0m\r\n").arg(message).toUtf8());
    m_coalescer.flush();
}

void TerminalHost::sendInput(const QString &data)
{
    if (!m_session)
        return;
    m_engine.post([s = m_session, bytes = data.toUtf8()] {
        if (s)
            s->write(bytes);
    });
}

void TerminalHost::resize(int rows, int cols)
{
    if (!m_session || rows < 1 || cols < 1)
        return;
    TerminalSize size { quint16(qMin(rows, kMaxTerminalCells)), quint16(qMin(cols, kMaxTerminalCells)) };
    m_engine.post([s = m_session, size] {
        if (s)
            s->resize(size);
    });
}

void TerminalHost::copy(const QString &text)
{
    if (!text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
}

QString TerminalHost::clipboardText() const { return QGuiApplication::clipboard()->text(); }

} // namespace paddock::ui

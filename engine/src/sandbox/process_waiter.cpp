#include "process_waiter.h"

namespace paddock::sandbox {

void ProcessWaiter::start(Engine &engine, const ProcessInfo &process, const WaitCondition &until,
                          Callback<WaitResult> done)
{
    auto *waiter = new ProcessWaiter(engine, process, std::move(done));
    if (until.timeoutMs > 0) {
        waiter->m_timeout.start(until.timeoutMs);
        connect(&waiter->m_timeout, &QTimer::timeout, waiter, [waiter, until] {
            waiter->complete(fail(ErrorCode::Timeout,
                                  QStringLiteral("process %1 did not %2 within %3 s")
                                      .arg(waiter->m_process.id,
                                           until.logPattern.isEmpty() ? QStringLiteral("exit")
                                                                      : QStringLiteral("print a match for '%1'").arg(until.logPattern))
                                      .arg(until.timeoutMs / 1000.0)));
        });
    }
    if (until.logPattern.isEmpty())
        waiter->watchExit();
    else if (auto r = waiter->watchLog(until.logPattern); !r)
        waiter->complete(tl::unexpected(r.error()));
}

ProcessWaiter::ProcessWaiter(Engine &engine, const ProcessInfo &process, Callback<WaitResult> done)
    : QObject(&engine), m_engine(engine), m_process(process), m_done(std::move(done))
{
    m_timeout.setSingleShot(true);
}

void ProcessWaiter::watchExit()
{
    if (m_process.state != ProcessState::Running)
        return complete(WaitResult { m_process, {} });
    connect(&m_engine, &Engine::processChanged, this, [this](const ProcessInfo &p) {
        if (p.sandboxId == m_process.sandboxId && p.id == m_process.id && p.state != ProcessState::Running)
            complete(WaitResult { p, {} });
    });
}

Result<void> ProcessWaiter::watchLog(const QString &pattern)
{
    m_pattern.setPattern(pattern);
    if (!m_pattern.isValid())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("invalid pattern '%1': %2").arg(pattern, m_pattern.errorString()));
    auto stream = m_engine.logs(m_process.sandboxId, m_process.id, true);
    if (!stream)
        return tl::unexpected(stream.error());
    m_stream = *stream;
    connect(*stream, &LogStream::data, this, &ProcessWaiter::onLogData);
    connect(*stream, &LogStream::finished, this, [this] {
        if (!m_partialLine.isEmpty() && matches(m_partialLine))
            return;
        complete(fail(ErrorCode::NotRunning,
                      QStringLiteral("process %1 ended without printing a match").arg(m_process.id)));
    });
    return {};
}

void ProcessWaiter::onLogData(const QByteArray &bytes)
{
    m_partialLine += bytes;
    qsizetype start = 0;
    for (qsizetype nl; !m_completed && (nl = m_partialLine.indexOf('\n', start)) >= 0; start = nl + 1)
        matches(m_partialLine.mid(start, nl - start));
    m_partialLine.remove(0, start);
    // A prompt or banner without a newline yet can match too.
    if (!m_completed && !m_partialLine.isEmpty())
        matches(m_partialLine);
}

bool ProcessWaiter::matches(const QByteArray &line)
{
    QString text = QString::fromUtf8(line);
    if (!m_pattern.match(text).hasMatch())
        return false;
    auto latest = m_engine.process(m_process.sandboxId, m_process.id);
    complete(WaitResult { latest ? *latest : m_process, text });
    return true;
}

void ProcessWaiter::complete(Result<WaitResult> result)
{
    if (m_completed)
        return;
    m_completed = true;
    m_timeout.stop();
    if (m_stream)
        m_stream->deleteLater(); // stop following a log nobody reads
    m_done(std::move(result));
    deleteLater();
}

} // namespace paddock::sandbox

#include "handler_runner.h"

#include <QJsonArray>
#include <QPointer>
#include <QProcess>
#include <QTimer>

namespace paddock::egress {

namespace {

constexpr int kMaxWaitingPerSandbox = 32;
constexpr int kMaxWaiting = 256;
// Beyond a call's own bound: the helper's start and the script's compile.
constexpr int kGraceMs = 3000;
constexpr int kExitOverMemory = 3; // engine/handler/run_bounds.h
constexpr qsizetype kKeptStderr = 2048;

QStringList logsFrom(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &line : v.toArray())
        out.append(line.toString());
    return out;
}

} // namespace

struct HandlerRunner::Worker {
    QProcess process;
    HandlerFrameReader reader;
    std::optional<Job> current;
    QTimer deadline;
    QByteArray stderrTail;
    QString killedBecause; // set when the runner killed it
    bool ended = false;
};

HandlerRunner::HandlerRunner(QString program, QObject *parent)
    : QObject(parent)
    , m_program(std::move(program))
{
}

HandlerRunner::~HandlerRunner()
{
    for (auto &w : m_workers) {
        w->process.disconnect();
        w->process.kill();
        w->process.waitForFinished(1000);
    }
}

quint64 HandlerRunner::run(HandlerCall call, Done done)
{
    const quint64 ticket = m_nextTicket++;
    std::deque<Job> &queue = m_queues[call.sandboxId];
    if (int(queue.size()) >= kMaxWaitingPerSandbox || m_waiting >= kMaxWaiting) {
        // Answered later, as promised, so the caller's state is settled first.
        QTimer::singleShot(0, this, [done = std::move(done)] {
            done(HandlerFailure {
                QStringLiteral("too many requests are waiting for handlers; try again") });
        });
        return ticket;
    }
    if (queue.empty()) m_turns.append(call.sandboxId);
    queue.push_back(Job { ticket, std::move(call), std::move(done) });
    ++m_waiting;
    QTimer::singleShot(0, this, &HandlerRunner::dispatch);
    return ticket;
}

void HandlerRunner::cancel(quint64 ticket)
{
    for (auto it = m_queues.begin(); it != m_queues.end(); ++it) {
        const auto before = it->size();
        std::erase_if(*it, [ticket](const Job &j) { return j.ticket == ticket; });
        m_waiting -= int(before - it->size());
    }
    for (auto &w : m_workers)
        if (w->current && w->current->ticket == ticket)
            w->current->done = nullptr; // its answer is dropped
}

std::optional<HandlerRunner::Job> HandlerRunner::nextJob()
{
    for (qsizetype i = 0; i < m_turns.size(); ++i) {
        const QString sandbox = m_turns[i];
        auto it = m_queues.find(sandbox);
        if (it == m_queues.end() || it->empty()) {
            m_queues.remove(sandbox);
            m_turns.removeAt(i--);
            continue;
        }
        if (inFlight(sandbox) >= kMaxInFlightPerSandbox) continue; // leaves a helper for the others
        m_turns.removeAt(i);
        Job job = std::move(it->front());
        it->pop_front();
        --m_waiting;
        if (it->empty())
            m_queues.erase(it);
        else
            m_turns.append(sandbox); // its next call waits for the others' turns
        return job;
    }
    return std::nullopt;
}

int HandlerRunner::inFlight(const QString &sandbox) const
{
    return int(
        std::count_if(m_workers.begin(), m_workers.end(), [&](const std::unique_ptr<Worker> &w) {
            return w->current && w->current->call.sandboxId == sandbox;
        }));
}

HandlerRunner::Worker *HandlerRunner::idleWorker()
{
    std::erase_if(m_workers, [](const std::unique_ptr<Worker> &w) { return w->ended; });
    for (auto &w : m_workers)
        if (!w->current) return w.get();
    if (int(m_workers.size()) >= kWorkers) return nullptr;
    auto worker = std::make_unique<Worker>();
    Worker *w = worker.get();
    w->process.setProgram(m_program);
    // Nothing of the engine's environment (the user's tokens) is the script's.
    w->process.setProcessEnvironment(QProcessEnvironment());
    w->deadline.setSingleShot(true);
    connect(&w->process, &QProcess::readyReadStandardOutput, this, [this, w] { onOutput(w); });
    connect(&w->process, &QProcess::readyReadStandardError, this, [w] {
        w->stderrTail = (w->stderrTail + w->process.readAllStandardError()).right(kKeptStderr);
    });
    connect(
        &w->process, &QProcess::finished, this, [this, w](int code, QProcess::ExitStatus status) {
            if (!w->killedBecause.isEmpty()) return onEnded(w, w->killedBecause);
            if (status == QProcess::CrashExit)
                return onEnded(w,
                    QStringLiteral(
                        "its helper crashed (a script that allocates without end can end so)"));
            if (code == kExitOverMemory)
                return onEnded(
                    w, QStringLiteral("it went over its memory bound of 256 MiB and was stopped"));
            const QString said = QString::fromUtf8(w->stderrTail).trimmed();
            onEnded(w,
                said.isEmpty() ? QStringLiteral("its helper ended (exit code %1)").arg(code)
                               : QStringLiteral("its helper ended: %1").arg(said));
        });
    connect(&w->process, &QProcess::errorOccurred, this, [this, w](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onEnded(
                w, QStringLiteral("cannot run %1: %2").arg(m_program, w->process.errorString()));
    });
    connect(&w->deadline, &QTimer::timeout, this, [w] {
        w->killedBecause
            = QStringLiteral("it did not finish within %1 ms, and its helper was stopped")
                  .arg(kTimeLimitMs + kGraceMs);
        w->process.kill(); // finished() follows
    });
    w->process.start();
    m_workers.push_back(std::move(worker));
    return w;
}

void HandlerRunner::dispatch()
{
    while (m_waiting > 0) {
        Worker *w = idleWorker();
        if (!w) return;
        std::optional<Job> job = nextJob();
        if (!job) return;
        startOn(*w, std::move(*job));
    }
}

void HandlerRunner::startOn(Worker &w, Job job)
{
    QJsonObject message { { QStringLiteral("id"), qint64(job.ticket) },
        { QStringLiteral("scope"), job.call.scope },
        { QStringLiteral("secretNames"), QJsonArray::fromStringList(job.call.handler.secrets) },
        { QStringLiteral("name"), job.call.handler.name },
        { QStringLiteral("source"), job.call.handler.source },
        { QStringLiteral("timeoutMs"), kTimeLimitMs },
        { QStringLiteral("request"), job.call.request },
        { QStringLiteral("secrets"), job.call.secrets } };
    w.current = std::move(job);
    w.deadline.start(kTimeLimitMs + kGraceMs);
    w.process.write(handlerFrame(message));
}

void HandlerRunner::onOutput(Worker *w)
{
    w->reader.append(w->process.readAllStandardOutput());
    while (auto message = w->reader.next()) {
        if (!*message || !w->current
            || message->value().value(QStringLiteral("id")).toInteger()
                != qint64(w->current->ticket)) {
            w->killedBecause = QStringLiteral("its helper broke the protocol");
            w->process.kill(); // it is not trusted with the next call
            return;
        }
        const QJsonObject &reply = message->value();
        const QStringList logs = logsFrom(reply.value(QStringLiteral("logs")));
        if (reply.value(QStringLiteral("ok")).toBool())
            finishCurrent(
                *w, HandlerReply { reply.value(QStringLiteral("result")).toObject(), logs });
        else
            finishCurrent(*w,
                HandlerFailure { reply.value(QStringLiteral("error")).toString(), logs,
                    reply.value(QStringLiteral("stage")).toString() == QLatin1String("compile") });
    }
}

void HandlerRunner::onEnded(Worker *w, const QString &why)
{
    if (w->ended) return;
    w->ended = true;
    w->deadline.stop();
    if (w->current) finishCurrent(*w, HandlerFailure { why });
    QTimer::singleShot(0, this, &HandlerRunner::dispatch); // a new helper takes the waiting calls
}

void HandlerRunner::finishCurrent(Worker &w, std::variant<HandlerReply, HandlerFailure> outcome)
{
    w.deadline.stop();
    Job job = std::move(*w.current);
    w.current.reset();
    if (job.done) job.done(std::move(outcome));
    QTimer::singleShot(0, this, &HandlerRunner::dispatch);
}

} // namespace paddock::egress

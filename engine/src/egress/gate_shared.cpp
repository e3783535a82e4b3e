#include "gate_shared.h"

#include "inspection.h"
#include "sandbox_egress.h"
#include "rule_matcher.h"

#include <QElapsedTimer>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace paddock::egress {

bool writeSome(int fd, ByteQueue &pending)
{
    while (!pending.empty()) {
        const ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) return errno == EAGAIN;
        pending.consume(size_t(n));
    }
    return true;
}

ReadOutcome readChunks(int fd, const std::function<bool(std::string_view)> &take, size_t limit)
{
    constexpr size_t kReadSize = 256 * 1024;
    thread_local const std::unique_ptr<char[]> buf(
        new char[kReadSize]); // too big for the engine thread's stack
    limit = std::min(limit, kReadPerWake);
    for (size_t got = 0; got < limit;) {
        const size_t want = std::min(kReadSize, limit - got);
        const ssize_t n = ::recv(fd, buf.get(), want, MSG_DONTWAIT);
        if (n < 0) return errno == EAGAIN ? ReadOutcome::Drained : ReadOutcome::Ended;
        if (n == 0) return ReadOutcome::Ended;
        if (!take(std::string_view(buf.get(), size_t(n)))) return ReadOutcome::Stopped;
        got += size_t(n);
        if (size_t(n) < want) break; // drained: the next recv would say EAGAIN
    }
    return ReadOutcome::Drained;
}

bool readSome(int fd, std::string &into, size_t limit)
{
    return readChunks(
               fd,
               [&into](std::string_view chunk) {
                   into.append(chunk);
                   return true;
               },
               limit)
        == ReadOutcome::Drained;
}

void onEngineTime(SandboxEgress &sandbox, const std::function<void()> &run,
    const std::function<void()> &outOfTime)
{
    if (!sandbox.mayUseEngineTime()) {
        sandbox.countEnginePause();
        return outOfTime();
    }
    QElapsedTimer clock;
    clock.start();
    run();
    sandbox.chargeEngineTime(clock.nsecsElapsed());
}

GateConnection gateConnection(const Destination &dest, bool tls)
{
    const bool literal = dest.host.isEmpty();
    return GateConnection { (literal ? dest.address.toString() : dest.host).toStdString(), literal,
        dest.port, quint16(tls ? 443 : 80) };
}

std::vector<Injection> plainInjections(const EgressInjections &inject)
{
    std::vector<Injection> out;
    for (const EgressInjection &i : inject)
        out.push_back({ i.kind == EgressInjection::Kind::Query, i.name.toStdString(),
            i.value.toStdString() });
    return out;
}

Result<QStringList> injectRule(InjectableRequest &request, const EgressInjections &inject,
    const Result<SecretValues> &values, SecretRedactor &redactor)
{
    if (!values)
        return fail(ErrorCode::NotFound,
            QStringLiteral(
                "a secret it needs cannot be had: %1 (`paddock secret ls` shows what is set)")
                .arg(values.error().message));
    const InjectionOutcome outcome = applyInjections(request, plainInjections(inject), *values);
    if (!outcome.problem.empty()) return fail(ErrorCode::InvalidArgument, fromStd(outcome.problem));
    askWholeAndPlain(request);
    for (const std::string &value : outcome.sentValues)
        redactor.addValue(value);
    QStringList names;
    for (const std::string &name : outcome.secretNames)
        names.append(fromStd(name));
    return names;
}

QString placeholderNote(Inspection *inspection, const InjectableRequest &request)
{
    if (!inspection) return {};
    QStringList names;
    for (const std::string &name : placeholdersIn(request, inspection->placeholders()))
        names.append(fromStd(name));
    return names.isEmpty()
        ? QString()
        : QStringLiteral(
            "carries the placeholder of %1 outside what the rule injects: sent unchanged")
              .arg(names.join(QStringLiteral(", ")));
}

QString overrideFieldRefusal(
    const std::string &field, const QList<EgressRule> &rules, const Destination &dest)
{
    if (field.empty() || !dependsOnHttpRequest(rules, dest)) return {};
    return QStringLiteral("the %1 field is refused: rules here decide by method and path, and some "
                          "servers act on it instead")
        .arg(fromStd(field));
}

std::string refusalBody(const QString &reason)
{
    return "Paddock egress: " + reason.toStdString() + "\n";
}

const char *refusalKind(unsigned status)
{
    return status >= 500 ? "upstream-failed" : "denied";
}

} // namespace paddock::egress

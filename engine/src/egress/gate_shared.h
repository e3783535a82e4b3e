// What both HTTP gates use (http_gate.h for HTTP/1.1, h2/h2_gate.h for
// HTTP/2): their socket I/O, the connection a request's Host must name,
// a rule's injections in the form request_injection.h takes, and the
// text a refused request is answered with.
//
// Thread ownership: the engine thread (readSome's buffer is per thread).
#pragma once

#include "byte_queue.h"
#include "destination.h"
#include "http_host.h"
#include "inject/request_injection.h"
#include "inject/secret_redactor.h"

#include "paddock/egress.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace paddock::egress {

class Inspection;
class SandboxEgress;

// Writes what it can; false when the peer is gone.
bool writeSome(int fd, ByteQueue &pending);
// Reads what there is, up to `limit` bytes (at most 1 MiB a call: fewer
// trips through the event loop for a large body), handing each chunk to
// `take` as it comes; `take` returns false to stop. Drained: nothing more
// to read now, or the limit reached; Ended: the end or an error; Stopped:
// `take` said so.
enum class ReadOutcome { Drained, Ended, Stopped };
inline constexpr size_t kReadPerWake = 1024 * 1024;
ReadOutcome readChunks(
    int fd, const std::function<bool(std::string_view)> &take, size_t limit = kReadPerWake);
// Reads what there is, up to `limit`, into `into`; false at the end or on an error.
bool readSome(int fd, std::string &into, size_t limit = kReadPerWake);

// Runs one of a gate's socket callbacks on its sandbox's engine time
// (limits::kGateEngineUsPerSecond): `run` when there is some left, timed
// and charged; else `outOfTime` (the gate stops reading and looks again).
void onEngineTime(SandboxEgress &sandbox, const std::function<void()> &run,
    const std::function<void()> &outOfTime);

// `tls`: a request without a port in its Host means 443, else 80.
GateConnection gateConnection(const Destination &dest, bool tls);

std::vector<Injection> plainInjections(const EgressInjections &inject);

// An inspect rule's injections set on `request` with the secrets' `values`,
// then its answer asked whole and plain; the values sent join `redactor`.
// The names of the secrets injected, or why the request must not go.
using SecretValues = std::map<std::string, std::string>;
Result<QStringList> injectRule(InjectableRequest &request, const EgressInjections &inject,
    const Result<SecretValues> &values, SecretRedactor &redactor);

// For the request's log entry: the placeholders it carries where the rule
// injects nothing (they go out unchanged); empty when none.
QString placeholderNote(Inspection *inspection, const InjectableRequest &request);

// Why a request carrying `field` (one some servers act on instead of the
// method or path) is refused where the rules decide by them; empty when
// it may go.
QString overrideFieldRefusal(
    const std::string &field, const QList<EgressRule> &rules, const Destination &dest);

inline QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

// The body of a refusal: "Paddock egress: <reason>\n".
std::string refusalBody(const QString &reason);
// What X-Paddock-Egress says of a refusal with this status.
const char *refusalKind(unsigned status);

} // namespace paddock::egress

// paddock-handler: runs the JavaScript handlers of inspect rules for the
// engine (engine/src/egress/handler/handler_runner.h), one call at a time,
// read from stdin and answered on stdout (handler_wire.h). It holds the
// secrets of the call in flight and nothing else of the engine's; it is
// confined before it reads anything (confinement.h) and bounded while a
// script runs (run_bounds.h). When the engine goes, stdin ends and so
// does the helper.
#include "confinement.h"
#include "egress/handler/handler_wire.h"
#include "handler_runtime.h"
#include "run_bounds.h"

#include <QCoreApplication>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace {

constexpr qint64 kMaxResident = 256LL * 1024 * 1024;
constexpr qint64 kMaxAddressSpace = 4LL * 1024 * 1024 * 1024;

bool writeAll(const QByteArray &bytes)
{
    for (qsizetype done = 0; done < bytes.size();) {
        const ssize_t n = ::write(1, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += n;
    }
    return true;
}

int fatal(const QString &message)
{
    std::fprintf(stderr, "paddock-handler: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    // Opened now: once confined there is no /proc to open it from. The
    // watch thread starts only after confine(): a process must be single-
    // threaded to enter a user namespace.
    const int statm = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (statm < 0) return fatal(QStringLiteral("cannot read its own memory use"));
    if (const QString problem = paddock::handler::confine(kMaxAddressSpace, statm);
        !problem.isEmpty())
        return fatal(problem);
    paddock::handler::RunBounds bounds(kMaxResident, statm);
    paddock::handler::HandlerRuntime runtime(bounds);
    paddock::egress::HandlerFrameReader reader;
    char buf[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0; // the engine is gone
        reader.append(QByteArray(buf, qsizetype(n)));
        while (auto message = reader.next()) {
            if (!*message) return fatal(message->error().message);
            if (!writeAll(paddock::egress::handlerFrame(runtime.run(**message)))) return 0;
        }
    }
}

#include "confinement.h"

#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace paddock::handler {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

struct FilterDeleter {
    void operator()(void *ctx) const { seccomp_release(ctx); }
};

QString denyCalls()
{
    std::unique_ptr<void, FilterDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
    if (!ctx) return QStringLiteral("cannot build a seccomp filter");
    for (const char *name : { "socket", "socketpair", "connect", "bind", "listen", "accept",
             "accept4", "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev" }) {
        const int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) continue; // not on this architecture
        if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), nr, 0); rc < 0)
            return QStringLiteral("seccomp rule for %1: %2")
                .arg(QLatin1String(name), QString::fromLocal8Bit(std::strerror(-rc)));
    }
    if (int rc = seccomp_load(ctx.get()); rc < 0)
        return QStringLiteral("cannot load the seccomp filter: %1")
            .arg(QString::fromLocal8Bit(std::strerror(-rc)));
    return {};
}

} // namespace

QString confine(qint64 maxAddressSpace)
{
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return QStringLiteral("cannot set no_new_privs: %1")
            .arg(QString::fromLocal8Bit(std::strerror(errno)));
    if (!kSanitized) {
        const rlimit limit { rlim_t(maxAddressSpace), rlim_t(maxAddressSpace) };
        if (::setrlimit(RLIMIT_AS, &limit) != 0)
            return QStringLiteral("cannot bound the address space: %1")
                .arg(QString::fromLocal8Bit(std::strerror(errno)));
    }
    const rlimit noCore { 0, 0 };
    ::setrlimit(RLIMIT_CORE, &noCore); // a crash must not write the secrets it held to disk
    return denyCalls();
}

} // namespace paddock::handler

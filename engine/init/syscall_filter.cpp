#include "syscall_filter.h"

#include "syscall_policy.h"
#include "paddock/unique_fd.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>
#include <memory>
#include <string>

namespace paddock::init {

namespace {

using namespace policy;

struct ContextDeleter {
    void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

// libseccomp reports failures as negative errno values.
Status fromLibseccomp(int rc, const std::string &step)
{
    return rc < 0 ? failure(step, -rc) : success();
}

int syscallNumber(const char *name) { return seccomp_syscall_resolve_name(name); }

scmp_arg_cmp compare(unsigned arg, scmp_compare op, uint64_t a, uint64_t b = 0) { return { arg, op, a, b }; }
scmp_arg_cmp masked(const ArgMatch &m) { return compare(m.arg, SCMP_CMP_MASKED_EQ, m.mask, m.value); }

constexpr uint64_t kLow32 = 0xffffffffu;

Status addRule(const Context &ctx, uint32_t action, const char *name, std::initializer_list<scmp_arg_cmp> cmps)
{
    int nr = syscallNumber(name);
    if (nr == __NR_SCMP_ERROR)
        return failure(std::string("syscall filter: unknown system call ") + name, EINVAL);
    int rc = seccomp_rule_add_exact_array(ctx.get(), action, nr, unsigned(cmps.size()), cmps.begin());
    return fromLibseccomp(rc, std::string("syscall filter: rule for ") + name);
}

// `match`, and `alsoMatch` when it has a condition (both must hold).
Status addMatchRule(const Context &ctx, uint32_t action, const char *name, const ArgMatch &match, const ArgMatch &alsoMatch)
{
    if (alsoMatch.mask != 0)
        return addRule(ctx, action, name, { masked(match), masked(alsoMatch) });
    return addRule(ctx, action, name, { masked(match) });
}

// Foreign ABIs (32-bit int 0x80, x32) would need tables of their own, and
// their socketcall/ipc multiplexers hide arguments from a filter: a process
// that uses one is killed rather than let through.
Status newContext(Context &ctx, uint32_t defaultAction)
{
    ctx.reset(seccomp_init(defaultAction));
    if (!ctx)
        return failure("syscall filter: seccomp_init", ENOMEM);
    PADDOCK_TRY(fromLibseccomp(seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS),
                               "syscall filter: foreign ABI action"));
    // no_new_privs is the workload's own step; the filter is loaded by hand.
    return fromLibseccomp(seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0), "syscall filter: nnp attribute");
}

uint32_t actionFor(Verdict v)
{
    switch (v) {
    case Verdict::Allowed:
        return SCMP_ACT_ALLOW;
    case Verdict::Denied:
        return SCMP_ACT_ERRNO(EPERM);
    case Verdict::Absent:
        break;
    }
    return SCMP_ACT_ERRNO(ENOSYS);
}

Status buildSyscallLayer(Context &ctx)
{
    PADDOCK_TRY(newContext(ctx, SCMP_ACT_ERRNO(ENOSYS)));
    // Hundreds of rules: a binary search beats a linear chain per call.
    PADDOCK_TRY(fromLibseccomp(seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2),
                               "syscall filter: optimize attribute"));
    for (const SyscallRule &rule : syscallRules())
        if (rule.verdict != Verdict::Absent) // the default already says ENOSYS
            PADDOCK_TRY(addRule(ctx, actionFor(rule.verdict), rule.name, {}));
    return success();
}

Status buildArgumentLayer(Context &ctx)
{
    const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
    PADDOCK_TRY(newContext(ctx, SCMP_ACT_ALLOW));
    for (const DeniedArguments &d : deniedArguments())
        PADDOCK_TRY(addMatchRule(ctx, deny, d.syscall, d.match, d.alsoMatch));
    // One rule per bit: rules are alternatives, comparisons within a rule
    // must all hold.
    for (const DeniedFlagBits &d : deniedFlagBits())
        for (int b = 0; b < 64; ++b)
            if (uint64_t bit = uint64_t(1) << b; d.bits & bit)
                PADDOCK_TRY(addRule(ctx, deny, d.syscall, { masked({ d.arg, bit, bit }) }));
    // On the low 32 bits, which are all the kernel reads of an int: a high
    // bit set cannot dodge the check, and does not make a value another.
    for (const AllowedSmallValues &a : allowedSmallValues()) {
        for (int b = 6; b < 32; ++b) // 64 or more
            PADDOCK_TRY(addRule(ctx, deny, a.syscall, { masked({ a.arg, uint64_t(1) << b, uint64_t(1) << b }) }));
        for (uint64_t v = 0; v < 64; ++v)
            if (!(a.allowed & (uint64_t(1) << v)))
                PADDOCK_TRY(addRule(ctx, deny, a.syscall, { masked({ a.arg, kLow32, v }) }));
    }
    return success();
}

Status buildReportLayer(Context &ctx)
{
    PADDOCK_TRY(newContext(ctx, SCMP_ACT_ALLOW));
    for (const ReportedCall &r : reportedCalls())
        PADDOCK_TRY(addMatchRule(ctx, SCMP_ACT_NOTIFY, r.syscall, r.match, r.alsoMatch));
    return success();
}

// libseccomp writes BPF to an fd; a memfd brings it back into memory.
Status exportProgram(const Context &ctx, std::vector<sock_filter> &out)
{
    UniqueFd mem(::memfd_create("paddock-seccomp", MFD_CLOEXEC));
    if (!mem.valid())
        return failure("syscall filter: memfd_create");
    PADDOCK_TRY(fromLibseccomp(seccomp_export_bpf(ctx.get(), mem.get()), "syscall filter: export BPF"));
    off_t size = ::lseek(mem.get(), 0, SEEK_END);
    if (size <= 0 || size % off_t(sizeof(sock_filter)) != 0)
        return failure("syscall filter: exported BPF has a bad size", EINVAL);
    out.resize(size_t(size) / sizeof(sock_filter));
    if (::pread(mem.get(), out.data(), size_t(size), 0) != size)
        return failure("syscall filter: read back BPF");
    return success();
}

// Returns 0 or errno; with `listener`, the new notification fd goes there.
int load(const std::vector<sock_filter> &program, int *listener = nullptr)
{
    sock_fprog prog { static_cast<unsigned short>(program.size()), const_cast<sock_filter *>(program.data()) };
    const unsigned flags = listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
    long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0)
        return errno;
    if (listener)
        *listener = int(rc);
    return 0;
}

} // namespace

Status compileSyscallFilter(SyscallFilter &out)
{
    Context syscalls, arguments, reported;
    PADDOCK_TRY(buildSyscallLayer(syscalls));
    PADDOCK_TRY(buildArgumentLayer(arguments));
    PADDOCK_TRY(buildReportLayer(reported));
    PADDOCK_TRY(exportProgram(syscalls, out.syscalls));
    PADDOCK_TRY(exportProgram(arguments, out.arguments));
    PADDOCK_TRY(exportProgram(reported, out.reported));
    for (const auto *program : { &out.syscalls, &out.arguments, &out.reported })
        if (program->size() > BPF_MAXINSNS)
            return failure("syscall filter: program longer than the kernel accepts", E2BIG);
    return success();
}

int installSyscallFilter(const SyscallFilter &filter, int *listener)
{
    if (filter.syscalls.empty() || filter.arguments.empty() || filter.reported.empty())
        return EINVAL; // never run a workload without its filter
    // The kernel runs the newest filter first and, between two errno
    // results, keeps the newest one's: the argument layer goes after the
    // syscall layer so its EPERM wins. The report layer's answer ranks below
    // any errno, whatever its place.
    if (int err = load(filter.syscalls))
        return err;
    if (int err = load(filter.arguments))
        return err;
    return load(filter.reported, listener);
}

} // namespace paddock::init

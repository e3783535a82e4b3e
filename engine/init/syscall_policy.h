// Which system calls a workload may make, as data (syscall_policy.cpp).
//
// Every x86_64 system call the kernel has is in exactly one list:
//   allowed  — runs;
//   denied   — fails with EPERM, so tools report "operation not permitted"
//              and carry on (mount, keyctl, bpf, io_uring, …);
//   absent   — fails with ENOSYS, as on a kernel without it, where libc
//              falls back to an older call (clone3 → clone).
// A call in none of them (one newer than this table) is also absent, so a
// newer libc still falls back rather than failing hard.
//
// Some allowed calls are dangerous only with certain arguments (clone with
// namespace flags, socket for raw packets, ioctl TIOCSTI). Those arguments
// are denied by a second filter, which the kernel evaluates after the first:
// a seccomp allowlist cannot express "allowed except", so the two layers
// are kept apart and each stays simple.
//
// A third filter catches the calls that exist only to get around the egress
// interception (raw sockets, firewall and route changes): they fail with
// EPERM too, but the answer comes from PID 1 (seccomp user notification),
// which sees who asked and reports the attempt to the engine's egress log.
// The kernel would refuse them anyway (workloads have no CAP_NET_RAW or
// CAP_NET_ADMIN); this filter is there to see the attempt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace paddock::init::policy {

enum class Verdict : uint8_t { Allowed, Denied, Absent };

struct SyscallRule {
    const char *name;
    Verdict verdict;
};

// "(argument & mask) == value", compared on all 64 bits of the argument.
struct ArgMatch {
    unsigned arg = 0;
    uint64_t mask = 0; // 0: no condition
    uint64_t value = 0;
};

// Denied when every given match holds.
struct DeniedArguments {
    const char *syscall;
    ArgMatch match;
    ArgMatch alsoMatch; // optional second condition on another argument
    const char *why;
};

// Denied when any of these bits is set in the argument.
struct DeniedFlagBits {
    const char *syscall;
    unsigned arg;
    uint64_t bits;
    const char *why;
};

// Only the small values whose bit is set in `allowed` pass; any other
// value, including every value of 64 or more, is denied. Compared on the
// low 32 bits, as the kernel reads an int argument.
struct AllowedSmallValues {
    const char *syscall;
    unsigned arg;
    uint64_t allowed;
    const char *why;
};

// Refused by PID 1 and reported, when every given match holds. The kernel
// decides an errno from another filter first: no other layer may deny
// these, or the attempt would go unseen.
struct ReportedCall {
    const char *syscall;
    ArgMatch match;
    ArgMatch alsoMatch; // optional
    const char *protocol; // the egress log's protocol column
    const char *what; // for a person
    bool matches(const uint64_t (&args)[6]) const
    {
        auto holds = [&](const ArgMatch &m) { return m.mask == 0 || (args[m.arg] & m.mask) == m.value; };
        return holds(match) && holds(alsoMatch);
    }
};

std::span<const SyscallRule> syscallRules();
std::span<const DeniedArguments> deniedArguments();
std::span<const DeniedFlagBits> deniedFlagBits();
std::span<const AllowedSmallValues> allowedSmallValues();
std::span<const ReportedCall> reportedCalls();

} // namespace paddock::init::policy

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
// value, including every value of 64 or more, is denied.
struct AllowedSmallValues {
    const char *syscall;
    unsigned arg;
    uint64_t allowed;
    const char *why;
};

std::span<const SyscallRule> syscallRules();
std::span<const DeniedArguments> deniedArguments();
std::span<const DeniedFlagBits> deniedFlagBits();
std::span<const AllowedSmallValues> allowedSmallValues();

} // namespace paddock::init::policy

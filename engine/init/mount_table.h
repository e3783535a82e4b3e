// What a sandbox's filesystem is made of, as data (systemd's habit: tables,
// not branches). sandbox_setup.cpp walks these in order.
#pragma once

#include <sys/mount.h>

namespace paddock::init {

// Kernel filesystems mounted inside the new root, in this order. Targets are
// relative to the new root and exist in the base layer.
struct KernelMount {
    const char *fstype;
    const char *target;
    unsigned long flags;
    const char *data;
};

inline constexpr KernelMount kKernelMounts[] = {
    { "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr },
    { "tmpfs", "dev", MS_NOSUID | MS_STRICTATIME, "mode=755,size=1m" },
    { "tmpfs", "dev/shm", MS_NOSUID | MS_NODEV, "mode=1777" },
    // A private devpts instance: the sandbox's terminals are invisible outside.
    // No gid= option: gid 5 is not mapped in the sandbox's user namespace.
    { "devpts", "dev/pts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620" },
    { "tmpfs", "tmp", MS_NOSUID | MS_NODEV, "mode=1777" },
    { "tmpfs", "run", MS_NOSUID | MS_NODEV, "mode=755" },
};

// Device nodes bind-mounted from the host: an unprivileged user namespace
// cannot mknod, and these are the only devices a workload gets.
inline constexpr const char *kDevices[] = { "null", "zero", "full", "random", "urandom", "tty" };

struct DevLink {
    const char *name;
    const char *target;
};

inline constexpr DevLink kDevLinks[] = {
    { "ptmx", "pts/ptmx" },
    { "fd", "/proc/self/fd" },
    { "stdin", "/proc/self/fd/0" },
    { "stdout", "/proc/self/fd/1" },
    { "stderr", "/proc/self/fd/2" },
};

inline constexpr const char *kDevDirs[] = { "pts", "shm" };

// Kernel interfaces a workload must not read or write, hidden as container
// runtimes hide them (crun/runc defaults): files get /dev/null bound over
// them, directories an empty read-only tmpfs. Paths inside the new root.
inline constexpr const char *kMaskedPaths[] = {
    "proc/acpi", "proc/asound", "proc/kcore", "proc/keys", "proc/latency_stats",
    "proc/timer_list", "proc/timer_stats", "proc/sched_debug", "proc/scsi", "proc/sysrq-trigger",
    "proc/kallsyms", "proc/kmsg", "proc/config.gz",
};

// Readable, never writable (bind-mounted over themselves, read-only).
inline constexpr const char *kReadOnlyPaths[] = {
    "proc/bus", "proc/fs", "proc/irq", "proc/sys",
};

} // namespace paddock::init

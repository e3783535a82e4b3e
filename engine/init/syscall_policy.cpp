// The workload's system call policy, as data. See syscall_policy.h for what
// the three verdicts mean; syscall_filter.cpp turns this into BPF.
//
// The baseline is Docker's default profile for a container without
// capabilities (the workload has none), x86_64 names only. Beyond it, this
// table also denies io_uring (below). tst_syscall_policy checks that every
// system call libseccomp knows is in exactly one list.
#include "syscall_policy.h"

#include <linux/netlink.h>
#include <linux/sockios.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

namespace paddock::init::policy {

namespace {

constexpr SyscallRule allow(const char *name) { return { name, Verdict::Allowed }; }
constexpr SyscallRule deny(const char *name) { return { name, Verdict::Denied }; }
constexpr SyscallRule absent(const char *name) { return { name, Verdict::Absent }; }

constexpr SyscallRule kSyscalls[] = {
    // What ordinary programs use: files, memory, processes, signals,
    // sockets, time, IPC. ptrace and process_vm_* reach only the sandbox's
    // own processes (its pid namespace holds nothing else).
    allow("accept"), allow("accept4"), allow("access"), allow("adjtimex"), allow("alarm"), allow("arch_prctl"), allow("bind"),
    allow("brk"), allow("cachestat"), allow("capget"), allow("capset"), allow("chdir"), allow("chmod"), allow("chown"),
    allow("clock_adjtime"), allow("clock_getres"), allow("clock_gettime"), allow("clock_nanosleep"), allow("clone"),
    allow("close"), allow("close_range"), allow("connect"), allow("copy_file_range"), allow("creat"), allow("dup"),
    allow("dup2"), allow("dup3"), allow("epoll_create"), allow("epoll_create1"), allow("epoll_ctl"), allow("epoll_ctl_old"),
    allow("epoll_pwait"), allow("epoll_pwait2"), allow("epoll_wait"), allow("epoll_wait_old"), allow("eventfd"),
    allow("eventfd2"), allow("execve"), allow("execveat"), allow("exit"), allow("exit_group"), allow("faccessat"),
    allow("faccessat2"), allow("fadvise64"), allow("fallocate"), allow("fanotify_mark"), allow("fchdir"), allow("fchmod"),
    allow("fchmodat"), allow("fchmodat2"), allow("fchown"), allow("fchownat"), allow("fcntl"), allow("fdatasync"),
    allow("fgetxattr"), allow("flistxattr"), allow("flock"), allow("fork"), allow("fremovexattr"), allow("fsetxattr"),
    allow("fstat"), allow("fstatfs"), allow("fsync"), allow("ftruncate"), allow("futex"), allow("futex_requeue"),
    allow("futex_wait"), allow("futex_waitv"), allow("futex_wake"), allow("futimesat"), allow("get_robust_list"),
    allow("get_thread_area"), allow("getcpu"), allow("getcwd"), allow("getdents"), allow("getdents64"), allow("getegid"),
    allow("geteuid"), allow("getgid"), allow("getgroups"), allow("getitimer"), allow("getpeername"), allow("getpgid"),
    allow("getpgrp"), allow("getpid"), allow("getppid"), allow("getpriority"), allow("getrandom"), allow("getresgid"),
    allow("getresuid"), allow("getrlimit"), allow("getrusage"), allow("getsid"), allow("getsockname"), allow("getsockopt"),
    allow("gettid"), allow("gettimeofday"), allow("getuid"), allow("getxattr"), allow("inotify_add_watch"),
    allow("inotify_init"), allow("inotify_init1"), allow("inotify_rm_watch"), allow("io_cancel"), allow("io_destroy"),
    allow("io_getevents"), allow("io_pgetevents"), allow("io_setup"), allow("io_submit"), allow("ioctl"),
    allow("ioprio_get"), allow("ioprio_set"), allow("kill"), allow("landlock_add_rule"),
    allow("landlock_create_ruleset"), allow("landlock_restrict_self"), allow("lchown"), allow("lgetxattr"),
    allow("link"), allow("linkat"), allow("listen"), allow("listxattr"), allow("llistxattr"), allow("lremovexattr"),
    allow("lseek"), allow("lsetxattr"), allow("lstat"), allow("madvise"), allow("map_shadow_stack"), allow("membarrier"),
    allow("memfd_create"), allow("memfd_secret"), allow("mincore"), allow("mkdir"), allow("mkdirat"), allow("mknod"),
    allow("mknodat"), allow("mlock"), allow("mlock2"), allow("mlockall"), allow("mmap"), allow("modify_ldt"), allow("mprotect"),
    allow("mq_getsetattr"), allow("mq_notify"), allow("mq_open"), allow("mq_timedreceive"), allow("mq_timedsend"),
    allow("mq_unlink"), allow("mremap"), allow("msgctl"), allow("msgget"), allow("msgrcv"), allow("msgsnd"), allow("msync"),
    allow("munlock"), allow("munlockall"), allow("munmap"), allow("name_to_handle_at"), allow("nanosleep"),
    allow("newfstatat"), allow("open"), allow("openat"), allow("openat2"), allow("pause"), allow("personality"),
    allow("pidfd_open"), allow("pidfd_send_signal"), allow("pipe"), allow("pipe2"), allow("pkey_alloc"), allow("pkey_free"),
    allow("pkey_mprotect"), allow("poll"), allow("ppoll"), allow("prctl"), allow("pread64"), allow("preadv"), allow("preadv2"),
    allow("prlimit64"), allow("process_mrelease"), allow("process_vm_readv"), allow("process_vm_writev"),
    allow("pselect6"), allow("ptrace"), allow("pwrite64"), allow("pwritev"), allow("pwritev2"), allow("read"),
    allow("readahead"), allow("readlink"), allow("readlinkat"), allow("readv"), allow("recvfrom"), allow("recvmmsg"),
    allow("recvmsg"), allow("remap_file_pages"), allow("removexattr"), allow("rename"), allow("renameat"),
    allow("renameat2"), allow("restart_syscall"), allow("rmdir"), allow("rseq"), allow("rt_sigaction"),
    allow("rt_sigpending"), allow("rt_sigprocmask"), allow("rt_sigqueueinfo"), allow("rt_sigreturn"),
    allow("rt_sigsuspend"), allow("rt_sigtimedwait"), allow("rt_tgsigqueueinfo"), allow("sched_get_priority_max"),
    allow("sched_get_priority_min"), allow("sched_getaffinity"), allow("sched_getattr"), allow("sched_getparam"),
    allow("sched_getscheduler"), allow("sched_rr_get_interval"), allow("sched_setaffinity"), allow("sched_setattr"),
    allow("sched_setparam"), allow("sched_setscheduler"), allow("sched_yield"), allow("seccomp"), allow("select"),
    allow("semctl"), allow("semget"), allow("semop"), allow("semtimedop"), allow("sendfile"), allow("sendmmsg"),
    allow("sendmsg"), allow("sendto"), allow("set_robust_list"), allow("set_thread_area"), allow("set_tid_address"),
    allow("setfsgid"), allow("setfsuid"), allow("setgid"), allow("setgroups"), allow("setitimer"), allow("setpgid"),
    allow("setpriority"), allow("setregid"), allow("setresgid"), allow("setresuid"), allow("setreuid"), allow("setrlimit"),
    allow("setsid"), allow("setsockopt"), allow("setuid"), allow("setxattr"), allow("shmat"), allow("shmctl"), allow("shmdt"),
    allow("shmget"), allow("shutdown"), allow("sigaltstack"), allow("signalfd"), allow("signalfd4"), allow("socket"),
    allow("socketpair"), allow("splice"), allow("stat"), allow("statfs"), allow("statx"), allow("symlink"), allow("symlinkat"),
    allow("sync"), allow("sync_file_range"), allow("syncfs"), allow("sysinfo"), allow("tee"), allow("tgkill"), allow("time"),
    allow("timer_create"), allow("timer_delete"), allow("timer_getoverrun"), allow("timer_gettime"),
    allow("timer_settime"), allow("timerfd_create"), allow("timerfd_gettime"), allow("timerfd_settime"), allow("times"),
    allow("tkill"), allow("truncate"), allow("umask"), allow("uname"), allow("unlink"), allow("unlinkat"), allow("utime"),
    allow("utimensat"), allow("utimes"), allow("vfork"), allow("vmsplice"), allow("wait4"), allow("waitid"), allow("write"),
    allow("writev"),

    // Mounts and namespaces: the sandbox's shape is PID 1's to decide.
    deny("mount"), deny("umount2"), deny("pivot_root"), deny("chroot"), deny("unshare"),
    deny("setns"), deny("open_tree"), deny("move_mount"), deny("fsopen"), deny("fsconfig"),
    deny("fsmount"), deny("fspick"), deny("mount_setattr"),
    // Kernel keyrings are not namespaced: a key added here is the host user's.
    deny("add_key"), deny("request_key"), deny("keyctl"),
    // Programs run in the kernel, kernel tracing, and page-fault handling in
    // user space: the classic ways to reach kernel bugs or time races.
    deny("bpf"), deny("perf_event_open"), deny("userfaultfd"), deny("lookup_dcookie"),
    deny("fanotify_init"),
    // io_uring: its operations run in the kernel without passing through
    // seccomp, so this filter could not see what they do; it is also the
    // largest source of recent kernel escapes. Programs fall back to
    // ordinary I/O (libuv, tokio, liburing users all probe for it).
    deny("io_uring_setup"), deny("io_uring_enter"), deny("io_uring_register"),
    // Replacing or extending the kernel.
    deny("kexec_load"), deny("kexec_file_load"), deny("init_module"), deny("finit_module"),
    deny("delete_module"),
    // Host-wide state: power, swap, clocks, accounting, names, quotas, the
    // kernel log, terminals' hangup, raw I/O ports.
    deny("reboot"), deny("swapon"), deny("swapoff"), deny("settimeofday"), deny("clock_settime"),
    deny("acct"), deny("sethostname"), deny("setdomainname"), deny("quotactl"), deny("quotactl_fd"),
    deny("syslog"), deny("vhangup"), deny("iopl"), deny("ioperm"),
    // Opening any file on a filesystem by handle bypasses the mount tree
    // (the "shocker" container escape).
    deny("open_by_handle_at"),
    // Other processes' fds and memory policy: Docker allows these only
    // with CAP_SYS_PTRACE or CAP_SYS_NICE.
    deny("kcmp"), deny("pidfd_getfd"), deny("process_madvise"), deny("mbind"),
    deny("set_mempolicy"), deny("get_mempolicy"), deny("set_mempolicy_home_node"),
    deny("migrate_pages"), deny("move_pages"),
    // Obsolete interfaces with no use left but attack surface.
    deny("_sysctl"), deny("sysfs"), deny("ustat"), deny("uselib"),

    // glibc tries clone3 first and falls back to clone on ENOSYS; clone3's
    // flags sit in memory, where a filter cannot check them for namespaces.
    absent("clone3"),
    // Numbers the kernel reserves but never implemented.
    absent("afs_syscall"), absent("tuxcall"), absent("security"), absent("vserver"),
    absent("getpmsg"), absent("putpmsg"), absent("create_module"), absent("get_kernel_syms"),
    absent("query_module"), absent("nfsservctl"),
};

// The kernel compares only the low 32 bits of ioctl's request and of
// socket's int arguments: each match masks the high half off, so setting a
// high bit cannot slip past.
constexpr uint64_t kLow32 = 0xffffffffu;
// socket(2) ORs SOCK_NONBLOCK/SOCK_CLOEXEC into the type.
constexpr uint64_t kSocketTypeMask = 0xf;

constexpr DeniedArguments kDeniedArguments[] = {
    { "ioctl", { 1, kLow32, TIOCSTI }, {}, "push input into a terminal another program reads" },
    { "ioctl", { 1, kLow32, TIOCLINUX }, {}, "virtual console control, including selection paste" },
};

constexpr uint64_t kNamespaceCloneFlags = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC
    | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
// Docker's personalities: plain Linux, 32-bit uname, and the 2.6 uname.
constexpr uint64_t kAllowedPersonalityBits = uint64_t(PER_LINUX32) | uint64_t(UNAME26);

constexpr DeniedFlagBits kDeniedFlagBits[] = {
    { "clone", 0, kNamespaceCloneFlags, "new namespaces" },
    // MMAP_PAGE_ZERO, READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE and the rest
    // weaken the process's own memory protections. The query 0xffffffff
    // is denied too: a filter cannot tell it from "set every bit".
    { "personality", 0, kLow32 & ~kAllowedPersonalityBits, "execution domains that weaken memory protection" },
};

constexpr uint64_t bit(int n) { return uint64_t(1) << n; }

// Unix, IPv4, IPv6 and netlink (which ip(8) and getaddrinfo use). Vsock,
// bluetooth, crypto, key and the rest are denied. Packet sockets pass this
// layer only to be refused and reported by kReportedCalls.
constexpr AllowedSmallValues kAllowedSmallValues[] = {
    { "socket", 0, bit(AF_UNIX) | bit(AF_INET) | bit(AF_INET6) | bit(AF_NETLINK) | bit(AF_PACKET), "address families" },
};

// Ways around the egress interception. `ip route` changes are not here: they
// travel as netlink messages on the NETLINK_ROUTE socket every resolver
// opens, whose contents no filter can read; the kernel refuses them.
constexpr ReportedCall kReportedCalls[] = {
    { "socket", { 0, kLow32, AF_INET }, { 1, kSocketTypeMask, SOCK_RAW }, "raw-socket", "raw IPv4 socket" },
    { "socket", { 0, kLow32, AF_INET6 }, { 1, kSocketTypeMask, SOCK_RAW }, "raw-socket", "raw IPv6 socket" },
    { "socket", { 0, kLow32, AF_INET }, { 1, kSocketTypeMask, SOCK_PACKET }, "packet-socket", "link-level socket (SOCK_PACKET)" },
    { "socket", { 0, kLow32, AF_PACKET }, {}, "packet-socket", "packet socket" },
    { "socket", { 0, kLow32, AF_NETLINK }, { 2, kLow32, NETLINK_NETFILTER }, "firewall",
      "firewall change (a netfilter socket, as nft and iptables open)" },
    { "ioctl", { 1, kLow32, SIOCADDRT }, {}, "route", "route change (SIOCADDRT)" },
    { "ioctl", { 1, kLow32, SIOCDELRT }, {}, "route", "route change (SIOCDELRT)" },
};

} // namespace

std::span<const SyscallRule> syscallRules() { return kSyscalls; }
std::span<const DeniedArguments> deniedArguments() { return kDeniedArguments; }
std::span<const DeniedFlagBits> deniedFlagBits() { return kDeniedFlagBits; }
std::span<const AllowedSmallValues> allowedSmallValues() { return kAllowedSmallValues; }
std::span<const ReportedCall> reportedCalls() { return kReportedCalls; }

} // namespace paddock::init::policy

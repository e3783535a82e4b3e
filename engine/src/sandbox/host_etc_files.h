// What of the host's /etc a sandbox sees (copied into the base image). Only
// what programs need to run offline: the dynamic linker's cache, Debian's
// alternatives symlinks, CA certificates, name-service and shell defaults.
// Nothing with secrets, users' data or the host's network identity: so not
// /etc/environment, which is pure data and often holds proxy URLs with
// credentials (no program in a sandbox reads it; Paddock writes it empty).
// The shell start-up scripts (profile, profile.d, bash.bashrc) are copied
// as code a shell needs; credentials an administrator writes into them
// would reach the sandbox too (README, security).
#pragma once

namespace paddock::sandbox {

inline constexpr const char *kHostEtcEntries[] = {
    "alternatives", "bash.bashrc", "ca-certificates.conf", "debian_version",
    "inputrc", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "login.defs",
    "mime.types", "nsswitch.conf", "os-release", "profile", "profile.d", "protocols", "services",
    "ssl/certs", "ssl/openssl.cnf", "terminfo", "timezone",
};

// Files Paddock writes itself, as path and content.
struct GeneratedFile {
    const char *path;
    const char *content;
};

inline constexpr GeneratedFile kGeneratedEtcFiles[] = {
    { "passwd", "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" },
    { "group", "root:x:0:\nnogroup:x:65534:\n" },
    { "hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" },
    { "resolv.conf", "" },
    { "environment", "" },
};

// Top-level directories of the sandbox's root, and the merged-/usr links.
inline constexpr const char *kRootDirs[] = { "dev", "etc", "home", "mnt", "opt", "proc", "root",
                                             "run", "srv", "sys", "tmp", "usr", "var",
                                             "var/tmp", "var/cache", "var/lib", "var/log" };

inline constexpr const char *kUsrLinks[] = { "bin", "lib", "lib32", "lib64", "libx32", "sbin" };

} // namespace paddock::sandbox

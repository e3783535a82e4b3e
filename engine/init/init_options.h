// Command line of paddock-init, as the engine's launcher writes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace paddock::init {

struct InitOptions {
    std::string sandboxId;
    std::string hostname;
    std::string socketPath; // host path of the control socket
    std::string stateDir; // data/sandboxes/<id>: upper/, work/, rootfs/, logs/
    std::string baseDir; // read-only lower layer of / (minimal /etc, top-level dirs)
    std::string usrSkeletonDir; // directories of /usr owned by the user, stacked over /usr
    std::string trustDir; // read-only layer over baseDir: the CA bundle sandboxes trust
    // Optional: cgroups to join before anything is forked (--cgroup DIR,
    // repeated), and RLIMIT_DATA for every process (--data-limit BYTES).
    std::vector<std::string> cgroupDirs;
    uint64_t dataLimit = 0;

    std::string upper(const char *layer) const { return stateDir + "/upper/" + layer; }
    std::string work(const char *layer) const { return stateDir + "/work/" + layer; }
    std::string rootfs() const { return stateDir + "/rootfs"; }
    std::string logsDir() const { return stateDir + "/logs"; }
};

// Fills `out` from argv; on error returns a message for the user.
bool parseOptions(int argc, char **argv, InitOptions &out, std::string &error);

} // namespace paddock::init

#include "init_options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace paddock::init {

namespace {

struct Flag {
    const char *name;
    std::string InitOptions::*field;
};

constexpr Flag kFlags[] = {
    { "--id", &InitOptions::sandboxId },
    { "--hostname", &InitOptions::hostname },
    { "--socket", &InitOptions::socketPath },
    { "--state", &InitOptions::stateDir },
    { "--base", &InitOptions::baseDir },
    { "--usr-skeleton", &InitOptions::usrSkeletonDir },
    { "--trust", &InitOptions::trustDir },
};

// The flags that may be left out; false when `name` is none of them.
bool parseOptional(const char *name, const char *value, InitOptions &out, std::string &error)
{
    if (std::strcmp(name, "--cgroup") == 0) {
        if (value[0] != '/')
            error = std::string("--cgroup wants an absolute directory: ") + value;
        out.cgroupDirs.emplace_back(value);
        return true;
    }
    if (std::strcmp(name, "--data-limit") == 0) {
        char *end = nullptr;
        errno = 0;
        out.dataLimit = std::strtoull(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || value[0] == '-')
            error = std::string("--data-limit wants a number of bytes: ") + value;
        return true;
    }
    return false;
}

} // namespace

bool parseOptions(int argc, char **argv, InitOptions &out, std::string &error)
{
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 < argc && parseOptional(argv[i], argv[i + 1], out, error)) {
            if (!error.empty())
                return false;
            continue;
        }
        const Flag *match = nullptr;
        for (const Flag &f : kFlags)
            if (std::strcmp(argv[i], f.name) == 0)
                match = &f;
        if (!match || i + 1 >= argc) {
            error = std::string("unknown or incomplete option: ") + argv[i];
            return false;
        }
        out.*(match->field) = argv[i + 1];
    }
    for (const Flag &f : kFlags) {
        if ((out.*(f.field)).empty()) {
            error = std::string("missing option ") + f.name;
            return false;
        }
    }
    return true;
}

} // namespace paddock::init

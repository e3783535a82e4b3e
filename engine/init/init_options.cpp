#include "init_options.h"

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

} // namespace

bool parseOptions(int argc, char **argv, InitOptions &out, std::string &error)
{
    for (int i = 1; i < argc; i += 2) {
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

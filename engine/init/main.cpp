// paddock-init: PID 1 of every sandbox. See launcher.h for the sequence.
#include "init_options.h"
#include "launcher.h"

#include <sys/auxv.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// /proc/1/cmdline is readable by every process in the sandbox, and ours
// names host paths (the data dir, the user's cache). Once parsed, the
// arguments are overwritten in place: the kernel reads them from our memory.
void hideCommandLine(int argc, char **argv)
{
    char *end = argv[argc - 1] + std::strlen(argv[argc - 1]);
    std::memset(argv[0], 0, size_t(end - argv[0]));
    std::strcpy(argv[0], "paddock-init");
}

// The environment we were started with is the engine's (and so the user's
// shell's: API keys, proxy credentials). The engine starts us with none,
// but an older engine or a start by hand may not: wipe it before anything
// else, in place, because /proc/PID/environ reads these very bytes from
// our memory — and every files helper is a fork of that memory. The path
// this binary was run by (AT_EXECFN, beside the environment on the stack)
// names a host directory, so it goes too.
void forgetEnvironment(char **envp)
{
    for (char **var = envp; *var; ++var)
        std::memset(*var, 0, std::strlen(*var));
    if (auto *execFn = reinterpret_cast<char *>(::getauxval(AT_EXECFN)))
        std::memset(execFn, 0, std::strlen(execFn));
    ::clearenv();
}

} // namespace

int main(int argc, char **argv, char **envp)
{
    forgetEnvironment(envp);
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("paddock-init %s\n", PADDOCK_VERSION);
        return 0;
    }
    paddock::init::InitOptions opts;
    std::string error;
    if (!paddock::init::parseOptions(argc, argv, opts, error)) {
        std::fprintf(stderr, "paddock-init: %s\n", error.c_str());
        return 2;
    }
    hideCommandLine(argc, argv);
    return paddock::init::launch(opts);
}

#if defined(__SANITIZE_ADDRESS__)
// LeakSanitizer checks at exit from a helper task it clones; in the launcher
// that task lands in the sandbox's new pid namespace, cannot see its parent,
// and the launcher hangs. The asan preset keeps address and UB checking for
// paddock-init and leaves leak checking to the engine and tests.
extern "C" int __lsan_is_turned_off() { return 1; }
#endif

// A failed setup step: which step, and the errno it failed with.
//
// paddock-init builds with -fno-exceptions; every step returns a Status and
// the sequence in sandbox_setup.cpp stops at the first failure, so the error
// the user sees names exactly one step ("mount overlay on /usr: EPERM").
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

namespace paddock::init {

struct Status {
    std::string step; // empty when the step succeeded
    int error = 0;

    bool ok() const { return step.empty(); }
    std::string describe() const
    {
        if (ok())
            return "ok";
        if (error == 0)
            return step;
        return step + ": " + strerrorname_np(error) + " (" + std::strerror(error) + ")";
    }
};

inline Status success() { return {}; }
inline Status failure(std::string step, int error = errno) { return { std::move(step), error }; }

#define PADDOCK_TRY(expr)                                                                          \
    do {                                                                                           \
        ::paddock::init::Status status_ = (expr);                                                  \
        if (!status_.ok())                                                                         \
            return status_;                                                                        \
    } while (0)

} // namespace paddock::init

// One engine per data dir: an exclusive flock on data/engine.lock, released
// by the kernel when the engine exits or crashes.
#pragma once

#include "paddock/error.h"

namespace paddock {

class EngineLock {
public:
    static Result<EngineLock> acquire(const QString &path);
    EngineLock(EngineLock &&o) noexcept;
    EngineLock(const EngineLock &) = delete;
    ~EngineLock();

private:
    explicit EngineLock(int fd) : m_fd(fd) { }
    int m_fd = -1;
};

} // namespace paddock

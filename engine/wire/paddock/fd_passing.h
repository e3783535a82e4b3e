// Passing descriptors over a unix socket (SCM_RIGHTS), between PID 1, the
// processes it forks and the engine. Sending allocates nothing, so it is
// safe between fork and exec.
#pragma once

#include "paddock/unique_fd.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

namespace paddock {

inline constexpr size_t kMaxPassedFds = 8;

// Sends `len` bytes with `count` descriptors attached; true when all went.
inline bool sendWithFds(int sock, const void *bytes, size_t len, const int *fds, size_t count)
{
    if (count == 0 || count > kMaxPassedFds)
        return false;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)] = {};
    iovec iov { const_cast<void *>(bytes), len };
    msghdr mh {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * count);
    cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int) * count);
    std::memcpy(CMSG_DATA(cm), fds, sizeof(int) * count);
    return ::sendmsg(sock, &mh, MSG_NOSIGNAL) == ssize_t(len);
}

// Receives up to `len` bytes; the descriptors that came with them are
// appended to `fds` (close-on-exec), and `truncated` says whether the
// kernel had to drop some (more than kMaxPassedFds). Returns what recvmsg
// returned (0: the peer closed; -1 with errno).
inline ssize_t receiveWithFds(int sock, void *bytes, size_t len, std::vector<UniqueFd> &fds, bool &truncated)
{
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
    iovec iov { bytes, len };
    msghdr mh {};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    ssize_t n;
    do
        n = ::recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    truncated = n >= 0 && (mh.msg_flags & MSG_CTRUNC);
    for (cmsghdr *cm = n >= 0 ? CMSG_FIRSTHDR(&mh) : nullptr; cm; cm = CMSG_NXTHDR(&mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        const size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int passed;
            std::memcpy(&passed, CMSG_DATA(cm) + i * sizeof(int), sizeof passed);
            fds.emplace_back(passed);
        }
    }
    return n;
}

} // namespace paddock

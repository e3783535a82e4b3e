// Passing descriptors over a unix socket (SCM_RIGHTS), for PID 1 and the
// processes it forks. No allocation: safe between fork and exec.
#pragma once

#include "paddock/unique_fd.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace paddock::init {

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

// Receives up to `len` bytes; a descriptor that came with them lands in
// `fd` (close-on-exec). Returns what recvmsg returned (0: the peer closed).
inline ssize_t receiveWithFd(int sock, void *bytes, size_t len, UniqueFd &fd)
{
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
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
    for (cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&mh) : nullptr; cm; cm = CMSG_NXTHDR(&mh, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(sizeof(int))) {
            int passed;
            std::memcpy(&passed, CMSG_DATA(cm), sizeof passed);
            fd.reset(passed);
        }
    }
    return n;
}

} // namespace paddock::init

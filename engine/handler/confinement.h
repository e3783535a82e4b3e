// What paddock-handler gives up before it reads a script, so that even
// code running inside it (a bug in the JavaScript engine a request could
// reach) has nothing to work with:
//   - every descriptor it inherited but stdin, stdout, stderr and `keepFd`;
//   - the filesystem, the network and the engine: it moves into user,
//     mount, network and IPC namespaces of its own, with an empty root
//     (no /proc of the engine, no secrets file, no sockets to anywhere);
//   - new privileges, and system calls it has no use for (sockets, exec,
//     io_uring, namespaces, mounts, ptrace, other processes' memory and
//     descriptors) refused by a seccomp filter;
//   - outside sanitizer builds (whose shadow memory is terabytes of
//     address space), address space beyond a fixed bound — a backstop
//     under RunBounds' resident-memory watch.
// QJSEngine itself offers a script no file, process or network API.
#pragma once

#include <QString>

namespace paddock::handler {

// Empty when confined; else what could not be done (the helper then
// refuses to run: handlers never run unconfined).
QString confine(qint64 maxAddressSpace, int keepFd);

} // namespace paddock::handler

// What paddock-handler gives up before it reads a script: new privileges,
// the network and new programs (a seccomp filter makes socket(), connect()
// and exec fail), and — outside sanitizer builds, whose shadow memory is
// terabytes of address space — any address space beyond a fixed bound, a
// backstop under RunBounds' resident-memory watch. QJSEngine offers a
// script no file, process or network API of its own; this holds even if
// one were found.
#pragma once

#include <QString>

namespace paddock::handler {

// Empty when confined; else what could not be done (the helper then refuses to run).
QString confine(qint64 maxAddressSpace);

} // namespace paddock::handler

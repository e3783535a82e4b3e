// Terminals for foreground commands: a pty from the sandbox's own devpts
// instance (mounted newinstance), so nothing of it is visible outside.
#pragma once

#include "status.h"
#include "paddock/unique_fd.h"

#include <cstdint>

namespace paddock::init {

struct Terminal {
    UniqueFd master; // PID 1's end, non-blocking
    UniqueFd slave; // the command's stdin, stdout and stderr
};

Status openTerminal(uint16_t rows, uint16_t cols, Terminal &out);
// Sets the size; the kernel sends SIGWINCH to the terminal's foreground group.
Status resizeTerminal(int master, uint16_t rows, uint16_t cols);

} // namespace paddock::init

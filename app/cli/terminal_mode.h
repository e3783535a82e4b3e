// Puts the user's terminal in raw mode for `paddock shell` and restores it,
// whatever way the command ends.
#pragma once

#include <termios.h>

namespace paddock::cli {

class RawTerminal {
public:
    explicit RawTerminal(int fd); // no-op when fd is not a terminal
    ~RawTerminal();
    RawTerminal(const RawTerminal &) = delete;
    RawTerminal &operator=(const RawTerminal &) = delete;

private:
    int m_fd;
    bool m_active = false;
    termios m_saved {};
};

// The terminal's size, or 24×80 when fd is not a terminal.
struct CellSize {
    int rows = 24;
    int cols = 80;
};
CellSize terminalSize(int fd);

} // namespace paddock::cli

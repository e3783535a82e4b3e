#include "terminal_mode.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace paddock::cli {

RawTerminal::RawTerminal(int fd) : m_fd(fd)
{
    if (!::isatty(fd) || ::tcgetattr(fd, &m_saved) != 0)
        return;
    termios raw = m_saved;
    ::cfmakeraw(&raw); // every key goes to the sandbox's terminal, ^C included
    m_active = ::tcsetattr(fd, TCSANOW, &raw) == 0;
}

RawTerminal::~RawTerminal()
{
    if (m_active)
        ::tcsetattr(m_fd, TCSANOW, &m_saved);
}

CellSize terminalSize(int fd)
{
    winsize ws {};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        return { ws.ws_row, ws.ws_col };
    return {};
}

} // namespace paddock::cli

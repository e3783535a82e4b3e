#include "terminal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>

namespace paddock::init {

Status resizeTerminal(int master, uint16_t rows, uint16_t cols)
{
    winsize size {};
    size.ws_row = rows;
    size.ws_col = cols;
    if (::ioctl(master, TIOCSWINSZ, &size) != 0)
        return failure("set terminal size");
    return success();
}

Status openTerminal(uint16_t rows, uint16_t cols, Terminal &out)
{
    out.master.reset(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
    if (!out.master.valid())
        return failure("open /dev/ptmx");
    int unlock = 0;
    if (::ioctl(out.master.get(), TIOCSPTLCK, &unlock) != 0)
        return failure("unlock pty");
    // TIOCGPTPEER opens the slave through the master: no path lookup that a
    // workload could race by swapping /dev/pts entries.
    out.slave.reset(::ioctl(out.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!out.slave.valid())
        return failure("open pty slave");
    return resizeTerminal(out.master.get(), rows, cols);
}

} // namespace paddock::init

#!/usr/bin/env python3
"""Runs a command on a fresh pseudo-terminal, as a person's terminal would.

usage: drive_in_pty.py ROWS COLS WAIT_FOR NEW_ROWS NEW_COLS -- CMD...

Starts CMD on a pty of ROWS x COLS, waits until its output contains
WAIT_FOR, then resizes the pty to NEW_ROWS x NEW_COLS (the kernel sends
SIGWINCH to CMD) and relays output until CMD exits. Prints everything CMD
wrote and exits with CMD's status. Used by tst_cli to test `paddock shell`
in raw mode with a real terminal on the user's side.
"""
import fcntl, os, pty, select, struct, sys, termios, time

def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

def main():
    rows, cols, wait_for, new_rows, new_cols = sys.argv[1:6]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    set_size(master, int(rows), int(cols))
    seen, resized, deadline = b"", False, time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            continue
        try:
            data = os.read(master, 65536)
        except OSError:
            break  # EIO: the command exited and closed the terminal
        if not data:
            break
        seen += data
        if not resized and wait_for.encode() in seen:
            set_size(master, int(new_rows), int(new_cols))
            resized = True
    sys.stdout.buffer.write(seen)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))

main()

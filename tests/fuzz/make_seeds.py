#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz corpus: one stream per message type
and a few known-bad ones. Each input is one byte choosing read sizes,
then frames as paddock-init would send them (see engine/wire/frame.h).
The fuzzer grows the corpus from these; tests/fuzz/run merges it."""
import pathlib
import struct
import sys

def u32(v): return struct.pack('<I', v & 0xffffffff)
def i32(v): return struct.pack('<i', v)
def b(s): return u32(len(s)) + s
def strings(xs): return u32(len(xs)) + b''.join(b(x) for x in xs)
def frame(t, tag, payload): return u32(5 + len(payload)) + bytes([t]) + u32(tag) + payload

HELLO, EXEC, STARTED, OUTPUT, EXITED, FAILED, KILL = 1, 2, 3, 4, 5, 6, 7
LIST, PLIST, SHUTDOWN, ACK, INPUT, RESIZE, CLOSE = 10, 11, 12, 13, 14, 15, 16

def entry(pid, running, code, sig, proc=b'p1'):
    return b(proc) + i32(pid) + bytes([running]) + i32(code) + i32(sig)

seeds = {
    'hello': frame(HELLO, 0, u32(2) + b(b'init')),
    'exec': frame(EXEC, 1, u32(4) + b(b'') + strings([b'sh', b'-c', b'ls']) + strings([b'A=1']) + b(b'/') + u32(24 << 16 | 80)),
    'started-output-exited': frame(STARTED, 1, i32(42)) + frame(OUTPUT, 1, bytes([1]) + b(b'hello\n'))
        + frame(OUTPUT, 1, bytes([2]) + b(b'oops\n')) + frame(EXITED, 1, b(b'') + i32(0) + i32(0)),
    'background-exit': frame(EXITED, 0, b(b'p1') + i32(3) + i32(0)),
    'background-exit-bad-id': frame(EXITED, 0, b(b'../x') + i32(3) + i32(0)),
    'failed': frame(FAILED, 1, i32(2) + b(b'sh: not found')),
    'kill': frame(KILL, 1, b(b'p1') + i32(9)),
    'process-list': frame(PLIST, 1, u32(2) + entry(7, 1, -1, 0) + entry(8, 0, 1, 0, b'p2')),
    'ack': frame(ACK, 1, b''),
    'shutdown': frame(SHUTDOWN, 1, u32(2000)),
    'input': frame(INPUT, 1, b(b'ls\n')),
    'resize': frame(RESIZE, 1, u32(50 << 16 | 132)),
    'close-input': frame(CLOSE, 1, b''),
    'list': frame(LIST, 1, b''),
    'oversized-length': u32(1 << 21) + bytes([3]) + u32(1),
    'short-length': u32(2) + b'xx',
    'string-longer-than-frame': frame(OUTPUT, 1, bytes([1]) + u32(1000) + b'abc'),
    'bad-stream': frame(OUTPUT, 1, bytes([9]) + b(b'x')),
    'negative-pid': frame(STARTED, 1, i32(-5)),
    'huge-list-count': frame(PLIST, 1, u32(0xffffffff)),
    'trailing-bytes': frame(STARTED, 1, i32(5) + b'junk'),
    'unknown-type': frame(99, 1, b'whatever'),
    'exit-signal-out-of-range': frame(EXITED, 1, b(b'') + i32(-1) + i32(200)),
}

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent / 'corpus')
out.mkdir(parents=True, exist_ok=True)
for chunk, name in ((0, 'bytewise'), (255, 'whole')):
    for key, stream in seeds.items():
        (out / f'seed-{key}-{name}').write_bytes(bytes([chunk]) + stream)

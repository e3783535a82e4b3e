#!/usr/bin/env python3
"""Egress interception figures: a 1 GiB transfer each way and the connect
latency (connect + one byte there and back), measured from inside a sandbox
through Paddock's interception and, as the baseline, directly on the host's
loopback with the same client code in the same run.

usage: egress_bench.py PADDOCK SANDBOX [MIB] [CONNECTS] [TRIALS]

On two cores the client, the relay and the server share the CPUs, so single
transfers vary by ±15 %: each figure is the median of TRIALS runs.

The endpoints' TCP congestion control matters as much as the relay: a paced
one (BBR, this machine's default) costs loopback about half its throughput.
So the transfers run twice: with the host's default at both ends, and with
both ends unpaced (reno), where the direct baseline is at its fastest.
"""
import json, os, socket, statistics, subprocess, sys, threading

PADDOCK, SANDBOX = sys.argv[1], sys.argv[2]
MIB = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
CONNECTS = int(sys.argv[4]) if len(sys.argv) > 4 else 300
TRIALS = int(sys.argv[5]) if len(sys.argv) > 5 else 5
CHUNK = 1 << 20

UNPACED = os.environ.get("BENCH_UNPACED_CC", "reno").encode()

def serve(handler, unpaced=False):
    srv = socket.socket()
    if unpaced:  # before listen: accepted connections start with it, unpaced
        srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, UNPACED)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    def loop():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=handler, args=(conn,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return srv.getsockname()[1]

def sink(conn):   # reads everything the client sends, then says how much
    total, buf = 0, bytearray(CHUNK)
    view = memoryview(buf)
    while True:
        n = conn.recv_into(view)
        if not n:
            break
        total += n
    conn.sendall(str(total).encode())
    conn.close()

def source(conn):  # sends MIB MiB, then closes
    block = b"x" * CHUNK
    for _ in range(MIB):
        conn.sendall(block)
    conn.close()

def echo(conn):
    while True:
        d = conn.recv(64)
        if not d:
            break
        conn.sendall(d)
    conn.close()

# Runs on the host (direct) and inside the sandbox (intercepted): the same
# code both ways. Arguments: three HOST:PORT targets (sink, source, echo),
# then MiB and the number of connects.
CLIENT = r'''
import json, socket, sys, time
def target(arg):
    host, port = arg.rsplit(":", 1)
    return host, int(port)
up, down, ping = (target(a) for a in sys.argv[1:4])
mib, n, cc = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
def connect(where):
    s = socket.socket(socket.AF_INET6 if ":" in where[0] else socket.AF_INET)
    if cc != "default":
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
    s.connect(where)
    return s
out = {}
block = b"x" * (1 << 20)
s = connect(up); t = time.perf_counter()
for _ in range(mib): s.sendall(block)
s.shutdown(socket.SHUT_WR); got = int(s.recv(64)); out["up_s"] = time.perf_counter() - t; assert got == mib << 20, got
s = connect(down); t = time.perf_counter(); total = 0
view = memoryview(bytearray(1 << 20))
while True:
    k = s.recv_into(view)
    if not k: break
    total += k
out["down_s"] = time.perf_counter() - t; assert total == mib << 20, total
lat = []
for _ in range(n):
    t = time.perf_counter(); c = socket.create_connection(ping); c.sendall(b"p"); c.recv(1)
    lat.append(time.perf_counter() - t); c.close()
out["lat"] = lat
print(json.dumps(out))
'''

def paddock(*args):
    subprocess.run([PADDOCK, *args], check=True, stdout=subprocess.DEVNULL)

def run(cmd):
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)

def quantile(values, q):
    return statistics.quantiles(values, n=100)[int(q * 100) - 1] * 1000

def measure(cc, unpaced):
    """TRIALS runs each way, interleaved so both see the same machine."""
    up, down, ping = serve(sink, unpaced), serve(source, unpaced), serve(echo, unpaced)
    suffix = "-unpaced" if unpaced else ""
    names = [f"{role}{suffix}.bench" for role in ("sink", "source", "echo")]
    for name, port in zip(names, (up, down, ping)):
        paddock("egress", "resolve", name, f"127.0.0.1:{port}")
    counts = [str(MIB), str(CONNECTS), cc]
    direct, inside = [], []
    for _ in range(TRIALS):
        direct.append(run([sys.executable, "-c", CLIENT, f"127.0.0.1:{up}", f"127.0.0.1:{down}", f"127.0.0.1:{ping}", *counts]))
        # Inside, the names' host overrides carry the ports: the port dialled does not matter.
        inside.append(run([PADDOCK, "exec", SANDBOX, "--", "python3", "-c", CLIENT,
                           *(f"{name}:9" for name in names), *counts]))
    return direct, inside

def print_transfers(title, direct, inside):
    gib = MIB / 1024
    print(f"{title:<36} {'direct':>12} {'intercepted':>12} {'ratio':>7}")
    for key, label in (("up_s", f"{gib:g} GiB sandbox -> upstream"), ("down_s", f"{gib:g} GiB upstream -> sandbox")):
        d = statistics.median(gib / r[key] for r in direct)
        i = statistics.median(gib / r[key] for r in inside)
        print(f"{label:<36} {d:>7.2f} GiB/s {i:>7.2f} GiB/s {i / d:>7.0%}")

def main():
    paddock("egress", "allow", SANDBOX, "*.bench")
    host_cc = open("/proc/sys/net/ipv4/tcp_congestion_control").read().strip()
    direct, inside = measure("default", False)
    print_transfers(f"endpoints {host_cc} (host default)", direct, inside)
    print_transfers(f"endpoints unpaced ({UNPACED.decode()})", *measure(UNPACED.decode(), True))
    print(f"{'median of ' + str(TRIALS):<36} {'direct':>12} {'intercepted':>12}")
    for q, name in ((0.5, "p50"), (0.99, "p99")):
        d = statistics.median(quantile(r["lat"], q) for r in direct)
        i = statistics.median(quantile(r["lat"], q) for r in inside)
        print(f"{'connect + 1-byte echo, ' + name:<36} {d:>9.3f} ms {i:>9.3f} ms  +{i - d:.3f} ms")

main()

#!/usr/bin/env python3
"""Watch latency: a file created inside a sandbox → its event at a CLI
subscriber (`paddock watch --json`). Prints p50, p99 and max in ms.

usage: watch_latency.py PADDOCK SANDBOX [COUNT]

The writer inside names each file after the time (ns) just before it
creates it; the reader stamps each event as its line arrives. Host and
sandbox share the kernel's clock, so the difference is the whole path:
inotify → files helper → engine → API stream → CLI → this reader."""
import json, subprocess, sys, time

paddock, sandbox = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 500

subprocess.run([paddock, "files", "mkdir", sandbox, "/tmp/lat", "-p"], check=True)
watch = subprocess.Popen([paddock, "watch", sandbox, "/tmp/lat", "--json"], stdout=subprocess.PIPE)
assert b'"ready"' in watch.stdout.readline()

writer = (f"import os, time\n"
          f"for i in range({count}):\n"
          f"    t = time.time_ns()\n"
          f"    os.close(os.open(f'/tmp/lat/{{i}}-{{t}}', os.O_CREAT | os.O_WRONLY))\n"
          f"    time.sleep(0.005)\n")
proc = subprocess.Popen([paddock, "exec", sandbox, "--", "python3", "-c", writer])

latencies = []
while len(latencies) < count:
    line = watch.stdout.readline()
    now = time.time_ns()
    event = json.loads(line)
    if event.get("type") == "created":
        sent = int(event["path"].rsplit("-", 1)[1])
        latencies.append((now - sent) / 1e6)
proc.wait()
watch.kill()

latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"watch latency over {count} files: p50 {pick(0.50):.2f} ms, p99 {pick(0.99):.2f} ms, max {latencies[-1]:.2f} ms")

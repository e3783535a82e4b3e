#!/usr/bin/env python3
"""What metering costs the engine: its CPU (all threads, the sampler's
worker included) over a quiet window with one running sandbox, then with
N more running, each sampled every second. Prints percent of one CPU.

    metering_bench.py PADDOCK COUNT SECONDS
"""
import os
import subprocess
import sys
import time

paddock, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
data_dir = os.environ["PADDOCK_DATA_DIR"]
hz = os.sysconf("SC_CLK_TCK")


def engine_pid():
    with open(os.path.join(data_dir, "engine.lock")) as f:
        return int(f.read().split()[0])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / hz  # utime, stime


def engine_cpu_percent(pid):
    start, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return 100 * (cpu_seconds(pid) - start) / (time.monotonic() - t0)


def paddock_run(*args):
    subprocess.run([paddock, *args], check=True, stdout=subprocess.DEVNULL)


pid = engine_pid()
mode = subprocess.run([paddock, "info"], check=True, capture_output=True, text=True).stdout.split("\n")[0]
time.sleep(2)
baseline = engine_cpu_percent(pid)
names = [f"meter{i}" for i in range(count)]
for name in names:
    paddock_run("create", name)
time.sleep(3)
loaded = engine_cpu_percent(pid)
for name in names:
    paddock_run("rm", "--force", name)
print(f"  {mode.strip()}")
print(f"  engine CPU, 1 sandbox running:          {baseline:6.2f} % of one CPU")
print(f"  engine CPU, {count + 1} sandboxes metered each second: {loaded:6.2f} % of one CPU"
      f" (target: under 1 %)")

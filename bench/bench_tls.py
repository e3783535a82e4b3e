"""What the inspected-HTTPS benches share: a throwaway CA and a leaf for the
bench's names, the paddock CLI, and a client run inside the sandbox."""
import json, subprocess, sys


def paddock(binary, *args, stdin=None):
    subprocess.run([binary, *args], check=True, stdout=subprocess.DEVNULL, input=stdin)


def make_ca(work, names):
    """ca.pem, leaf.pem and leaf.key in `work`, the leaf valid for `names`."""
    sans = ",".join(f"DNS:{n}" for n in names)
    script = f"""set -e; cd {work}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -subj '/CN=Bench CA' -days 2 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj '/CN=bench' 2>/dev/null
printf 'subjectAltName={sans}\\n' > ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile ext 2>/dev/null
"""
    subprocess.run(["bash", "-c", script], check=True)


def run_in_sandbox(binary, sandbox, argv, host):
    """Runs argv in the sandbox; its stdout, read as JSON."""
    run = subprocess.run([binary, "exec", sandbox, "--", *argv], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"the client failed against {host}: {run.stderr}")
    return json.loads(run.stdout)


def print_comparison(title, tunnelled, inspected, mib, latency_label, rate_label, requests_per_s):
    """The table both benches print: medians over the trials, side by side.
    Each run is the client's JSON: "lat" (seconds per request), "big_s" and
    "big_bytes" (the download); `requests_per_s(run)` reads its rate."""
    import statistics

    def p50_ms(r):
        return statistics.median(r["lat"]) * 1000

    def gibps(r):
        assert r["big_bytes"] == mib << 20, r["big_bytes"]
        return (mib / 1024) / r["big_s"]

    def both(f):
        return statistics.median(map(f, tunnelled)), statistics.median(map(f, inspected))

    print(f"{title + ', median of ' + str(len(tunnelled)):<40} {'tunnelled':>12} {'inspected':>12}")
    tp, ip = both(p50_ms)
    print(f"{latency_label:<40} {tp:>9.3f} ms {ip:>9.3f} ms  +{ip - tp:.3f} ms")
    tr, ir = both(requests_per_s)
    print(f"{rate_label:<40} {tr:>12.0f} {ir:>12.0f}  {ir / tr:.0%}")
    tg, ig = both(gibps)
    print(f"{f'{mib / 1024:g} GiB download':<40} {tg:>7.2f} GiB/s {ig:>7.2f} GiB/s  {ig / tg:.0%}")

#!/usr/bin/env python3
"""Inspected HTTP/2 against tunnelled HTTP/2, from inside a sandbox: the
per-request latency of sequential requests on one connection, requests per
second with all of them sent at once (as many streams in flight as the
connection allows), and the throughput of a large download.
Client (node's http2, in the sandbox) and server (node's http2, on the
host) are the same for both; the tunnelled name is allowed whole (TLS
spliced end to end), the inspected one has a rule that injects a header
from a secret, so every stream is terminated, decided, injected and sent on
over Paddock's own HTTP/2 connection to the server.

usage: inspect_h2_bench.py PADDOCK SANDBOX [MIB] [REQUESTS] [TRIALS]

Each figure is the median of TRIALS runs, inspected and tunnelled
interleaved so both see the same machine.
"""
import json, os, statistics, subprocess, sys, tempfile

PADDOCK, SANDBOX = sys.argv[1], sys.argv[2]
MIB = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
REQUESTS = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
TRIALS = int(sys.argv[5]) if len(sys.argv) > 5 else 3

SERVER = r'''
const http2 = require('http2'), fs = require('fs');
const [cert, key, mib] = process.argv.slice(1);
const block = Buffer.alloc(1 << 20, 'x');
const server = http2.createSecureServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) });
server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  if (headers[':path'] !== '/big') { stream.respond({ ':status': 200 }); return stream.end('ok'); }
  stream.respond({ ':status': 200, 'content-length': String(Number(mib) << 20) });
  let left = Number(mib);
  const pump = () => { while (left > 0) { --left; if (!stream.write(block)) return stream.once('drain', pump); } stream.end(); };
  pump();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
'''

# Runs inside the sandbox.
CLIENT = r'''
const http2 = require('http2');
const [host, requests, ca] = process.argv.slice(1);
const options = ca ? { ca } : {};  // the tunnelled server's own CA; Paddock's is trusted by default
const c = http2.connect('https://' + host, options);
const get = (path) => new Promise((ok, fail) => {
  const req = c.request({ ':path': path });
  let bytes = 0;
  req.on('data', (d) => bytes += d.length);
  req.on('end', () => ok(bytes));
  req.on('error', fail);
  req.end();
});
(async () => {
  const lat = [];
  for (let i = 0; i < Number(requests); ++i) {
    const t = process.hrtime.bigint();
    await get('/small');
    lat.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  let t = process.hrtime.bigint();
  const batch = [];
  for (let i = 0; i < Number(requests); ++i) batch.push(get('/small'));
  await Promise.all(batch);
  const parallel = Number(process.hrtime.bigint() - t) / 1e9;
  t = process.hrtime.bigint();
  const big = await get('/big');
  const bigS = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(JSON.stringify({ lat, parallel_s: parallel, big_s: bigS, big_bytes: big }));
  c.close();
})().catch((e) => { console.error(e); process.exit(1); });
'''


def paddock(*args, stdin=None):
    subprocess.run([PADDOCK, *args], check=True, stdout=subprocess.DEVNULL, input=stdin)


def make_ca(work):
    script = f"""set -e; cd {work}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -subj '/CN=Bench CA' -days 2 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj '/CN=bench' 2>/dev/null
printf 'subjectAltName=DNS:inspected-h2.bench,DNS:tunnelled-h2.bench\\n' > ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile ext 2>/dev/null
"""
    subprocess.run(["bash", "-c", script], check=True)


def run_client(host, ca):
    run = subprocess.run([PADDOCK, "exec", SANDBOX, "--", "node", "-e", CLIENT, host, str(REQUESTS), ca],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"the client failed against {host}: {run.stderr}")
    return json.loads(run.stdout)


def main():
    work = tempfile.mkdtemp()
    make_ca(work)
    server = subprocess.Popen(["node", "-e", SERVER, f"{work}/leaf.pem", f"{work}/leaf.key", str(MIB)],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        paddock("egress", "trust-ca", f"{work}/ca.pem")
        paddock("secret", "set", "BENCH_TOKEN", stdin=b"bench-token-value-0123456789")
        for name in ("inspected-h2.bench", "tunnelled-h2.bench"):
            paddock("egress", "resolve", name, f"127.0.0.1:{port}")
        paddock("egress", "inject", SANDBOX, "inspected-h2.bench", "--header",
                "Authorization: Bearer {{secret.BENCH_TOKEN}}")
        paddock("egress", "allow", SANDBOX, "tunnelled-h2.bench")
        ca = open(f"{work}/ca.pem").read()
        runs = {"tunnelled-h2.bench": [], "inspected-h2.bench": []}
        for _ in range(TRIALS):
            for host in runs:
                runs[host].append(run_client(host, ca if host.startswith("tunnelled") else ""))
    finally:
        server.kill()

    def p50_ms(r):
        return statistics.median(r["lat"]) * 1000

    def rps(r):
        return len(r["lat"]) / r["parallel_s"]

    def gibps(r):
        assert r["big_bytes"] == MIB << 20, r["big_bytes"]
        return (MIB / 1024) / r["big_s"]

    t, i = runs["tunnelled-h2.bench"], runs["inspected-h2.bench"]
    print(f"{'HTTP/2 over TLS, median of ' + str(TRIALS):<40} {'tunnelled':>12} {'inspected':>12}")
    tp, ip = statistics.median(map(p50_ms, t)), statistics.median(map(p50_ms, i))
    print(f"{'request latency, p50 (one stream at once)':<40} {tp:>9.3f} ms {ip:>9.3f} ms  +{ip - tp:.3f} ms")
    tr, ir = statistics.median(map(rps, t)), statistics.median(map(rps, i))
    print(f"{'requests/s, all streams at once':<40} {tr:>12.0f} {ir:>12.0f}  {ir / tr:.0%}")
    tg, ig = statistics.median(map(gibps, t)), statistics.median(map(gibps, i))
    print(f"{f'{MIB / 1024:g} GiB download':<40} {tg:>7.2f} GiB/s {ig:>7.2f} GiB/s  {ig / tg:.0%}")


main()

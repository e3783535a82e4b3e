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
import subprocess, sys, tempfile

import bench_tls

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
    bench_tls.paddock(PADDOCK, *args, stdin=stdin)


def run_client(host, ca):
    return bench_tls.run_in_sandbox(PADDOCK, SANDBOX, ["node", "-e", CLIENT, host, str(REQUESTS), ca], host)


def main():
    work = tempfile.mkdtemp()
    bench_tls.make_ca(work, ["inspected-h2.bench", "tunnelled-h2.bench"])
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

    bench_tls.print_comparison("HTTP/2 over TLS", runs["tunnelled-h2.bench"], runs["inspected-h2.bench"], MIB,
                               "request latency, p50 (one stream at once)", "requests/s, all streams at once",
                               lambda r: len(r["lat"]) / r["parallel_s"])

main()

#!/usr/bin/env python3
"""Inspected HTTPS against tunnelled HTTPS, from inside a sandbox: requests
per second and per-request latency on one keep-alive connection, and the
throughput of a large download. Both go to the same local HTTPS server
(a throwaway CA, trusted with `paddock egress trust-ca`); the tunnelled
name is allowed whole (TLS spliced end to end), the inspected one has a
rule that injects a header from a secret, so every request is terminated,
read, injected and sent on over a second TLS connection.

usage: inspect_bench.py PADDOCK SANDBOX [MIB] [REQUESTS] [TRIALS]

Each figure is the median of TRIALS runs, inspected and tunnelled
interleaved so both see the same machine.
"""
import http.server, socketserver, ssl, sys, tempfile, threading

import bench_tls

PADDOCK, SANDBOX = sys.argv[1], sys.argv[2]
MIB = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
REQUESTS = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
TRIALS = int(sys.argv[5]) if len(sys.argv) > 5 else 3
BLOCK = b"x" * (1 << 20)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # its head and body are separate writes

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/big"):
            n = MIB << 20
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            for _ in range(MIB):
                self.wfile.write(BLOCK)
            return
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


# Runs inside the sandbox: REQUESTS small GETs on one connection, then one big GET.
CLIENT = r'''
import http.client, json, ssl, sys, time
host, requests, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context()
ctx.load_verify_locations(cadata=ca)  # the tunnelled server's own CA; Paddock's is in the default bundle
c = http.client.HTTPSConnection(host, 443, context=ctx)
lat = []
for i in range(requests):
    t = time.perf_counter()
    c.request("GET", "/small")
    r = c.getresponse(); r.read()
    lat.append(time.perf_counter() - t)
    assert r.status == 200, r.status
t = time.perf_counter()
c.request("GET", "/big")
r = c.getresponse()
total = 0
while True:
    chunk = r.read(1 << 20)
    if not chunk: break
    total += len(chunk)
big = time.perf_counter() - t
print(json.dumps({"lat": lat, "big_s": big, "big_bytes": total}))
'''


def paddock(*args, stdin=None):
    bench_tls.paddock(PADDOCK, *args, stdin=stdin)


def run_client(host, ca):
    return bench_tls.run_in_sandbox(PADDOCK, SANDBOX, ["python3", "-c", CLIENT, host, str(REQUESTS), ca], host)


def main():
    work = tempfile.mkdtemp()
    bench_tls.make_ca(work, ["inspected.bench", "tunnelled.bench"])
    server = Server(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{work}/leaf.pem", f"{work}/leaf.key")
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    paddock("egress", "trust-ca", f"{work}/ca.pem")
    paddock("secret", "set", "BENCH_TOKEN", stdin=b"bench-token-value-0123456789")
    for name in ("inspected.bench", "tunnelled.bench"):
        paddock("egress", "resolve", name, f"127.0.0.1:{port}")
    paddock("egress", "inject", SANDBOX, "inspected.bench", "--header", "Authorization: Bearer {{secret.BENCH_TOKEN}}")
    paddock("egress", "allow", SANDBOX, "tunnelled.bench")

    runs = {"tunnelled.bench": [], "inspected.bench": []}
    for _ in range(TRIALS):
        for host in runs:
            runs[host].append(run_client(host, open(f"{work}/ca.pem").read()))

    bench_tls.print_comparison("HTTP/1.1 over TLS", runs["tunnelled.bench"], runs["inspected.bench"], MIB,
                               "request latency, p50 (keep-alive)", "requests/s, one connection",
                               lambda r: len(r["lat"]) / sum(r["lat"]))

main()

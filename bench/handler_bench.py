#!/usr/bin/env python3
"""What running a handler costs: calls to paddock-handler as the engine makes
them (framed JSON over its stdin/stdout), a small handler that signs the body
with HMAC-SHA256. Prints the first call (start, compile) and the p50/p99 of
the calls after it, which reuse the compiled script.

usage: handler_bench.py PADDOCK_HANDLER [CALLS]
"""
import json, struct, subprocess, sys, time

helper, calls = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
p = subprocess.Popen([helper], stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def call(message):
    data = json.dumps(message).encode()
    p.stdin.write(struct.pack('>I', len(data)) + data)
    p.stdin.flush()
    size = struct.unpack('>I', p.stdout.read(4))[0]
    reply = json.loads(p.stdout.read(size))
    if not reply.get('ok'):
        sys.exit('the handler failed: %s' % reply.get('error'))


request = {'method': 'POST', 'url': 'https://api.example.com/pay', 'headers': [['content-type', 'application/json']],
           'body': json.dumps({'amount': 42, 'note': 'x' * 1000})}
source = "function handle(r, s) { r.headers['x-signature'] = Paddock.hmacSha256(s.KEY, r.body); return r; }"
times = []
for i in range(calls + 1):
    start = time.perf_counter()
    call({'id': i, 'scope': 'bench/1', 'secretNames': ['KEY'], 'name': 'sign.js', 'source': source,
          'timeoutMs': 2000, 'request': request, 'secrets': {'KEY': 'bench-signing-key'}})
    times.append((time.perf_counter() - start) * 1000)
p.stdin.close()
p.wait()
first, rest = times[0], sorted(times[1:])
print(f"handler call (sign a 1 KiB body): first {first:.1f} ms, then p50 {rest[len(rest) // 2]:.3f} ms, "
      f"p99 {rest[int(len(rest) * 0.99)]:.3f} ms over {calls} calls")

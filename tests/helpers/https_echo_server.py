#!/usr/bin/env python3
"""An HTTPS upstream for inspected-egress tests: it tells what it received.

usage: https_echo_server.py CERT KEY GIT_ROOT

Listens on 127.0.0.1 (HTTP/1.1, keep-alive), prints "port N", then for
every request one line "request METHOD PATH" followed by one JSON line of
its headers, flushed, so a test can prove what reached the upstream.

  /echo...        answers 200 with a JSON body: method, path, headers, body
                  (so an upstream that echoes a credential can be tested);
                  with ?chunk=N the body goes chunked, N bytes a chunk;
                  with ?gzip=1 it goes gzip-compressed, asked for or not
  /raw            answers the request's body as it came, nothing after it
  /ws             a WebSocket echo: each text or binary message comes back
  /big?bytes=N    N bytes of 'x', streamed in chunks (Content-Length set)
  /git/...        git's smart HTTP, served by `git http-backend` from GIT_ROOT
"""
import base64, gzip, hashlib, http.server, json, os, socketserver, ssl, subprocess, sys, threading
from urllib.parse import urlsplit, parse_qs

lock = threading.Lock()


def say(line):
    with lock:
        print(line, flush=True)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def record(self):
        say('request %s %s' % (self.command, self.path))
        say(json.dumps(self.header_fields()))

    def header_fields(self):
        # Each name once, every value it was sent with: a duplicate shows.
        return {k: ', '.join(self.headers.get_all(k)) for k in dict.fromkeys(self.headers.keys())}

    def body(self):
        if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            data = b''
            while True:
                size = int(self.rfile.readline().split(b';')[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def answer(self, status, payload, ctype='application/json'):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def route(self):
        self.record()
        path = urlsplit(self.path).path
        if path.startswith('/git/'):
            return self.git()
        if path == '/ws':
            return self.websocket()
        if path == '/big':
            return self.big()
        data = self.body()
        if path == '/raw':
            return self.answer(200, data, 'application/octet-stream')
        payload = json.dumps({'method': self.command, 'path': self.path,
                              'headers': self.header_fields(),
                              'body': data.decode('utf-8', 'replace')}).encode()
        query = parse_qs(urlsplit(self.path).query)
        chunk = int(query.get('chunk', ['0'])[0])
        if chunk > 0:
            return self.answer_chunked(payload, chunk)
        if query.get('gzip'):
            return self.answer_gzipped(payload)
        self.answer(200, payload)

    def answer_gzipped(self, payload):
        packed = gzip.compress(payload)
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Encoding', 'gzip')
        self.send_header('Content-Length', str(len(packed)))
        self.end_headers()
        self.wfile.write(packed)

    def answer_chunked(self, payload, size):
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        for at in range(0, len(payload), size):
            piece = payload[at:at + size]
            self.wfile.write(b'%x\r\n%s\r\n' % (len(piece), piece))
        self.wfile.write(b'0\r\n\r\n')

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = route

    def big(self):
        n = int(parse_qs(urlsplit(self.path).query).get('bytes', ['0'])[0])
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(n))
        self.end_headers()
        block = b'x' * (1 << 20)
        while n > 0:
            self.wfile.write(block[:min(n, len(block))])
            n -= min(n, len(block))

    def git(self):
        parts = urlsplit(self.path)
        env = dict(os.environ, GIT_PROJECT_ROOT=sys.argv[3], GIT_HTTP_EXPORT_ALL='1',
                   PATH_INFO=parts.path[len('/git'):], QUERY_STRING=parts.query,
                   REQUEST_METHOD=self.command, REMOTE_ADDR='127.0.0.1',
                   CONTENT_TYPE=self.headers.get('Content-Type', ''))
        if self.headers.get('Git-Protocol'):
            env['GIT_PROTOCOL'] = self.headers['Git-Protocol']
        data = self.body()
        if self.headers.get('Content-Encoding') == 'gzip':
            env['HTTP_CONTENT_ENCODING'] = 'gzip'
        env['CONTENT_LENGTH'] = str(len(data))
        out = subprocess.run(['git', 'http-backend'], input=data, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b'\r\n\r\n')
        status = 200
        headers = []
        for line in head.split(b'\r\n'):
            name, _, value = line.decode().partition(':')
            if name.lower() == 'status':
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def websocket(self):
        self.close_connection = True
        key = self.headers.get('Sec-WebSocket-Key', '')
        accept = base64.b64encode(hashlib.sha1((key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest())
        self.send_response(101)
        self.send_header('Upgrade', 'websocket')
        self.send_header('Connection', 'Upgrade')
        self.send_header('Sec-WebSocket-Accept', accept.decode())
        self.end_headers()
        self.wfile.flush()
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return
            opcode, length = head[0] & 0x0f, head[1] & 0x7f
            if length == 126:
                length = int.from_bytes(self.rfile.read(2), 'big')
            elif length == 127:
                length = int.from_bytes(self.rfile.read(8), 'big')
            mask = self.rfile.read(4) if head[1] & 0x80 else b'\0\0\0\0'
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
            if opcode == 8:
                self.wfile.write(b'\x88\x00')
                self.wfile.flush()
                return
            frame = bytes([0x80 | opcode])
            frame += bytes([len(data)]) if len(data) < 126 else bytes([126]) + len(data).to_bytes(2, 'big')
            self.wfile.write(frame + data)
            self.wfile.flush()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    server = Server(('127.0.0.1', 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    say('port %d' % server.server_address[1])
    server.serve_forever()


if __name__ == '__main__':
    main()

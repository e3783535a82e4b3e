#!/usr/bin/env python3
"""A TLS server that answers any server name, and is as lenient as Go's
crypto/tls about the first records: it drops warning alerts before the
ClientHello and takes any record version below 0x1000 on the first record.
OpenSSL (under Python's ssl) then does the handshake.

usage: lenient_tls_server.py CERT KEY

Listens on 127.0.0.1, prints "port N", then one line per event, flushed:
  open                  a connection was accepted
  sni NAME              the ClientHello asked for NAME (or "-")
  handshake NAME        the handshake completed
  end BYTES             a connection ended; BYTES is what it received
After a handshake it answers one read with "tls NAME <first line>\\n".
Used by tst_hostile_tls_peek: what the sandbox's attack got the upstream to do.
"""
import socket, ssl, sys, threading

lock = threading.Lock()


def say(*words):
    with lock:
        print(*words, flush=True)


def recv_exactly(conn, n, seen):
    data = b''
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        seen[0] += len(chunk)
        data += chunk
    return data


def lenient_first_records(conn, seen):
    """What Go's server would make of the first records, as bytes for OpenSSL."""
    while True:
        header = recv_exactly(conn, 5, seen)
        body = recv_exactly(conn, header[3] << 8 | header[4], seen) if header[0] < 0x80 else b''
        if header[0] == 0x15 and body[:1] == b'\x01':
            continue  # a warning alert: dropped, as Go does
        if header[0] == 0x16 and header[1] != 3 and (header[1] << 8 | header[2]) < 0x1000:
            header = b'\x16\x03\x01' + header[3:]  # any version below 0x1000 is taken
        return header + body


def serve(conn, ctx):
    seen = [0]
    try:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = ctx.wrap_bio(incoming, outgoing, server_side=True)
        incoming.write(lenient_first_records(conn, seen))

        def pump(step):
            while True:
                try:
                    return step()
                except ssl.SSLWantReadError:
                    conn.sendall(outgoing.read())
                    data = conn.recv(65536)
                    if not data:
                        raise EOFError
                    seen[0] += len(data)
                    incoming.write(data)

        pump(tls.do_handshake)
        conn.sendall(outgoing.read())
        name = getattr(tls, 'asked_for', '-')
        say('handshake', name)
        request = pump(lambda: tls.read(4096))
        tls.write(b'tls ' + name.encode() + b' ' + request.split(b'\r\n')[0] + b'\n')
        conn.sendall(outgoing.read())
    except (EOFError, OSError, ssl.SSLError):
        pass
    finally:
        conn.close()
        say('end', seen[0])


def main():
    def on_name(tls, name, _ctx):
        tls.asked_for = name or '-'
        say('sni', name or '-')

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[1], sys.argv[2])
    ctx.sni_callback = on_name

    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(64)
    say('port', listener.getsockname()[1])
    while True:
        conn, _ = listener.accept()
        say('open')
        threading.Thread(target=serve, args=(conn, ctx), daemon=True).start()


main()

#!/usr/bin/env python3
"""Opens a TLS connection from inside a sandbox with a first flight bent
the way an attacker would bend it, to slip a server name past a check of
the ClientHello. Run by tst_hostile_tls_peek.

usage: tls_first_flight_probe.py MODE HOST PORT SNI [CAFILE]

MODE:
  normal      an ordinary client (verifies against CAFILE when given)
  alert       a warning alert record before the ClientHello
  version-0x0200, version-0x0000
              the ClientHello's record carries that record-layer version
  sslv2       an SSL 2.0-format ClientHello (it cannot name a server)
  garbage     bytes that look like nothing at all
  no-sni      a ClientHello that names no server
  spread      the ClientHello padded to 32 KiB and cut into 100-byte records
SNI "-" sends none. Prints one line: "handshake <answer>" when the TLS
handshake completed and the server answered, "reset", "closed", or
"failed <why>".
"""
import socket, ssl, struct, sys

WARNING_ALERT = b'\x15\x03\x01\x00\x02\x01\x5a'  # user_canceled, a warning


def client(sni, cafile):
    ctx = ssl.create_default_context()
    if cafile:
        ctx.load_verify_locations(cafile)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname=None if sni == '-' else sni)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return tls, incoming, outgoing, outgoing.read()


def handshake_message(records):
    out, at = b'', 0
    while at < len(records):
        length = struct.unpack('>H', records[at + 3:at + 5])[0]
        out += records[at + 5:at + 5 + length]
        at += 5 + length
    return out


def padded(message, size):
    body = message[4:]
    at = 2 + 32
    at += 1 + body[at]
    at += 2 + struct.unpack('>H', body[at:at + 2])[0]
    at += 1 + body[at]
    # A GREASE extension (RFC 8701): one a server must ignore, and one the
    # client has not sent already.
    extensions = body[at + 2:] + struct.pack('>HH', 0x2a2a, size) + b'\0' * size
    body = body[:at] + struct.pack('>H', len(extensions)) + extensions
    return b'\x01' + struct.pack('>I', len(body))[1:] + body


def in_records(message, size):
    return b''.join(b'\x16\x03\x01' + struct.pack('>H', len(message[i:i + size])) + message[i:i + size]
                    for i in range(0, len(message), size))


def sslv2_hello():
    body = b'\x01\x03\x01' + struct.pack('>HHH', 3, 0, 16) + b'\x00\x00\x2f' + b'c' * 16
    return bytes([0x80 | len(body) >> 8, len(body) & 0xff]) + body


def first_flight(mode, hello):
    if mode == 'alert':
        return WARNING_ALERT + hello
    if mode.startswith('version-'):
        return hello[:1] + bytes.fromhex(mode[len('version-0x'):]) + hello[3:]
    if mode == 'sslv2':
        return sslv2_hello()
    if mode == 'garbage':
        return b'\x00\x01 nothing to see here\n'
    if mode == 'spread':
        return in_records(padded(handshake_message(hello), 32000), 100)
    return hello


def main():
    mode, host, port, sni = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    tls, incoming, outgoing, hello = client('-' if mode == 'no-sni' else sni, sys.argv[5] if len(sys.argv) > 5 else None)
    s = socket.create_connection((host, port), timeout=10)

    def pump(step):
        while True:
            try:
                return step()
            except ssl.SSLWantReadError:
                pending = outgoing.read()
                if pending:
                    s.sendall(pending)
                data = s.recv(65536)
                if not data:
                    raise EOFError
                incoming.write(data)

    try:
        s.sendall(first_flight(mode, hello))
        pump(tls.do_handshake)
        tls.write(b'GET /probe HTTP/1.0\r\n\r\n')
        s.sendall(outgoing.read())
        print('handshake', pump(lambda: tls.read(4096)).decode().strip())
    except (ConnectionResetError, BrokenPipeError):
        print('reset')
    except EOFError:
        print('closed')
    except (ssl.SSLError, OSError) as e:
        print('failed', e)


main()

#!/usr/bin/env node
// An HTTP/2 upstream for inspected-egress tests: HTTPS that offers h2 (and
// HTTP/1.1) by ALPN and tells what it received.
//
// usage: h2_echo_server.js CERT KEY
//
// Listens on 127.0.0.1, prints "port N", then "session" for every new
// connection and, for every request, "request METHOD PATH" followed by
// one JSON line of its headers (":version" is the HTTP version it came
// over), flushed, so a test can prove what reached the upstream.
//
//   /echo...        200 with a JSON body: method, path, httpVersion, headers, body
//   /big?bytes=N    N bytes of 'x', written as fast as flow control lets
//   /stream         answers each chunk of the request body as it arrives
//                   (upper-cased), then trailers grpc-status: 0 — the
//                   shape of a bidirectional gRPC call
//   /slow           sends "a", then nothing until the client goes away
//   /reset          resets the stream (RST_STREAM INTERNAL_ERROR)
'use strict';
const fs = require('fs');
const http2 = require('http2');

const [cert, key] = process.argv.slice(2);

function say(line) {
    fs.writeSync(1, line + '\n');
}

function record(method, path, version, headers) {
    say(`request ${method} ${path}`);
    const fields = { ':version': version };
    for (const [name, value] of Object.entries(headers))
        fields[name] = Array.isArray(value) ? value.join(', ') : String(value);
    say(JSON.stringify(fields));
}

function readAll(readable, done) {
    const chunks = [];
    readable.on('data', (c) => chunks.push(c));
    readable.on('end', () => done(Buffer.concat(chunks)));
}

function echoBody(method, path, version, headers, body) {
    return JSON.stringify({ method, path, httpVersion: version, headers, body: body.toString() });
}

// One handler for both versions (node's compatibility API); h2-only
// behaviour goes through req.stream.
function onRequest(req, res) {
    const version = req.httpVersion;
    record(req.method, req.url, version, req.headers);
    const url = new URL(req.url, 'https://upstream');
    req.on('error', () => {});
    res.on('error', () => {});
    if (url.pathname.startsWith('/echo')) {
        readAll(req, (body) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(echoBody(req.method, req.url, version, req.headers, body));
        });
    } else if (url.pathname === '/big') {
        let left = Number(url.searchParams.get('bytes') || 0);
        res.writeHead(200, { 'content-length': String(left) });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
            while (left > 0) {
                const n = Math.min(left, chunk.length);
                left -= n;
                if (!res.write(chunk.subarray(0, n))) return res.once('drain', pump);
            }
            res.end();
        };
        pump();
    } else if (url.pathname === '/stream') {
        res.writeHead(200, { 'content-type': 'application/grpc' });
        req.on('data', (c) => res.write(c.toString().toUpperCase()));
        req.on('end', () => {
            res.addTrailers({ 'grpc-status': '0', 'grpc-message': 'done' });
            res.end();
        });
    } else if (url.pathname === '/slow') {
        res.writeHead(200);
        res.write('a');
        res.on('close', () => say(`closed ${req.url}`));
    } else if (url.pathname === '/reset' && req.stream) {
        req.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    } else {
        res.writeHead(404);
        res.end();
    }
}

const server = http2.createSecureServer(
    { cert: fs.readFileSync(cert), key: fs.readFileSync(key), allowHTTP1: true }, onRequest);
server.on('session', () => say('session'));
server.listen(0, '127.0.0.1', () => say(`port ${server.address().port}`));

// Runs once in each handler's JavaScript engine, before the user's
// script: the Paddock object, console, and the glue that hands handle()
// a request and turns what it returns into the JSON the engine checks
// (engine/src/egress/handler/handler_verdict.h). Qt 6.4's engine speaks
// ES2016: no async, no '??', no object spread.
(function (global) {
    'use strict';
    var natives = global.__paddockNatives;
    delete global.__paddockNatives;

    var logs = [];
    function record(args) {
        if (logs.length >= 50) return;
        var parts = [];
        for (var i = 0; i < args.length; ++i)
            parts.push(typeof args[i] === 'string' ? args[i] : JSON.stringify(args[i]));
        logs.push(parts.join(' ').slice(0, 1000));
    }
    global.console = Object.freeze({
        log: function () { record(arguments); },
        info: function () { record(arguments); },
        warn: function () { record(arguments); },
        error: function () { record(arguments); }
    });

    function digestOptions(options) {
        options = options || {};
        return { keyEncoding: String(options.keyEncoding || 'utf8'), encoding: String(options.encoding || 'hex') };
    }
    global.Paddock = Object.freeze({
        deny: function (reason) {
            return { __paddock: 'deny', reason: reason === undefined ? '' : String(reason) };
        },
        respond: function (status, body, headers) {
            return { __paddock: 'respond', status: status, body: body, headers: headers };
        },
        // Keys and data are text (UTF-8); options.keyEncoding 'hex' or
        // 'base64' reads a binary key, options.encoding picks the output.
        hmacSha256: function (key, data, options) {
            var o = digestOptions(options);
            return natives.hmacSha256(String(key), o.keyEncoding, String(data), o.encoding);
        },
        sha256: function (data, options) {
            return natives.sha256(String(data), digestOptions(options).encoding);
        },
        base64Encode: function (text) { return natives.base64Encode(String(text)); },
        base64Decode: function (base64) { return natives.base64Decode(String(base64)); }
    });

    // Headers as a script writes them: {name: value}, [[name, value]…].
    function headerPairs(headers) {
        var out = [];
        if (headers === undefined || headers === null) return out;
        if (Array.isArray(headers)) {
            for (var i = 0; i < headers.length; ++i)
                out.push([String(headers[i][0]), String(headers[i][1])]);
            return out;
        }
        var names = Object.keys(headers);
        for (var j = 0; j < names.length; ++j) {
            var value = headers[names[j]];
            if (value !== undefined && value !== null) out.push([names[j], String(value)]);
        }
        return out;
    }

    function putBody(into, from) {
        if (typeof from.bodyBase64 === 'string') into.bodyBase64 = from.bodyBase64;
        else if (from.body === undefined || from.body === null) into.body = '';
        else if (typeof from.body === 'string') into.body = from.body;
        else into.body = JSON.stringify(from.body);
        return into;
    }

    function makeRequest(wire) {
        var headers = {};
        for (var i = 0; i < wire.headers.length; ++i) {
            var name = wire.headers[i][0].toLowerCase();
            headers[name] = name in headers ? headers[name] + ', ' + wire.headers[i][1] : wire.headers[i][1];
        }
        var request = { method: wire.method, url: wire.url, headers: headers, body: null };
        if (typeof wire.body === 'string') request.body = wire.body;
        if (typeof wire.bodyBase64 === 'string') request.bodyBase64 = wire.bodyBase64;
        return request;
    }

    function verdict(result, request) {
        if (result === undefined || result === null)
            throw new Error('handle() returned nothing: return the request, Paddock.respond(…) or Paddock.deny(…)');
        if (result === false) return { action: 'deny', reason: '' };
        if (typeof result !== 'object')
            throw new Error('handle() returned a ' + typeof result + ': return the request, Paddock.respond(…) or Paddock.deny(…)');
        if (typeof result.then === 'function')
            throw new Error('handle() returned a Promise: handlers run synchronously here');
        if (result.__paddock === 'deny') return { action: 'deny', reason: result.reason };
        if (result.__paddock === 'respond') {
            var headers = headerPairs(result.headers);
            var json = result.body !== null && typeof result.body === 'object';
            if (json && !headers.some(function (h) { return h[0].toLowerCase() === 'content-type'; }))
                headers.push(['content-type', 'application/json']);
            return { action: 'respond', response: putBody({ status: result.status, headers: headers }, result) };
        }
        var sent = {
            method: String(result.method === undefined ? request.method : result.method),
            url: String(result.url === undefined ? request.url : result.url),
            headers: headerPairs(result.headers === undefined ? request.headers : result.headers)
        };
        return { action: 'send', request: putBody(sent, result) };
    }

    global.__paddockRun = function (handle, requestJson, secretsJson) {
        logs = [];
        var request = makeRequest(JSON.parse(requestJson));
        var secrets = Object.freeze(JSON.parse(secretsJson));
        var result = verdict(handle(request, secrets), request);
        return JSON.stringify({ result: result, logs: logs });
    };
    global.__paddockLogs = function () { return JSON.stringify(logs); };
})(this);

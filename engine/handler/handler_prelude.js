// Runs once in each handler's JavaScript engine, before the user's
// script: the Paddock object, console, and the glue that hands handle()
// a request and turns what it returns into the JSON the engine checks
// (engine/src/egress/handler/handler_verdict.h). Qt 6.4's engine speaks
// ES2016: no async, no '??', no object spread.
(function (global) {
    'use strict';
    var natives = global.__paddockNatives;
    delete global.__paddockNatives;

    var own = Object.prototype.hasOwnProperty;
    function has(object, key) { return own.call(object, key); }

    // The call's secrets, to mask in what leaves here (console lines, a
    // denial's reason) before anything is cut short: a cut through a value
    // would leave a piece of it unmasked.
    var secretValues = {};
    function masked(text) {
        Object.keys(secretValues).forEach(function (name) {
            var value = secretValues[name];
            if (typeof value === 'string' && value.length >= 4) text = text.split(value).join('{{secret.' + name + '}}');
        });
        return text;
    }

    var logs = [];
    function record(args) {
        if (logs.length >= 50) return;
        var parts = [];
        for (var i = 0; i < args.length; ++i)
            parts.push(typeof args[i] === 'string' ? args[i] : JSON.stringify(args[i]));
        logs.push(masked(parts.join(' ')).slice(0, 1000));
    }
    global.console = Object.freeze({
        log: function () { record(arguments); },
        info: function () { record(arguments); },
        warn: function () { record(arguments); },
        error: function () { record(arguments); }
    });

    function digestOptions(options) {
        options = options || {};
        return {
            keyEncoding: String(options.keyEncoding || 'utf8'),
            dataEncoding: String(options.dataEncoding || 'utf8'),
            encoding: String(options.encoding || 'hex')
        };
    }
    // A digest of undefined would sign the text "undefined": a typo in a
    // secret's name, or a body that is not text, must fail instead.
    function given(value, what, hint) {
        if (value === undefined || value === null)
            throw new TypeError(what + ' is ' + value + (hint ? ' (' + hint + ')' : ''));
        return String(value);
    }
    var kDataHint = 'a body that is not text is in request.bodyBase64: pass it with {dataEncoding: \'base64\'}';
    // What Paddock.deny and Paddock.respond return carries one of these, by
    // identity: nothing a request can hold (JSON, a polluted prototype) is one.
    var kDeny = {}, kRespond = {};
    function marked(result, mark) { return has(result, '__paddock') && result.__paddock === mark; }
    global.Paddock = Object.freeze({
        deny: function (reason) {
            return { __paddock: kDeny, reason: reason === undefined ? '' : String(reason) };
        },
        respond: function (status, body, headers) {
            return { __paddock: kRespond, status: status, body: body, headers: headers };
        },
        // Keys and data are text (UTF-8); options.keyEncoding and
        // options.dataEncoding 'hex' or 'base64' read bytes, options.encoding
        // ('hex' or 'base64') picks the output.
        hmacSha256: function (key, data, options) {
            var o = digestOptions(options);
            return natives.hmacSha256(given(key, 'the key', 'is the secret named with --secret?'), o.keyEncoding,
                given(data, 'the data', kDataHint), o.dataEncoding, o.encoding);
        },
        sha256: function (data, options) {
            var o = digestOptions(options);
            return natives.sha256(given(data, 'the data', kDataHint), o.dataEncoding, o.encoding);
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

    // The body to send: what the script set. `original` (the request as it
    // came) tells a body the script assigned from one it left alone, so a
    // binary request's new text body is not lost to its old bodyBase64.
    function putBody(into, from, original) {
        var body = has(from, 'body') ? from.body : undefined;
        var base64 = has(from, 'bodyBase64') ? from.bodyBase64 : undefined;
        var bodyChanged = !original || body !== (typeof original.body === 'string' ? original.body : null);
        if (typeof body === 'string' && (bodyChanged || typeof base64 !== 'string')) into.body = body;
        else if (typeof base64 === 'string') into.bodyBase64 = base64;
        else if (body === undefined || body === null) into.body = '';
        else into.body = JSON.stringify(body);
        return into;
    }

    // "https://host/a/b?q" → origin "https://host", path "/a/b", query "q"
    function splitUrl(url) {
        var pathAt = url.indexOf('/', url.indexOf('//') + 2);
        var queryAt = url.indexOf('?', pathAt);
        return {
            origin: url.slice(0, pathAt),
            path: queryAt < 0 ? url.slice(pathAt) : url.slice(pathAt, queryAt),
            query: queryAt < 0 ? '' : url.slice(queryAt + 1)
        };
    }

    function makeRequest(wire) {
        var headers = {};
        for (var i = 0; i < wire.headers.length; ++i) {
            var name = wire.headers[i][0].toLowerCase();
            var value = has(headers, name) ? headers[name] + ', ' + wire.headers[i][1] : wire.headers[i][1];
            // Defined, not assigned: a field named __proto__ is a field.
            Object.defineProperty(headers, name, { value: value, writable: true, enumerable: true, configurable: true });
        }
        var parts = splitUrl(wire.url);
        var request = { method: wire.method, url: wire.url, path: parts.path, query: parts.query, headers: headers, body: null };
        if (typeof wire.body === 'string') request.body = wire.body;
        if (typeof wire.bodyBase64 === 'string') request.bodyBase64 = wire.bodyBase64;
        return request;
    }

    // A secret the handler was not handed is a mistake, not undefined.
    function strictSecrets(values) {
        var frozen = Object.freeze(values);
        if (typeof Proxy !== 'function') return frozen;
        return new Proxy(frozen, {
            get: function (target, key) {
                if (typeof key !== 'string' || key in target || key in Object.prototype || key === 'toJSON' || key === 'then')
                    return target[key];
                throw new ReferenceError('no secret ' + key + ' is handed to this handler (name it with --secret ' + key + ')');
            }
        });
    }

    // The request as the script left it: a changed path or query rebuilds the URL.
    function urlOf(result, original) {
        if (result.url !== original.url) return String(result.url);
        var parts = splitUrl(original.url);
        if (result.path === parts.path && result.query === parts.query) return original.url;
        var query = String(result.query === undefined ? '' : result.query);
        return parts.origin + String(result.path) + (query === '' ? '' : '?' + query);
    }

    function verdict(result, request, original) {
        if (result === undefined || result === null)
            throw new Error('handle() returned nothing: return the request, Paddock.respond(…) or Paddock.deny(…)');
        if (result === false)
            throw new Error('handle() returned false: to refuse the request, return Paddock.deny(reason)');
        if (typeof result !== 'object')
            throw new Error('handle() returned a ' + typeof result + ': return the request, Paddock.respond(…) or Paddock.deny(…)');
        if (typeof result.then === 'function')
            throw new Error('handle() returned a Promise: handlers run synchronously here');
        if (marked(result, kDeny)) return { action: 'deny', reason: masked(result.reason) };
        if (marked(result, kRespond)) {
            var headers = headerPairs(result.headers);
            var json = result.body !== null && typeof result.body === 'object';
            if (json && !headers.some(function (h) { return h[0].toLowerCase() === 'content-type'; }))
                headers.push(['content-type', 'application/json']);
            return { action: 'respond', response: putBody({ status: result.status, headers: headers }, result) };
        }
        if (result !== request && (typeof result.method !== 'string' || typeof result.url !== 'string'))
            throw new Error('handle() returned an object that is neither the request nor one with a method and a url'
                + ('status' in result ? ': to answer it here, return Paddock.respond(status, body, headers)' : ''));
        var sent = {
            method: String(result.method),
            url: result === request ? urlOf(result, original) : String(result.url),
            headers: headerPairs(result.headers)
        };
        return { action: 'send', request: putBody(sent, result, result === request ? original : undefined) };
    }

    global.__paddockRun = function (handle, requestJson, secretsJson) {
        logs = [];
        var wire = JSON.parse(requestJson);
        var request = makeRequest(wire);
        secretValues = JSON.parse(secretsJson);
        var secrets = strictSecrets(JSON.parse(secretsJson));
        var result = verdict(handle(request, secrets), request, wire);
        return JSON.stringify({ result: result, logs: logs });
    };
    global.__paddockLogs = function () { return JSON.stringify(logs); };
})(this);

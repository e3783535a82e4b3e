// The request-target of a plain-HTTP request, reduced to the one path that
// rules decide on and that the upstream then receives.
//
// Rules once matched the raw target, so `/public/../admin.txt` passed
// `allow /public/*` and `/%61dmin.txt` passed `deny /admin*`: the gate and
// the server read the same bytes as two different paths. Here the path is
// percent-decoded, its dot segments removed (RFC 3986 §5.2.4) and its
// repeated slashes collapsed, then re-encoded one canonical way; that
// canonical path is what rules match and what goes upstream, so nothing
// the server could read differently is left in it. What cannot be reduced
// safely (an encoded '/', a '..' above the root, "..;" segments that Java
// servers read as "..", control bytes) is refused, with the reason.
//
// Plain C++ without Qt: the fuzzer compiles it in directly.
#pragma once

#include <string>
#include <string_view>

namespace paddock::egress {

struct HttpTarget {
    std::string path; // canonical: '/' then segments; no '*', no control byte, printable ASCII only
    std::string query; // as sent, after '?'
    bool hasQuery = false;
    std::string problem; // set when refused: why, for the 400 and the log

    bool ok() const { return problem.empty(); }
    // What the upstream is sent: the canonical path and the query unchanged.
    std::string encoded() const { return hasQuery ? path + '?' + query : path; }
};

// Only origin-form ("/path?query") is accepted: absolute-form, authority-form
// and asterisk-form are refused (the connection already names the host).
HttpTarget normalizeOriginForm(std::string_view target);

// Sets a query parameter, replacing every one of that (decoded) name.
void setQueryParameter(HttpTarget &target, const std::string &name, const std::string &encodedValue);

// Each %XX escape decoded; a '%' that starts none stays as it is.
std::string percentDecoded(std::string_view text);
// Every byte outside RFC 3986's unreserved set written %XX: safe anywhere
// in a query, as a name or a value.
std::string percentEncoded(std::string_view bytes);

// A rule's path glob in the same canonical spelling as a request's path, so
// `/%61dmin*` and `/admin*` are one pattern and `/café` matches what a
// client sends as `/caf%C3%A9`. Each '*' stays a wildcard; a literal star is
// written %2A. A '%' that starts no escape stands for itself.
std::string canonicalPathPattern(std::string_view pattern);

} // namespace paddock::egress

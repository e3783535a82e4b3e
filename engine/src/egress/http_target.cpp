#include "http_target.h"

#include <array>
#include <vector>

namespace paddock::egress {

namespace {

// Bytes a canonical path carries as themselves: RFC 3986's unreserved
// characters and the pchar extras (sub-delims, ':' and '@'), except '*',
// which rules read as a wildcard — a decided path never contains one, so
// an exact rule made from it matches that path and no other. Everything
// else, including every byte above 0x7f, is written %XX (upper case).
constexpr std::array<bool, 256> kKeptRaw = [] {
    std::array<bool, 256> t {};
    for (int c = 'a'; c <= 'z'; ++c)
        t[size_t(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[size_t(c)] = true;
    for (int c = '0'; c <= '9'; ++c)
        t[size_t(c)] = true;
    for (unsigned char c : std::string_view("-._~!$&'()+,;=:@"))
        t[c] = true;
    return t;
}();

int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void appendCanonical(std::string &out, unsigned char c)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    if (kKeptRaw[c]) {
        out += char(c);
        return;
    }
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
}

bool isControl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

std::string hexByte(unsigned char c)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    return { '%', kHex[c >> 4], kHex[c & 15] };
}

// Strict UTF-8 (RFC 3629): no overlong forms — "%C0%AE" is a '.' to some
// old decoders — no surrogates, nothing above U+10FFFF.
bool isValidUtf8(std::string_view s)
{
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t extra = 0;
        uint32_t cp = 0, min = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += extra + 1;
    }
    return true;
}

// Decodes one raw segment (between slashes); sets `problem` when it holds
// something that must not be decoded past.
std::string decodeSegment(std::string_view raw, std::string &problem)
{
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (isControl(c)) {
            problem = "the path holds a control byte (" + hexByte(c) + ")";
            return {};
        }
        if (c == '\\') {
            problem = "the path holds a '\\', which some servers read as '/'";
            return {};
        }
        if (c == '#') {
            problem = "a request-target has no fragment ('#')";
            return {};
        }
        if (c != '%') {
            out += char(c);
            continue;
        }
        if (i + 2 >= raw.size()) {
            problem = "the path has a '%' that starts no %XX escape";
            return {};
        }
        const int h = hexValue(raw[i + 1]), l = hexValue(raw[i + 2]);
        if (h < 0 || l < 0) {
            problem = "the path has a '%' that starts no %XX escape";
            return {};
        }
        const auto d = static_cast<unsigned char>(h * 16 + l);
        if (d == '/') {
            problem = "the path holds an encoded '/' (%2F), which servers disagree about";
            return {};
        }
        if (d == '\\') {
            problem = "the path holds an encoded '\\' (%5C), which some servers read as '/'";
            return {};
        }
        if (isControl(d)) {
            problem = "the path holds an encoded control byte (" + hexByte(d) + ")";
            return {};
        }
        out += char(d);
        i += 2;
    }
    return out;
}

// A segment some server reads as "." or "..": Tomcat drops what follows
// ';' ("..;" is ".."), and Windows servers drop trailing dots and spaces
// ("...", ".. " are "..").
bool readsAsDotSegment(std::string_view seg)
{
    const std::string_view beforeParams = seg.substr(0, seg.find(';'));
    if (beforeParams.size() != seg.size() && (beforeParams == "." || beforeParams == ".."))
        return true;
    if (seg == "." || seg == "..") return false; // the ones removed here
    return !seg.empty() && seg.find_first_not_of(". ") == std::string_view::npos;
}

std::string_view unsupportedForm(std::string_view target)
{
    if (target == "*") return "asterisk-form (OPTIONS *) is not supported";
    if (target.find("://") != std::string_view::npos)
        return "absolute-form (a whole URL) is not supported: send the path only";
    return "only origin-form targets ('/path?query') are supported";
}

} // namespace

HttpTarget normalizeOriginForm(std::string_view target)
{
    HttpTarget t;
    if (target.empty() || target.front() != '/') {
        t.problem = unsupportedForm(target);
        return t;
    }
    const size_t q = target.find('?');
    const std::string_view rawPath = target.substr(0, q);
    if (q != std::string_view::npos) {
        t.hasQuery = true;
        t.query = std::string(target.substr(q + 1));
        for (unsigned char c : t.query)
            if (isControl(c) || c == '#') {
                t.problem = c == '#' ? "a request-target has no fragment ('#')"
                                     : "the query holds a control byte (" + hexByte(c) + ")";
                return t;
            }
    }
    std::vector<std::string> kept;
    bool trailingSlash = false;
    size_t at = 1;
    while (at <= rawPath.size()) {
        const size_t end = std::min(rawPath.find('/', at), rawPath.size());
        std::string seg = decodeSegment(rawPath.substr(at, end - at), t.problem);
        if (!t.ok()) return t;
        const bool last = end == rawPath.size();
        at = end + 1;
        if (readsAsDotSegment(seg)) {
            t.problem = "a segment some servers read as '.' or '..' (like \"..;\" or \"...\")";
            return t;
        }
        // "/a/", "/a/." and "/a/b/.." all name a directory: keep the slash.
        trailingSlash = last && (seg.empty() || seg == "." || seg == "..");
        if (seg == "..") {
            if (kept.empty()) {
                t.problem = "'..' climbs above the root";
                return t;
            }
            kept.pop_back();
        } else if (!seg.empty() && seg != ".") {
            kept.push_back(std::move(seg));
        }
    }
    std::string decoded;
    t.path.clear();
    for (const std::string &seg : kept) {
        decoded += '/' + seg;
        t.path += '/';
        for (unsigned char c : seg)
            appendCanonical(t.path, c);
    }
    if (!isValidUtf8(decoded)) {
        t.problem = "the decoded path is not valid UTF-8";
        t.path.clear();
        return t;
    }
    if (t.path.empty() || trailingSlash) t.path += '/';
    return t;
}

std::string canonicalPathPattern(std::string_view pattern)
{
    std::string out;
    out.reserve(pattern.size());
    for (size_t i = 0; i < pattern.size(); ++i) {
        const auto c = static_cast<unsigned char>(pattern[i]);
        if (c == '*' || c == '/') {
            out += char(c);
            continue;
        }
        if (c == '%' && i + 2 < pattern.size() && hexValue(pattern[i + 1]) >= 0
            && hexValue(pattern[i + 2]) >= 0) {
            const auto d = static_cast<unsigned char>(
                hexValue(pattern[i + 1]) * 16 + hexValue(pattern[i + 2]));
            i += 2;
            // An encoded '/' stays encoded: it is not a separator (and no
            // request path holds one, so such a pattern matches nothing).
            if (d == '/')
                out += "%2F";
            else
                appendCanonical(out, d);
            continue;
        }
        appendCanonical(out, c);
    }
    return out;
}

std::string percentDecoded(std::string_view text)
{
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += char(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string percentEncoded(std::string_view bytes)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : bytes) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || c == '.' || c == '_' || c == '~';
        if (unreserved)
            out += char(c);
        else
            out.append({ '%', kHex[c >> 4], kHex[c & 15] });
    }
    return out;
}

void setQueryParameter(HttpTarget &t, const std::string &name, const std::string &encodedValue)
{
    std::string kept;
    std::string_view rest = t.hasQuery ? std::string_view(t.query) : std::string_view();
    while (!rest.empty()) {
        const size_t amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (percentDecoded(pair.substr(0, pair.find('='))) == name) continue;
        if (!kept.empty()) kept += '&';
        kept.append(pair);
    }
    if (!kept.empty()) kept += '&';
    t.query = kept + name + '=' + encodedValue;
    t.hasQuery = true;
}

} // namespace paddock::egress

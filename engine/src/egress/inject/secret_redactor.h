// Masks secret values in what an upstream sends back to a sandbox: an
// upstream that echoes a request (a debugging endpoint, an error page
// quoting its input) would otherwise hand the sandbox the very credential
// that was injected so it never had to hold it. Each occurrence becomes
// as many '*' — the same length, so the response's framing still holds.
//
// A stream, fed as bytes arrive: the last (longest value − 1) bytes are
// held back until the next bytes (or flush()) show whether they begin a
// value. Always that many, whatever they are, so that timing and
// segmentation say nothing about a partial match. Values shorter than
// kMinLength are not masked (they would mask ordinary text, and are no
// credential).
//
// A flush while the stream goes on (a pause) lets the held bytes go; a
// value they began is masked from where it continues.
//
// The forms an honest echo gives it are masked too: lower and upper case
// (HTTP/2 field names are lower case), and JSON-escaped ('"', '\\',
// control characters; '/' and '<>&' as some encoders do). Not seen: a
// value the upstream sends otherwise transformed (base64, split across
// WebSocket frames); a compressed answer to an injected request is
// refused by the gates, since it cannot be read to be masked.
//
// Plain C++ without Qt: the fuzzer drives it directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paddock::egress {

class SecretRedactor {
public:
    static constexpr size_t kMinLength = 4;

    void addValue(std::string value);
    bool active() const { return !m_values.empty(); }
    // Appends to `out` what is sure not to begin a secret (masked where it is one).
    void feed(std::string_view in, std::string &out);
    // Appends what is held back (no more bytes will come for now).
    void flush(std::string &out);
    // A whole text with every value masked, apart from the stream.
    std::string masked(std::string_view text) const;
    size_t held() const { return m_tail.size(); }
    // The most it ever holds: the longest form of a value, less one byte
    // (an escaped echo is longer than the value).
    size_t mostHeld() const { return m_values.empty() ? 0 : m_values.front().size() - 1; }
    // How many values were masked so far.
    size_t masked() const { return m_masked; }
    // Of those, how many were cut short at a flush: what came back ended
    // with the start of a value (see SandboxEgress::noteCutShortValues).
    size_t cutShort() const { return m_cutShort; }

private:
    // How many bytes at the end of `s` to hold back until more come.
    size_t heldTail(std::string_view s) const;
    void mask(std::string &s, size_t from); // from `from` on
    void maskContinuation(std::string &out, size_t start);

    std::vector<std::string> m_values; // longest first
    std::string m_tail;
    std::string m_flushed; // the last bytes a flush let go, unmasked: a value may go on from them
    size_t m_masked = 0;
    size_t m_cutShort = 0;
};

} // namespace paddock::egress

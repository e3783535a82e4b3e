#include "secret_redactor.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

namespace paddock::egress {

namespace {

std::string caseFolded(std::string s, bool upper)
{
    const char from = upper ? 'a' : 'A';
    std::transform(s.begin(), s.end(), s.begin(), [from](unsigned char c) {
        return c >= from && c <= from + 25 ? char(c ^ 0x20) : char(c);
    });
    return s;
}

// As a JSON encoder writes it inside a string: '"', '\\' and control
// characters always; '/' too by some (PHP), and '<', '>', '&' by others
// (Go's, for HTML safety).
std::string jsonEscaped(std::string_view s, bool slash, bool html)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        if (c == '"' || c == '\\' || (slash && c == '/')) {
            out += '\\';
            out += char(c);
        } else if (c < 0x20 || (html && (c == '<' || c == '>' || c == '&'))) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += char(c);
        }
    }
    return out;
}

// The forms an honest echo gives a value: as sent; case-folded (HTTP/2
// field names are lower case, and some echo upper case); JSON-escaped.
std::vector<std::string> echoForms(const std::string &value)
{
    std::vector<std::string> forms;
    for (const std::string &cased : { value, caseFolded(value, false), caseFolded(value, true) }) {
        forms.push_back(cased);
        for (const auto &[slash, html] : std::initializer_list<std::pair<bool, bool>> {
                 { false, false }, { true, false }, { false, true }, { true, true } })
            forms.push_back(jsonEscaped(cased, slash, html));
    }
    return forms;
}

} // namespace

void SecretRedactor::addValue(std::string value)
{
    if (value.size() < kMinLength) return;
    for (std::string &form : echoForms(value))
        if (std::find(m_values.begin(), m_values.end(), form) == m_values.end())
            m_values.push_back(std::move(form));
    // Longest first: a value that contains another is masked whole.
    std::sort(m_values.begin(), m_values.end(),
        [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
}

void SecretRedactor::mask(std::string &s, size_t from)
{
    for (const std::string &v : m_values) {
        for (size_t at = s.find(v, from); at != std::string::npos; at = s.find(v, at + v.size())) {
            s.replace(at, v.size(), v.size(), '*');
            ++m_masked;
        }
    }
}

// As many bytes as the longest value less one, whatever they are: holding
// back only a tail that matches the start of a value would tell the sandbox,
// by what arrives when, how much of a value it has guessed (an upstream that
// echoes what the sandbox sends would recover a secret a byte at a time).
size_t SecretRedactor::heldTail(std::string_view s) const
{
    return std::min(s.size(), mostHeld());
}

void SecretRedactor::feed(std::string_view in, std::string &out)
{
    if (m_values.empty()) {
        out.append(in);
        return;
    }
    // Masked where it lands: one copy of each byte, not two.
    const size_t start = out.size();
    out.append(m_tail);
    out.append(in);
    mask(out, start);
    maskContinuation(out, start);
    const size_t keep = heldTail(std::string_view(out).substr(start));
    m_tail.assign(out, out.size() - keep, keep);
    out.resize(out.size() - keep);
    // Bytes went out past the flushed ones: a value begun there has ended by now.
    if (out.size() > start) m_flushed.clear();
}

// A value whose start went out at a flush (a pause) has the rest of it
// masked when it comes: what left cannot be taken back, but the sandbox
// never sees more of a value than a pause let through (under kMinLength
// bytes: a longer start is masked by flush itself).
void SecretRedactor::maskContinuation(std::string &out, size_t start)
{
    if (m_flushed.empty()) return;
    const std::string_view fresh = std::string_view(out).substr(start);
    for (const std::string &v : m_values) {
        for (size_t n = std::min(m_flushed.size(), v.size() - 1); n >= 1; --n) {
            const std::string_view begun = std::string_view(v).substr(0, n),
                                   rest = std::string_view(v).substr(n);
            if (std::string_view(m_flushed).ends_with(begun) && fresh.starts_with(rest)) {
                std::fill(out.begin() + std::ptrdiff_t(start),
                    out.begin() + std::ptrdiff_t(start + rest.size()), '*');
                ++m_masked;
                break;
            }
        }
    }
}

// At the end of what comes back, a value cut short (an upstream that
// truncates, a body that ends mid-value) is masked as far as it goes: the
// start of a secret is as much the secret as its whole.
void SecretRedactor::flush(std::string &out)
{
    if (m_values.empty()) return; // nothing is ever held
    size_t cut = 0;
    for (const std::string &v : m_values)
        for (size_t n = std::min(m_tail.size(), v.size() - 1); n >= kMinLength && n > cut; --n)
            if (std::string_view(m_tail).substr(m_tail.size() - n)
                == std::string_view(v).substr(0, n)) {
                cut = n;
                break;
            }
    m_flushed += m_tail; // as it was, for maskContinuation
    if (m_flushed.size() >= m_values.front().size())
        m_flushed.erase(0, m_flushed.size() - (m_values.front().size() - 1));
    std::fill(m_tail.end() - std::ptrdiff_t(cut), m_tail.end(), '*');
    m_masked += cut > 0;
    m_cutShort += cut > 0;
    out += m_tail;
    m_tail.clear();
}

std::string SecretRedactor::masked(std::string_view text) const
{
    SecretRedactor whole;
    whole.m_values = m_values;
    std::string out;
    whole.feed(text, out);
    whole.flush(out);
    return out;
}

} // namespace paddock::egress

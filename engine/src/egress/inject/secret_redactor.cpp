#include "secret_redactor.h"

#include <algorithm>

namespace paddock::egress {

void SecretRedactor::addValue(std::string value)
{
    if (value.size() < kMinLength
        || std::find(m_values.begin(), m_values.end(), value) != m_values.end())
        return;
    // Its lower-case form too: HTTP/2 field names are lower case, and an
    // upstream may echo a value as one (or fold case on its own).
    std::string lower = value;
    std::transform(lower.begin(), lower.end(), lower.begin(),
        [](unsigned char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : char(c); });
    if (lower != value && std::find(m_values.begin(), m_values.end(), lower) == m_values.end())
        m_values.push_back(std::move(lower));
    m_values.push_back(std::move(value));
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
    return std::min(s.size(), m_values.front().size() - 1);
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

#include "placeholder_scanner.h"

#include "secret_template.h"

#include <algorithm>

namespace paddock::egress {

namespace {

bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool isLowerHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// `word` starts with the prefix and holds word characters only.
bool parse(std::string_view word, std::string *name)
{
    constexpr size_t kTail = kPlaceholderRandomDigits + 1; // '_' and the digits
    if (word.size() < kPlaceholderPrefix.size() + 1 + kTail) return false;
    const std::string_view tail = word.substr(word.size() - kTail);
    if (tail.front() != '_' || !std::all_of(tail.begin() + 1, tail.end(), isLowerHex)) return false;
    const std::string_view n
        = word.substr(kPlaceholderPrefix.size(), word.size() - kPlaceholderPrefix.size() - kTail);
    if (!isSecretName(n)) return false;
    *name = std::string(n);
    return true;
}

} // namespace

std::vector<PlaceholderHit> findPlaceholders(std::string_view text)
{
    std::vector<PlaceholderHit> hits;
    size_t at = text.find(kPlaceholderPrefix);
    while (at != std::string_view::npos) {
        // A placeholder is a whole word: not the end of a longer one.
        const bool starts = at == 0 || !isWordChar(text[at - 1]);
        size_t end = at + kPlaceholderPrefix.size();
        while (end < text.size() && isWordChar(text[end]))
            ++end;
        std::string name;
        if (starts && parse(text.substr(at, end - at), &name)) {
            hits.push_back({ at, end - at, std::move(name) });
            at = text.find(kPlaceholderPrefix, end);
        } else {
            at = text.find(kPlaceholderPrefix, at + 1);
        }
    }
    return hits;
}

std::string placeholderFor(const std::string &name, const std::string &randomHex)
{
    return std::string(kPlaceholderPrefix) + name + '_' + randomHex;
}

} // namespace paddock::egress

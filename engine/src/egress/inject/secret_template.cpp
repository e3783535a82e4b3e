#include "secret_template.h"

#include <algorithm>

namespace paddock::egress {

namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";
constexpr std::string_view kPrefix = "secret.";

bool isAsciiLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

// The secret's name inside "{{ … }}", or why it is none.
std::optional<std::string> referenceName(std::string_view inside, std::string *error)
{
    const std::string_view ref = trimmed(inside);
    if (ref.substr(0, kPrefix.size()) != kPrefix) {
        *error = "'{{" + std::string(inside.substr(0, 80))
            + "}}' is not a secret reference: write {{secret.NAME}}";
        return std::nullopt;
    }
    const std::string_view name = ref.substr(kPrefix.size());
    if (!isSecretName(name)) {
        *error = "'" + std::string(name.substr(0, 80))
            + "' is not a secret name (letters, digits and '_', starting with a letter, at most "
              "64)";
        return std::nullopt;
    }
    return std::string(name);
}

} // namespace

bool isSecretName(std::string_view name)
{
    if (name.empty() || name.size() > 64 || !isAsciiLetter(name.front())) return false;
    return std::all_of(name.begin(), name.end(),
        [](char c) { return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_'; });
}

std::optional<SecretTemplate> SecretTemplate::parse(std::string_view text, std::string *error)
{
    std::string ignored;
    if (!error) error = &ignored;
    if (text.size() > kMaxLength) {
        *error = "a template is limited to " + std::to_string(kMaxLength) + " bytes";
        return std::nullopt;
    }
    SecretTemplate t;
    while (!text.empty()) {
        const size_t open = text.find(kOpen);
        if (open != 0) {
            const std::string_view literal = text.substr(0, open);
            if (literal.find(kClose) != std::string_view::npos) {
                *error = "'}}' closes no '{{'";
                return std::nullopt;
            }
            t.m_parts.push_back({ false, std::string(literal) });
            if (open == std::string_view::npos) break;
            text.remove_prefix(open);
        }
        const size_t close = text.find(kClose, kOpen.size());
        if (close == std::string_view::npos) {
            *error = "'{{' is not closed by '}}'";
            return std::nullopt;
        }
        const std::string_view inside = text.substr(kOpen.size(), close - kOpen.size());
        if (inside.find(kOpen) != std::string_view::npos) {
            *error = "'{{' inside a reference";
            return std::nullopt;
        }
        auto name = referenceName(inside, error);
        if (!name) return std::nullopt;
        t.m_parts.push_back({ true, std::move(*name) });
        text.remove_prefix(close + kClose.size());
    }
    return t;
}

std::vector<std::string> SecretTemplate::secretNames() const
{
    std::vector<std::string> names;
    for (const TemplatePart &p : m_parts)
        if (p.isSecret && std::find(names.begin(), names.end(), p.text) == names.end())
            names.push_back(p.text);
    return names;
}

std::string SecretTemplate::render(
    const std::function<std::string(const std::string &)> &valueOf) const
{
    std::string out;
    for (const TemplatePart &p : m_parts)
        out += p.isSecret ? valueOf(p.text) : p.text;
    return out;
}

} // namespace paddock::egress

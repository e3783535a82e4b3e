// Templates over secrets, as an inspect rule's injections are written:
// "Bearer {{secret.GITHUB_TOKEN}}", "{{ secret.KEY }}". Literal text and
// secret references, nothing else: no expressions, no other variables, no
// escapes. A "{{" that does not open a well-formed reference is an error,
// so a typo never goes upstream as text.
//
// Plain C++ without Qt: the fuzzer drives it directly, and the CLI's
// validation shares it (paddock_common).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paddock::egress {

struct TemplatePart {
    bool isSecret = false;
    std::string text; // the literal text, or the secret's name
};

class SecretTemplate {
public:
    static constexpr size_t kMaxLength = 8 * 1024;

    // The template, or why it cannot be one (in `error`).
    static std::optional<SecretTemplate> parse(std::string_view text, std::string *error);

    const std::vector<TemplatePart> &parts() const { return m_parts; }
    std::vector<std::string> secretNames() const; // each once, in order
    // The text with each reference replaced by `valueOf(name)`.
    std::string render(const std::function<std::string(const std::string &)> &valueOf) const;

private:
    std::vector<TemplatePart> m_parts;
};

// Letters, digits and '_', starting with a letter, at most 64: the names
// `paddock secret set` takes (isValidSecretName, in Qt terms).
bool isSecretName(std::string_view name);

} // namespace paddock::egress

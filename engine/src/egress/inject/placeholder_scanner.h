// Placeholders: stand-ins for secrets that a sandbox may be given where a
// tool insists on having a token (`paddock secret placeholder NAME`). The
// field an inspect rule injects is replaced whole, placeholder and all;
// anywhere else a placeholder goes out as it is, worth nothing, and the
// gate finds it there to log the attempt. It is never swapped for the value
// in a field the sandbox chose: an upstream that stores or echoes that field
// (a message text, a log) would hand the value back in pieces.
//
// A placeholder reads paddock_ph_<NAME>_<24 hex digits>: letters, digits
// and '_' only, so it passes unchanged through headers, query strings and
// URL-encoding alike, and a scanner finds it without knowing every one.
//
// Plain C++ without Qt: the fuzzer drives it directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paddock::egress {

inline constexpr std::string_view kPlaceholderPrefix = "paddock_ph_";
inline constexpr size_t kPlaceholderRandomDigits = 24;

struct PlaceholderHit {
    size_t offset = 0;
    size_t length = 0;
    std::string secretName;
};

// Every well-formed placeholder in `text`, in order, not overlapping. Its
// random part is not checked here: the caller compares the whole with the
// secret's own.
std::vector<PlaceholderHit> findPlaceholders(std::string_view text);

// "paddock_ph_<name>_<randomHex>"; `randomHex` is kPlaceholderRandomDigits lower-case hex digits.
std::string placeholderFor(const std::string &name, const std::string &randomHex);

} // namespace paddock::egress

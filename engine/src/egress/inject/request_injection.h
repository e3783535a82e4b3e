// An inspect rule's injections, rendered with the values of the secrets
// they name and set on the request the gate allowed: a header replaces
// every field of that name the client sent (so a sandbox cannot smuggle
// its own Authorization past the rule), a query parameter every one of
// that name.
//
// Plain C++ without Qt: the gate converts the rule's injections.
#pragma once

#include "egress/http_target.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace paddock::egress {

// What injection reads and changes of a request, whichever HTTP carries
// it: an HTTP/1.1 request's framer, an HTTP/2 stream's head.
class InjectableRequest {
public:
    virtual ~InjectableRequest() = default;
    // Sets a field, replacing every one of that name (any case) the client sent.
    virtual void setField(const std::string &name, const std::string &value) = 0;
    // Sets a query parameter, replacing every one of that (decoded) name.
    virtual void setQueryParameter(const std::string &name, const std::string &encodedValue) = 0;
    // Whether the client sent a field of that name (any case), and takes it out.
    virtual bool takeField(const std::string &name) = 0;
    virtual const std::vector<std::pair<std::string, std::string>> &fields() const = 0;
    virtual const HttpTarget &requestTarget() const = 0;
};

struct Injection {
    bool query = false; // else a header
    std::string name;
    std::string valueTemplate; // "Bearer {{secret.X}}" (secret_template.h)
};

struct InjectionOutcome {
    std::vector<std::string> secretNames; // injected, each once
    std::vector<std::string> sentValues; // each secret's value as sent, for the response's redactor
    std::string problem; // set when the request must not go: why
};

// `values`: every secret the injections name, by name.
InjectionOutcome applyInjections(InjectableRequest &request, const std::vector<Injection> &inject,
    const std::map<std::string, std::string> &values);

// An injected request's answer is asked whole and uncompressed: compressed
// (a body, or a WebSocket's messages), or cut to a byte range the sandbox
// chose, it would carry an echoed secret past the masking (or hand it over
// in slices).
void askWholeAndPlain(InjectableRequest &request);

// The secrets whose placeholders (`known`: placeholder by secret name) the
// request carries in a header value or its query, each once.
std::vector<std::string> placeholdersIn(
    const InjectableRequest &request, const std::map<std::string, std::string> &known);

} // namespace paddock::egress

#include "request_injection.h"

#include "placeholder_scanner.h"
#include "secret_template.h"

#include <algorithm>

namespace paddock::egress {

namespace {

bool fitsInHeader(const std::string &value)
{
    return std::none_of(value.begin(), value.end(),
        [](char c) { return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f; });
}

} // namespace

InjectionOutcome applyInjections(InjectableRequest &request, const std::vector<Injection> &inject,
    const std::map<std::string, std::string> &values)
{
    InjectionOutcome out;
    std::vector<std::pair<const Injection *, std::string>> rendered;
    for (const Injection &i : inject) {
        std::string error;
        auto t = SecretTemplate::parse(i.valueTemplate, &error);
        if (!t) {
            out.problem = "the rule's " + i.name + " template: " + error;
            return out;
        }
        for (const std::string &name : t->secretNames()) {
            if (!values.count(name)) {
                out.problem = "the secret " + name + " has no value";
                return out;
            }
            if (std::find(out.secretNames.begin(), out.secretNames.end(), name)
                == out.secretNames.end())
                out.secretNames.push_back(name);
        }
        std::string value = t->render([&](const std::string &name) { return values.at(name); });
        if (!i.query && !fitsInHeader(value)) {
            out.problem = "the " + i.name
                + " header would hold a control character (from a secret's value): not sent";
            return out;
        }
        rendered.emplace_back(&i, std::move(value));
    }
    // Set only once every value is known good: a request is injected whole or not sent.
    for (auto &[i, value] : rendered) {
        if (i->query)
            request.setQueryParameter(i->name, percentEncoded(value));
        else
            request.setField(i->name, value);
    }
    // The values as they went out: raw, and percent-encoded in a query.
    const bool inQuery
        = std::any_of(inject.begin(), inject.end(), [](const Injection &i) { return i.query; });
    for (const std::string &name : out.secretNames) {
        out.sentValues.push_back(values.at(name));
        if (inQuery) out.sentValues.push_back(percentEncoded(values.at(name)));
    }
    return out;
}

std::vector<std::string> placeholdersIn(
    const InjectableRequest &request, const std::map<std::string, std::string> &known)
{
    std::vector<std::string> names;
    const auto scan = [&](std::string_view text) {
        for (const PlaceholderHit &hit : findPlaceholders(text)) {
            auto it = known.find(hit.secretName);
            const bool genuine
                = it != known.end() && text.substr(hit.offset, hit.length) == it->second;
            if (genuine && std::find(names.begin(), names.end(), hit.secretName) == names.end())
                names.push_back(hit.secretName);
        }
    };
    for (const auto &field : request.fields())
        scan(field.second);
    if (request.requestTarget().hasQuery) scan(request.requestTarget().query);
    return names;
}

void askWholeAndPlain(InjectableRequest &request)
{
    request.setField("Accept-Encoding", "identity");
    request.takeField("Range");
    request.takeField("If-Range");
    // A WebSocket's permessage-deflate would compress its messages past the masking too.
    request.takeField("Sec-WebSocket-Extensions");
}

} // namespace paddock::egress

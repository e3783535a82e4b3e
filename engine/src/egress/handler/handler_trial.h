// "Test against a sample request": runs a handler the user is writing on a
// request they describe, exactly as the gate would (the same helper, the
// same checks of what it returns), without a sandbox or an upstream, and
// reports what would happen. The secrets it is handed are the real ones;
// their values are masked ({{secret.NAME}}) everywhere in the report.
//
//   sample  {method?: "GET" (taken as written: "post" is not POST), url: "https://host/path?q",
//   headers?: [[n, v]…] | {n: v},
//            body? | bodyBase64?}
//   report  {outcome: "send" | "respond" | "deny" | "error", logs: […],
//            stage: "compile" | "run" (error: the script failed to load, or on this request)
//            request: {method, url, headers, body}   (send: as it would go upstream)
//            response: {status, headers, body}       (respond)
//            reason (deny) | error (error)}
#pragma once

#include "handler_runner.h"

#include "paddock/error.h"

#include <QJsonObject>

#include <map>
#include <string>

namespace paddock::egress {

class Inspection;

// Checks the sample and puts it in the shape a handler call carries.
Result<QJsonObject> handlerSampleRequest(const QJsonObject &sample);

// `secrets`: the values of the secrets the handler names.
void tryHandler(HandlerRunner &runner, const EgressHandler &handler, const QJsonObject &request,
    std::map<std::string, std::string> secrets, std::function<void(QJsonObject)> done);

} // namespace paddock::egress

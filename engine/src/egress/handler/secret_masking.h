// A secret's value written as its name ("{{secret.GITHUB_TOKEN}}") in text
// a handler left behind — an error, a reason, a console line — before the
// text goes to a log, a report or a sandbox. Mask first, cut after: a cut
// through a value would leave a piece of it unmasked.
#pragma once

#include "egress/inject/secret_redactor.h"

#include <QString>

#include <map>
#include <string>

namespace paddock::egress {

inline QString maskSecretValues(QString text, const std::map<std::string, std::string> &secrets)
{
    for (const auto &[name, value] : secrets)
        if (value.size()
            >= SecretRedactor::kMinLength) // as the answers' masking: shorter is no credential
            text.replace(QString::fromStdString(value),
                QStringLiteral("{{secret.%1}}").arg(QString::fromStdString(name)));
    return text;
}

} // namespace paddock::egress

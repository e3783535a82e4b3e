// An inspecting rule's JavaScript handler (paddock/egress.h): its JSON
// shape and what a person may give as one. Shared by the engine and the CLI.
#include "paddock/egress.h"
#include "paddock/secrets.h"

#include <QJsonArray>
#include <QJsonObject>

namespace paddock {

namespace {

// Big enough for any handler a person writes; small enough that every
// request may carry it to the helper that runs it.
constexpr qsizetype kMaxHandlerSource = 256 * 1024;
constexpr qsizetype kMaxHandlerName = 200;
constexpr qsizetype kMaxHandlerSecrets = 16;

Error malformed(const QString &what)
{
    return Error { ErrorCode::InvalidArgument, what, {} };
}

} // namespace

QJsonValue egressHandlerToJson(const EgressHandler &handler)
{
    if (handler.isEmpty()) return QJsonValue::Null;
    return QJsonObject { { QStringLiteral("name"), handler.name },
        { QStringLiteral("source"), handler.source },
        { QStringLiteral("secrets"), QJsonArray::fromStringList(handler.secrets) } };
}

Result<EgressHandler> egressHandlerFromJson(const QJsonValue &json)
{
    if (json.isUndefined() || json.isNull()) return EgressHandler {};
    if (!json.isObject())
        return tl::unexpected(
            malformed(QStringLiteral("handler is {name, source, secrets} or null")));
    const QJsonObject o = json.toObject();
    EgressHandler h;
    if (!o.value(QStringLiteral("source")).isString())
        return tl::unexpected(
            malformed(QStringLiteral("a handler's source is a string (the script)")));
    h.source = o.value(QStringLiteral("source")).toString();
    h.name = o.value(QStringLiteral("name")).toString();
    const QJsonValue secrets = o.value(QStringLiteral("secrets"));
    if (!secrets.isUndefined() && !secrets.isArray())
        return tl::unexpected(malformed(QStringLiteral("a handler's secrets are a list of names")));
    for (const QJsonValue &s : secrets.toArray()) {
        if (!s.isString())
            return tl::unexpected(
                malformed(QStringLiteral("a handler's secrets are a list of names")));
        h.secrets.append(s.toString());
    }
    return h;
}

Result<void> validateEgressHandler(const EgressHandler &handler)
{
    if (handler.source.trimmed().isEmpty())
        return tl::unexpected(malformed(QStringLiteral("a handler needs a script: it is empty")));
    if (handler.source.toUtf8().size() > kMaxHandlerSource)
        return tl::unexpected(malformed(
            QStringLiteral("a handler script is limited to %1 KiB").arg(kMaxHandlerSource / 1024)));
    if (handler.source.contains(QChar(0)))
        return tl::unexpected(
            malformed(QStringLiteral("a handler script is text: it holds a NUL byte")));
    if (handler.name.size() > kMaxHandlerName
        || std::any_of(
            handler.name.begin(), handler.name.end(), [](QChar c) { return c.unicode() < 0x20; }))
        return tl::unexpected(
            malformed(QStringLiteral("a handler's name is a file name of at most %1 characters")
                          .arg(kMaxHandlerName)));
    if (handler.secrets.size() > kMaxHandlerSecrets)
        return tl::unexpected(malformed(
            QStringLiteral("a handler is handed at most %1 secrets").arg(kMaxHandlerSecrets)));
    for (qsizetype n = 0; n < handler.secrets.size(); ++n) {
        const QString &name = handler.secrets[n];
        if (!isValidSecretName(name))
            return tl::unexpected(
                malformed(QStringLiteral("'%1' is not a secret name (letters, digits and '_', "
                                         "starting with a letter)")
                              .arg(name.left(64))));
        if (handler.secrets.indexOf(name) != n)
            return tl::unexpected(
                malformed(QStringLiteral("the secret %1 is named twice").arg(name)));
    }
    return {};
}

} // namespace paddock

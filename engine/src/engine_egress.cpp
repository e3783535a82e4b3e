// Engine: zero-trust egress — rules, questions, the log and host overrides.
// The work is done by egress::EgressService; this file resolves sandbox
// names and forwards.
#include "engine_private.h"

#include "egress/handler/handler_trial.h"

#include <QPointer>

#include <QDebug>

namespace paddock {

namespace {

// What a person typed, as rules store it: "API.GitHub.com." → "api.github.com".
EgressRule normalised(EgressRule rule)
{
    rule.pattern = canonicalEgressPattern(rule.pattern);
    rule.reason = rule.reason.trimmed();
    rule.method = rule.method.trimmed().toUpper();
    rule.path = rule.path.trimmed();
    return rule;
}

} // namespace

void EnginePrivate::startEgress()
{
    egress = std::make_unique<egress::EgressService>(
        egress::EgressService::Stores { egressRules, egressNames, egressLogStore, settings },
        [this](const QString &id) {
            auto sb = sandboxes.byIdOrName(id);
            return sb && sb->has_value() ? (*sb)->name : id;
        });
    QObject::connect(egress.get(), &egress::EgressService::logged, q, &Engine::egressLogged);
    QObject::connect(egress.get(), &egress::EgressService::questionAsked, q, &Engine::egressQuestionAsked);
    QObject::connect(egress.get(), &egress::EgressService::questionClosed, q, &Engine::egressQuestionClosed);
    QObject::connect(egress.get(), &egress::EgressService::rulesChanged, q, &Engine::egressRulesChanged);
    // Without it, inspect rules refuse what they match (and say why).
    auto made = egress::Inspection::create(*ca, paths.upstreamCaDir(), vault);
    if (!made) {
        qWarning("paddock: TLS inspection is unavailable: %s", qPrintable(made.error().message));
        egress->setInspection(nullptr, made.error().message);
        return;
    }
    inspection = std::move(*made);
    egress->setInspection(inspection.get());
}

Result<QString> EnginePrivate::egressScope(const QString &key)
{
    if (key.isEmpty())
        return QString();
    auto sb = find(key);
    if (!sb)
        return tl::unexpected(sb.error());
    return sb->id;
}

Result<QList<EgressRule>> Engine::egressRules(const QString &key)
{
    auto scope = d->egressScope(key);
    if (!scope)
        return tl::unexpected(scope.error());
    return d->egress->rules(*scope);
}

Result<EgressRule> Engine::addEgressRule(const QString &key, EgressRule rule, int position)
{
    auto scope = d->egressScope(key);
    if (!scope)
        return tl::unexpected(scope.error());
    rule = normalised(rule);
    rule.sandboxId = *scope;
    return d->egress->addRule(rule, position);
}

// A rule is changed, moved or removed only through the list it is in.
static Result<EgressRule> ruleInScope(EnginePrivate *d, const QString &key, qint64 ruleId)
{
    auto scope = d->egressScope(key);
    if (!scope)
        return tl::unexpected(scope.error());
    auto rule = d->egress->rule(ruleId);
    if (!rule)
        return tl::unexpected(rule.error());
    if (!*rule || (*rule)->sandboxId != *scope)
        return fail(ErrorCode::NotFound,
                    scope->isEmpty() ? QStringLiteral("no global egress rule %1").arg(ruleId)
                                     : QStringLiteral("sandbox '%1' has no egress rule %2").arg(key).arg(ruleId));
    return **rule;
}

Result<EgressRule> Engine::updateEgressRule(const QString &key, const EgressRule &rule)
{
    auto existing = ruleInScope(d.get(), key, rule.id);
    if (!existing)
        return existing;
    EgressRule updated = normalised(rule);
    updated.sandboxId = existing->sandboxId;
    return d->egress->updateRule(updated);
}

Result<void> Engine::removeEgressRule(const QString &key, qint64 ruleId)
{
    auto existing = ruleInScope(d.get(), key, ruleId);
    if (!existing)
        return tl::unexpected(existing.error());
    return d->egress->removeRule(ruleId);
}

Result<void> Engine::moveEgressRule(const QString &key, qint64 ruleId, int position)
{
    auto existing = ruleInScope(d.get(), key, ruleId);
    if (!existing)
        return tl::unexpected(existing.error());
    return d->egress->moveRule(ruleId, position);
}

Result<EgressSettings> Engine::egressSettings(const QString &key)
{
    auto sb = d->find(key);
    if (!sb)
        return tl::unexpected(sb.error());
    return d->egress->settings(sb->id);
}

Result<void> Engine::setEgressSettings(const QString &key, const EgressSettings &settings)
{
    auto sb = d->find(key);
    if (!sb)
        return tl::unexpected(sb.error());
    return d->egress->setSettings(sb->id, settings);
}

Result<QList<EgressLogEntry>> Engine::egressLog(const EgressLogQuery &query)
{
    auto scope = d->egressScope(query.sandbox);
    if (!scope)
        return tl::unexpected(scope.error());
    return d->egress->log(*scope, query);
}

QList<EgressQuestion> Engine::egressQuestions() const { return d->egress->questions(); }

Result<void> Engine::answerEgressQuestion(const QString &questionId, EgressAnswer answer)
{
    return d->egress->answer(questionId, answer);
}

void Engine::setEgressQuestionTimeout(int ms) { d->egress->asks().setTimeoutMs(ms); }

void Engine::setEgressAddressSlots(quint32 slots) { d->egress->setAddressSlots(slots); }

Result<QList<HostOverride>> Engine::hostOverrides() { return d->egress->hostOverrides(); }

Result<void> Engine::setHostOverride(const HostOverride &o)
{
    HostOverride n = o;
    n.name = n.name.trimmed().toLower();
    return d->egress->setHostOverride(n);
}

namespace {

Error inspectionUnavailable(const egress::EgressService &svc)
{
    return Error { ErrorCode::Internal, QStringLiteral("TLS inspection is unavailable: ") + svc.inspectionProblem() };
}

} // namespace

Result<QList<TrustedUpstreamCa>> Engine::trustedUpstreamCas()
{
    if (!d->inspection)
        return tl::unexpected(inspectionUnavailable(*d->egress));
    return d->inspection->trustedCas();
}

Result<QList<TrustedUpstreamCa>> Engine::trustUpstreamCa(const QByteArray &pem)
{
    if (!d->inspection)
        return tl::unexpected(inspectionUnavailable(*d->egress));
    return d->inspection->trustCa(pem);
}

Result<void> Engine::untrustUpstreamCa(const QString &fingerprint)
{
    if (!d->inspection)
        return tl::unexpected(inspectionUnavailable(*d->egress));
    return d->inspection->untrustCa(fingerprint);
}

void Engine::tryEgressHandler(const EgressHandler &handler, const QJsonObject &sample, Callback<QJsonObject> done)
{
    if (auto ok = validateEgressHandler(handler); !ok) return done(tl::unexpected(ok.error()));
    auto request = egress::handlerSampleRequest(sample);
    if (!request) return done(tl::unexpected(request.error()));
    if (!d->inspection) return done(tl::unexpected(inspectionUnavailable(*d->egress)));
    QPointer<Engine> self(this);
    d->inspection->resolveSecrets(handler.secrets,
        [self, handler, request = *request, done](Result<egress::Inspection::SecretValues> secrets) {
            if (!self) return;
            if (!secrets) return done(tl::unexpected(secrets.error()));
            egress::tryHandler(self->d->egress->handlers(), handler, request, std::move(*secrets),
                [done](QJsonObject report) { done(std::move(report)); });
        });
}

Result<void> Engine::removeHostOverride(const QString &name)
{
    auto removed = d->egress->removeHostOverride(name.trimmed().toLower());
    if (!removed)
        return tl::unexpected(removed.error());
    if (!*removed)
        return fail(ErrorCode::NotFound, QStringLiteral("no host override for '%1'").arg(name));
    return {};
}

Result<void> Engine::setForwardProxy(const ForwardProxySettings &settings) { return d->egress->setForwardProxy(settings); }

ForwardProxySettings Engine::forwardProxy() const { return d->egress->forwardProxy(); }

} // namespace paddock

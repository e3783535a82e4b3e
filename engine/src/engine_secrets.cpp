// Engine's secrets: a thin door onto the vault (secrets/secret_vault.h).
#include "engine_private.h"

namespace paddock {

Result<SecretInfo> Engine::setSecret(const QString &name, const QByteArray &value)
{
    return d->vault.setValue(name, value);
}

void Engine::setSecretCommand(
    const QString &name, const QString &command, int ttlSeconds, Callback<SecretInfo> done)
{
    d->vault.setCommand(name, command, ttlSeconds, std::move(done));
}

Result<QList<SecretInfo>> Engine::secrets()
{
    return d->vault.list();
}

Result<void> Engine::removeSecret(const QString &name)
{
    return d->vault.remove(name);
}

Result<QList<EgressRule>> Engine::rulesNamingSecret(const QString &name)
{
    auto sandboxes = listSandboxes();
    if (!sandboxes) return tl::unexpected(sandboxes.error());
    QStringList scopes { QString() };
    for (const SandboxInfo &sb : *sandboxes)
        scopes << sb.id;
    QList<EgressRule> naming;
    for (const QString &scope : scopes) {
        auto rules = egressRules(scope);
        if (!rules) return tl::unexpected(rules.error());
        for (const EgressRule &rule : *rules)
            if (injectedSecretNames(rule.inject).contains(name) || rule.handler.secrets.contains(name))
                naming << rule;
    }
    return naming;
}

Result<QString> Engine::secretPlaceholder(const QString &name)
{
    return d->vault.placeholder(name);
}

} // namespace paddock

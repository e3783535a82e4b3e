// Queries on egress_rules and egress_settings. A scope is a sandbox ID, or
// empty for the global defaults; positions in a scope are 0..n-1.
#pragma once

#include "database.h"

#include "paddock/egress.h"

namespace paddock::store {

class EgressRuleStore {
public:
    explicit EgressRuleStore(Database &db) : m_db(db) { }

    Result<QList<EgressRule>> rules(const QString &scope);
    Result<std::optional<EgressRule>> rule(qint64 id);
    // At `position` (clamped; -1 = last). Returns the rule with its ID.
    Result<EgressRule> insert(EgressRule rule, int position);
    Result<void> update(const EgressRule &rule); // pattern, port, action, reason
    Result<void> remove(qint64 id);
    Result<void> move(qint64 id, int position);

    Result<EgressSettings> settings(const QString &sandboxId);
    Result<void> setSettings(const QString &sandboxId, const EgressSettings &s);

private:
    Result<int> count(const QString &scope);
    Result<void> shift(const QString &scope, int from, int to, int delta);
    Result<qint64> issueId();

    Database &m_db;
};

} // namespace paddock::store

#include "egress_rule_lookup.h"

namespace paddock::ui {

Result<EgressRule> findEgressRule(Engine &engine, const QString &scope, qint64 ruleId)
{
    auto rules = engine.egressRules(scope);
    if (!rules) return tl::unexpected(rules.error());
    for (const EgressRule &r : *rules)
        if (r.id == ruleId) return r;
    return fail(ErrorCode::NotFound,
        QObject::tr("the rule was removed meanwhile (from another window, the CLI or the API)"));
}

} // namespace paddock::ui

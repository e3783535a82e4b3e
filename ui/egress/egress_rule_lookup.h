// For the editors' read-modify-write on the engine thread: each editor
// changes only its part of a rule (the rule editor its fields and
// injections, the handler editor its handler) over the rule as the engine
// holds it at that moment, so saving one never undoes what the other, the
// CLI or the API changed meanwhile.
#pragma once

#include "paddock/engine.h"

namespace paddock::ui {

// Call on the engine thread. NotFound when the rule has left `scope`'s list.
Result<EgressRule> findEgressRule(Engine &engine, const QString &scope, qint64 ruleId);

} // namespace paddock::ui

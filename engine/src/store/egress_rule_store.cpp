#include "egress_rule_store.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <limits>

namespace paddock::store {

namespace {

constexpr const char *kSelect = "SELECT id, sandbox_id, pattern, port, action, reason, method, path, inject, handler FROM egress_rules ";

// Global rules have a NULL sandbox_id; `IS ?` compares NULL with NULL.
std::optional<QString> scopeValue(const QString &scope)
{
    return scope.isEmpty() ? std::nullopt : std::optional<QString>(scope);
}

QString injectionsText(const EgressInjections &inject)
{
    return QString::fromUtf8(QJsonDocument(egressInjectionsToJson(inject)).toJson(QJsonDocument::Compact));
}

// Written by injectionsText: a list that does not read back is taken as none.
EgressInjections injectionsFrom(const QString &text)
{
    return egressInjectionsFromJson(QJsonDocument::fromJson(text.toUtf8()).array()).value_or(EgressInjections());
}

QString handlerText(const EgressHandler &handler)
{
    return handler.isEmpty() ? QString()
                             : QString::fromUtf8(QJsonDocument(egressHandlerToJson(handler).toObject()).toJson(QJsonDocument::Compact));
}

// Written by handlerText: empty is none, nullopt unreadable.
std::optional<EgressHandler> handlerFrom(const QString &text)
{
    if (text.isEmpty()) return EgressHandler {};
    auto handler = egressHandlerFromJson(QJsonDocument::fromJson(text.toUtf8()).object());
    if (!handler || handler->isEmpty()) return std::nullopt;
    return *handler;
}

EgressRule readRule(const Statement &s)
{
    EgressRule r;
    r.id = s.integer(0);
    r.sandboxId = s.isNull(1) ? QString() : s.text(1);
    r.pattern = s.text(2);
    r.port = quint16(s.integer(3));
    r.action = egressActionFromName(s.text(4)).value_or(EgressAction::Deny);
    r.reason = s.text(5);
    r.method = s.text(6);
    r.path = s.text(7);
    r.inject = injectionsFrom(s.text(8));
    if (auto handler = handlerFrom(s.text(9))) {
        r.handler = std::move(*handler);
    } else { // never allowed without the handler it was written with
        r.action = EgressAction::Deny;
        r.reason = QStringLiteral("its handler could not be read back from the database");
    }
    return r;
}

} // namespace

Result<QList<EgressRule>> EgressRuleStore::rules(const QString &scope)
{
    auto stmt = m_db.prepare((std::string(kSelect) + "WHERE sandbox_id IS ? ORDER BY position").c_str(), scopeValue(scope));
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->rows<EgressRule>(readRule);
}

Result<std::optional<EgressRule>> EgressRuleStore::rule(qint64 id)
{
    auto stmt = m_db.prepare((std::string(kSelect) + "WHERE id = ?").c_str(), id);
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->first(readRule);
}

Result<int> EgressRuleStore::count(const QString &scope)
{
    auto stmt = m_db.prepare("SELECT COUNT(*) FROM egress_rules WHERE sandbox_id IS ?", scopeValue(scope));
    if (!stmt)
        return tl::unexpected(stmt.error());
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    return int(stmt->integer(0));
}

// Adds `delta` to the position of every rule in [from, to).
Result<void> EgressRuleStore::shift(const QString &scope, int from, int to, int delta)
{
    return m_db.run("UPDATE egress_rules SET position = position + ? WHERE sandbox_id IS ? AND position >= ? AND position < ?",
                    qint64(delta), scopeValue(scope), qint64(from), qint64(to));
}

// One past every ID handed out before, deleted rules' included: the log
// keeps naming rules by ID after they are gone. Inside insert's transaction.
Result<qint64> EgressRuleStore::issueId()
{
    if (auto r = m_db.run("UPDATE egress_rule_ids SET last_issued = "
                          "MAX(last_issued, (SELECT COALESCE(MAX(id), 0) FROM egress_rules)) + 1");
        !r)
        return tl::unexpected(r.error());
    auto last = m_db.prepare("SELECT last_issued FROM egress_rule_ids");
    if (!last)
        return tl::unexpected(last.error());
    auto row = last->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return fail(ErrorCode::Internal, QStringLiteral("the database has no rule ID counter"));
    return last->integer(0);
}

Result<EgressRule> EgressRuleStore::insert(EgressRule rule, int position)
{
    Result<void> r = m_db.transaction([&]() -> Result<void> {
        auto n = count(rule.sandboxId);
        if (!n)
            return tl::unexpected(n.error());
        int at = position < 0 ? *n : std::min(position, *n);
        if (auto s = shift(rule.sandboxId, at, *n, 1); !s)
            return s;
        auto id = issueId();
        if (!id)
            return tl::unexpected(id.error());
        if (auto run = m_db.run("INSERT INTO egress_rules (id, sandbox_id, position, pattern, port, action, reason, method, path, inject, handler) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                *id, scopeValue(rule.sandboxId), qint64(at), rule.pattern, qint64(rule.port),
                                egressActionName(rule.action), rule.reason, rule.method, rule.path,
                                injectionsText(rule.inject), handlerText(rule.handler));
            !run)
            return run;
        rule.id = *id;
        return {};
    });
    if (!r)
        return tl::unexpected(r.error());
    return rule;
}

Result<void> EgressRuleStore::update(const EgressRule &rule)
{
    return m_db.run("UPDATE egress_rules SET pattern = ?, port = ?, action = ?, reason = ?, method = ?, path = ?, inject = ?, handler = ? "
                    "WHERE id = ?",
                    rule.pattern, qint64(rule.port), egressActionName(rule.action), rule.reason, rule.method, rule.path,
                    injectionsText(rule.inject), handlerText(rule.handler), rule.id);
}

Result<void> EgressRuleStore::remove(qint64 id)
{
    return m_db.transaction([&]() -> Result<void> {
        auto pos = m_db.prepare("SELECT sandbox_id, position FROM egress_rules WHERE id = ?", id);
        if (!pos)
            return tl::unexpected(pos.error());
        auto row = pos->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return {};
        const QString scope = pos->isNull(0) ? QString() : pos->text(0);
        const int at = int(pos->integer(1));
        if (auto r = m_db.run("DELETE FROM egress_rules WHERE id = ?", id); !r)
            return r;
        return shift(scope, at + 1, std::numeric_limits<int>::max(), -1);
    });
}

Result<void> EgressRuleStore::move(qint64 id, int position)
{
    return m_db.transaction([&]() -> Result<void> {
        auto current = rule(id);
        if (!current)
            return tl::unexpected(current.error());
        if (!current->has_value())
            return {};
        auto pos = m_db.prepare("SELECT position FROM egress_rules WHERE id = ?", id);
        if (!pos)
            return tl::unexpected(pos.error());
        if (auto row = pos->step(); !row)
            return tl::unexpected(row.error());
        const QString scope = (*current)->sandboxId;
        const int from = int(pos->integer(0));
        auto n = count(scope);
        if (!n)
            return tl::unexpected(n.error());
        const int to = std::clamp(position < 0 ? *n - 1 : position, 0, *n - 1);
        if (to == from)
            return {};
        // Close the gap, open one at the target, then drop the rule in.
        auto r = to > from ? shift(scope, from + 1, to + 1, -1) : shift(scope, to, from, 1);
        if (!r)
            return r;
        return m_db.run("UPDATE egress_rules SET position = ? WHERE id = ?", qint64(to), id);
    });
}

Result<EgressSettings> EgressRuleStore::settings(const QString &sandboxId)
{
    auto stmt = m_db.prepare("SELECT ask_unlisted FROM egress_settings WHERE sandbox_id = ?", sandboxId);
    if (!stmt)
        return tl::unexpected(stmt.error());
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    EgressSettings s;
    if (*row)
        s.askUnlisted = stmt->integer(0) != 0;
    return s;
}

Result<void> EgressRuleStore::setSettings(const QString &sandboxId, const EgressSettings &s)
{
    return m_db.run("INSERT INTO egress_settings (sandbox_id, ask_unlisted) VALUES (?, ?) "
                    "ON CONFLICT(sandbox_id) DO UPDATE SET ask_unlisted = excluded.ask_unlisted",
                    sandboxId, qint64(s.askUnlisted ? 1 : 0));
}

} // namespace paddock::store

// Engine calls from a UI test's thread through the bridge, waited for
// with a timeout: the answer, or a Timeout error that says so.
#pragma once

#include "test_support.h"

#include "engine_bridge.h"

#include <QTest>

#include <optional>

namespace paddock::test {

template <typename T>
Result<T> onEngine(
    ui::EngineBridge &bridge, std::function<Result<T>(Engine &)> fn, int timeoutMs = kWaitMs)
{
    std::optional<Result<T>> answer;
    bridge.call<T>(std::move(fn), [&](Result<T> r) { answer = std::move(r); });
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, timeoutMs))
        return tl::unexpected(
            Error { ErrorCode::Timeout, QStringLiteral("no answer from the engine") });
    return *answer;
}

template <typename T>
Result<T> onEngineAsync(ui::EngineBridge &bridge, std::function<void(Engine &, Callback<T>)> fn,
    int timeoutMs = kWaitMs)
{
    std::optional<Result<T>> answer;
    bridge.callAsync<T>(std::move(fn), [&](Result<T> r) { answer = std::move(r); });
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, timeoutMs))
        return tl::unexpected(
            Error { ErrorCode::Timeout, QStringLiteral("no answer from the engine") });
    return *answer;
}

} // namespace paddock::test

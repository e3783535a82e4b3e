// Small helpers for the window tests: find an action by its words, a row by
// its sandbox's name, make and stop sandboxes through the engine. They use
// only what the window had before #13 (and findChild), so the tests that use
// them also build against the old window and show how it failed.
#pragma once

#include "test_support.h"

#include "engine_bridge.h"
#include "main_window.h"

#include <QAction>
#include <QTableView>
#include <QTest>

namespace paddock::test {

// An action of the window whose text, with or without "…", is text.
// The window's own actions have object names ("restartAction"); pages'
// actions of the same text (a process's Restart) come second.
inline QAction *windowAction(QWidget *window, const QString &text)
{
    QAction *unnamed = nullptr;
    for (QAction *a : window->findChildren<QAction *>()) {
        QString plain = a->text();
        plain.remove(QStringLiteral("…")).remove(QLatin1Char('&'));
        if (plain != text && a->iconText() != text) continue;
        if (a->objectName().endsWith(QLatin1String("Action"))) return a;
        if (!unnamed) unnamed = a;
    }
    return unnamed;
}

// The source model's row of the sandbox named name, or -1.
inline int sourceRowNamed(ui::MainWindow &window, const QString &name)
{
    ui::SandboxListModel &m = window.sandboxes();
    for (int row = 0; row < m.rowCount(); ++row)
        if (m.sandboxAt(row)->name == name) return row;
    return -1;
}

// The view's row showing the sandbox named name (through any proxy), or -1.
inline int viewRowNamed(ui::MainWindow &window, const QString &name)
{
    QAbstractItemModel *shown = window.sandboxView()->model();
    for (int row = 0; row < shown->rowCount(); ++row)
        if (shown->index(row, ui::SandboxListModel::Name).data().toString() == name) return row;
    return -1;
}

inline QString stateShown(ui::MainWindow &window, const QString &name)
{
    int row = sourceRowNamed(window, name);
    return row < 0 ? QString()
                   : window.sandboxes().index(row, ui::SandboxListModel::State).data().toString();
}

// Creates a running sandbox through the engine (as the CLI would); empty on failure.
inline SandboxInfo makeSandbox(ui::EngineBridge &engine, const QString &name)
{
    std::optional<Result<SandboxInfo>> made;
    engine.call<SandboxInfo>([name](Engine &e) { return e.createSandbox({ name }); },
        [&](Result<SandboxInfo> r) { made = std::move(r); });
    (void)QTest::qWaitFor([&] { return made.has_value(); }, kWaitMs);
    return made && *made ? **made : SandboxInfo {};
}

inline bool stopSandbox(ui::EngineBridge &engine, const QString &id)
{
    std::optional<Result<SandboxInfo>> stopped;
    engine.callAsync<SandboxInfo>(
        [id](Engine &e, Callback<SandboxInfo> done) { e.stopSandbox(id, done); },
        [&](Result<SandboxInfo> r) { stopped = std::move(r); });
    (void)QTest::qWaitFor([&] { return stopped.has_value(); }, kWaitMs);
    return stopped && *stopped;
}

} // namespace paddock::test

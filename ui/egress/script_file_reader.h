// "Load from file…" for a handler script: the file is read on a pool
// thread (a script on a slow or hung network mount must not freeze the
// window), bounded to what a handler may hold, and must be UTF-8 text.
#pragma once

#include "paddock/error.h"

#include <QObject>

#include <functional>

namespace paddock::ui {

// `done` runs on the UI thread, and not at all once `receiver` is gone.
void readScriptFile(
    const QString &path, QObject *receiver, std::function<void(Result<QString>)> done);

} // namespace paddock::ui

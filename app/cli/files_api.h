// The CLI's calls on a sandbox's files through the engine's API, shared by
// `files …` and `cp`.
#pragma once

#include "commands.h"

namespace paddock::cli {

// "/v1/sandboxes/<sb>/files/<what>?path=<path>", encoded.
QString filesPath(const QString &sb, const char *what, const QString &path);

// Streams a file's content into `sink`; the sink's error stops it.
Result<void> download(CliContext &ctx, const QString &sb, const QString &path, const DataSink &sink);

} // namespace paddock::cli

// What a files helper answers, turned into the engine's values: one place
// that decides which errno is which ErrorCode and how a FileInfo looks, for
// requests, uploads, downloads and watches alike.
#pragma once

#include "paddock/error.h"
#include "paddock/files.h"
#include "paddock/wire/file_messages.h"

namespace paddock::files {

inline bool isAnswer(const wire::Frame &f, wire::FileRequest type) { return f.type == uint8_t(type); }
inline bool isFailed(const wire::Frame &f) { return f.type == uint8_t(wire::Type::Failed); }

// The Error a frame that is not the expected answer stands for: a Failed
// frame's errno and message, or a protocol error for anything else.
Error answerError(const wire::Frame &f);

FileInfo toFileInfo(const wire::FileInfo &w);

} // namespace paddock::files

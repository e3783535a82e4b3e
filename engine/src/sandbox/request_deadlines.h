// How long the engine waits for a sandbox's paddock-init and files
// helpers before it gives up on a request — in one place, with why.
//
// PID 1 never waits on a workload process, so its own answers come at
// once; these are for a PID 1 or a helper that cannot answer (a helper the
// workload stopped, a paddock-init of an older Paddock that blocks, a
// machine far too busy). The error names the sandbox and what was asked.
#pragma once

namespace paddock::sandbox::deadlines {

// Exec and spawn are answered once the process has exec'd. PID 1 gives up
// on a child that has not after 10 s (InitServer::kSpawnDeadlineMs) and
// says why; the engine waits a little longer so that answer comes first.
inline constexpr int kExecStartMs = 15000;
// Kill and the process list: PID 1 answers at once.
inline constexpr int kProcessControlMs = 10000;
// A files helper's answers: each stat, listing chunk, file chunk or ack.
inline constexpr int kFilesAnswerMs = 10000;
// A recursive removal answers once, at the end, however big the tree.
inline constexpr int kFilesRemoveMs = 120000;
// A watch answers once every directory of the tree is watched.
inline constexpr int kWatchStartMs = 60000;
// A files helper must keep taking what is sent to it (upload data).
inline constexpr int kFilesWriteMs = 10000;

} // namespace paddock::sandbox::deadlines

// Gives the memory a flood's queues used back to the system once they
// are freed. glibc keeps freed heap pages in its arenas (and after large
// frees raises the size below which it no longer maps blocks of their
// own), so without this the engine's resident memory stays at a flood's
// peak for as long as the app runs.
//
// Thread ownership: any thread; the trim runs on a pool thread, at most
// one at a time and at most once per kMinGiveBackIntervalMs, since walking the
// arenas takes a while with a large heap and must not stall the caller.
#pragma once

namespace paddock::egress {

inline constexpr int kMinGiveBackIntervalMs = 5000;

void giveFreedMemoryBack();

} // namespace paddock::egress

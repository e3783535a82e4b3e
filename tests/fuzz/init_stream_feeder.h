// What a hostile paddock-init can send, fed through the engine's frame
// parser and message decoders. Shared by the libFuzzer target
// (fuzz_init_stream.cpp) and the corpus replay test (tst_fuzz_corpus.cpp).
//
// Aborts when a property breaks, so the fuzzer records the input:
// * the parser never hands out a frame larger than the protocol allows,
//   and never reports Ready twice for the same bytes;
// * a decoded message re-encodes to bytes that decode to the same bytes
//   again (no state the encoder cannot express survives decoding).
#pragma once

#include <cstddef>
#include <cstdint>

namespace paddock::fuzz {

// Returns how many whole frames the stream held before it ended or turned
// invalid.
size_t feedInitStream(const uint8_t *data, size_t size);

} // namespace paddock::fuzz

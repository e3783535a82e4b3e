// libFuzzer entry point: tests/fuzz/run builds it with clang and runs it.
#include "init_stream_feeder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    paddock::fuzz::feedInitStream(data, size);
    return 0;
}

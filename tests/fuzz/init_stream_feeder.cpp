#include "init_stream_feeder.h"

#include "paddock/wire/egress_messages.h"
#include "paddock/wire/frame.h"
#include "paddock/wire/messages.h"

#include <cstdio>
#include <cstdlib>

namespace paddock::fuzz {

namespace {

[[noreturn]] void broken(const char *what)
{
    std::fprintf(stderr, "fuzz property broken: %s\n", what);
    std::abort();
}

template<typename Message>
void checkRoundTrip(const wire::Frame &f)
{
    Message m;
    if (!wire::decodeMessage(f, m))
        return;
    wire::Writer first;
    m.encode(first);
    wire::Frame again { f.type, f.tag, first.buffer() };
    Message m2;
    if (!wire::decodeMessage(again, m2))
        broken("an encoded message does not decode");
    wire::Writer second;
    m2.encode(second);
    if (second.buffer() != first.buffer())
        broken("decode(encode(m)) changed the message");
}

// Every decoder sees every frame, whatever its type byte says: a hostile
// peer picks the type too.
void decodeEveryWay(const wire::Frame &f)
{
    if (f.payload.size() + wire::kBodyHeader > wire::kMaxFrameBody)
        broken("the parser handed out an oversized frame");
    checkRoundTrip<wire::Hello>(f);
    checkRoundTrip<wire::Exec>(f);
    checkRoundTrip<wire::Input>(f);
    checkRoundTrip<wire::Resize>(f);
    checkRoundTrip<wire::Started>(f);
    checkRoundTrip<wire::Output>(f);
    checkRoundTrip<wire::Exited>(f);
    checkRoundTrip<wire::Failed>(f);
    checkRoundTrip<wire::Kill>(f);
    checkRoundTrip<wire::ProcessList>(f);
    checkRoundTrip<wire::Shutdown>(f);
    checkRoundTrip<wire::Empty>(f);
    checkRoundTrip<wire::EgressSockets>(f);
    checkRoundTrip<wire::EgressRefusal>(f);
    wire::Exited exited;
    if (wire::decodeMessage(f, exited))
        (void)wire::isValidProcId(exited.procId);
}

} // namespace

size_t feedInitStream(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // The first byte sets how the stream is cut into reads, so frames
    // arrive split at every possible boundary.
    const size_t chunk = size_t(data[0]) + 1;
    const char *bytes = reinterpret_cast<const char *>(data + 1);
    size_t left = size - 1;
    wire::FrameParser parser;
    wire::Frame f;
    size_t frames = 0;
    while (left > 0) {
        size_t n = left < chunk ? left : chunk;
        parser.append(bytes, n);
        bytes += n;
        left -= n;
        for (;;) {
            auto status = parser.next(f);
            if (status == wire::FrameParser::Status::Invalid)
                return frames;
            if (status == wire::FrameParser::Status::NeedMore)
                break;
            decodeEveryWay(f);
            ++frames;
        }
    }
    return frames;
}

} // namespace paddock::fuzz

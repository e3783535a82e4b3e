// Framing of the engine ⇄ paddock-init stream.
//
//   frame := u32 bodyLength | body
//   body  := u8 type | u32 tag | payload
//
// Integers are little-endian. The stream is any reliable byte stream (a unix
// socket today, vsock or TCP+TLS later), so nothing here assumes fd passing.
// A frame longer than kMaxFrameBody is a protocol violation and ends the
// connection: the peer is not trusted to be sane.
#pragma once

#include "paddock/wire/codec.h"

#include <optional>

namespace paddock::wire {

inline constexpr uint32_t kProtocolVersion = 2; // 2: terminals and stdin
inline constexpr uint32_t kMaxFrameBody = 1u << 20; // 1 MiB
inline constexpr uint32_t kFrameHeader = 4;
inline constexpr uint32_t kBodyHeader = 5; // type + tag

struct Frame {
    uint8_t type = 0;
    uint32_t tag = 0;
    std::string payload;
};

inline std::string encodeFrame(uint8_t type, uint32_t tag, std::string_view payload)
{
    Writer w;
    w.u32(static_cast<uint32_t>(kBodyHeader + payload.size()));
    w.u8(type);
    w.u32(tag);
    w.buffer().append(payload.data(), payload.size());
    return std::move(w.buffer());
}

// Accumulates bytes from the stream and hands out whole frames.
class FrameParser {
public:
    enum class Status { NeedMore, Ready, Invalid };

    void append(const char *data, size_t n) { m_buf.append(data, n); }

    // Takes the next whole frame out of the buffer, if there is one.
    Status next(Frame &out)
    {
        if (m_buf.size() - m_pos < kFrameHeader)
            return compactAnd(Status::NeedMore);
        Reader header(m_buf.data() + m_pos, kFrameHeader);
        uint32_t len = header.u32();
        if (len < kBodyHeader || len > kMaxFrameBody)
            return Status::Invalid;
        if (m_buf.size() - m_pos < kFrameHeader + len)
            return compactAnd(Status::NeedMore);
        Reader body(m_buf.data() + m_pos + kFrameHeader, len);
        out.type = body.u8();
        out.tag = body.u32();
        out.payload.assign(m_buf.data() + m_pos + kFrameHeader + kBodyHeader, len - kBodyHeader);
        m_pos += kFrameHeader + len;
        return Status::Ready;
    }

private:
    Status compactAnd(Status s)
    {
        if (m_pos > 0) {
            m_buf.erase(0, m_pos);
            m_pos = 0;
        }
        return s;
    }

    std::string m_buf;
    size_t m_pos = 0;
};

} // namespace paddock::wire

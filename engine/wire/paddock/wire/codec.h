// Byte-level encoding shared by the engine and paddock-init.
//
// Plain C++ (no Qt, no exceptions): paddock-init builds with -fno-exceptions.
// Everything the other side sends is untrusted, so the Reader bounds every
// length against what is left in the frame and against caller-given limits;
// a malformed field turns the reader "bad" and every later read returns a
// zero value — callers check ok() once at the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace paddock::wire {

class Writer {
public:
    void u8(uint8_t v) { m_buf.push_back(static_cast<char>(v)); }
    void u32(uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            m_buf.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
    void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
    void u64(uint64_t v)
    {
        u32(static_cast<uint32_t>(v));
        u32(static_cast<uint32_t>(v >> 32));
    }
    void bytes(std::string_view s)
    {
        u32(static_cast<uint32_t>(s.size()));
        m_buf.append(s.data(), s.size());
    }
    void strings(const std::vector<std::string> &list)
    {
        u32(static_cast<uint32_t>(list.size()));
        for (const auto &s : list)
            bytes(s);
    }
    std::string &buffer() { return m_buf; }

private:
    std::string m_buf;
};

class Reader {
public:
    Reader(const char *data, size_t size) : m_p(data), m_left(size) { }

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_left == 0; }

    uint8_t u8()
    {
        if (!need(1))
            return 0;
        uint8_t v = static_cast<uint8_t>(*m_p);
        advance(1);
        return v;
    }
    uint32_t u32()
    {
        if (!need(4))
            return 0;
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v |= uint32_t(static_cast<uint8_t>(m_p[i])) << (8 * i);
        advance(4);
        return v;
    }
    int32_t i32() { return static_cast<int32_t>(u32()); }
    uint64_t u64()
    {
        uint64_t lo = u32();
        uint64_t hi = u32();
        return lo | (hi << 32);
    }
    std::string bytes(size_t maxLen)
    {
        uint32_t n = u32();
        if (n > maxLen || !need(n)) {
            m_ok = false;
            return {};
        }
        std::string s(m_p, n);
        advance(n);
        return s;
    }
    std::vector<std::string> strings(size_t maxCount, size_t maxEach)
    {
        uint32_t n = u32();
        std::vector<std::string> out;
        if (n > maxCount) {
            m_ok = false;
            return out;
        }
        for (uint32_t i = 0; i < n && m_ok; ++i)
            out.push_back(bytes(maxEach));
        return out;
    }

private:
    bool need(size_t n)
    {
        if (!m_ok || m_left < n) {
            m_ok = false;
            return false;
        }
        return true;
    }
    void advance(size_t n)
    {
        m_p += n;
        m_left -= n;
    }

    const char *m_p;
    size_t m_left;
    bool m_ok = true;
};

} // namespace paddock::wire

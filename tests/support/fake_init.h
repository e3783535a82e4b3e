// A scripted paddock-init for tests of the engine's side of the protocol:
// a unix socket server on its own thread, because the engine side blocks
// while connecting.
#pragma once

#include "paddock/wire/frame.h"
#include "paddock/wire/messages.h"

#include <QString>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

namespace paddock::test {

// paddock-init's greeting, as a well-behaved one sends it.
inline std::string initHello(uint32_t version = wire::kProtocolVersion)
{
    return wire::encodeMessage(wire::Type::Hello, 0, wire::Hello { version, "init" });
}

// Greets, waits for the engine's first frames, then sends what the test
// wants and optionally hangs up.
class FakeInit {
public:
    struct Script {
        std::string greeting;
        int framesToAwait = 1; // the engine's Hello, plus any requests
        std::string then;
        bool hangUp = false;
    };

    FakeInit(const QString &path, Script script)
    {
        m_listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.toUtf8().constData(), sizeof addr.sun_path - 1);
        ::bind(m_listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
        ::listen(m_listener, 1);
        m_thread = std::thread([this, script] { run(script); });
    }
    ~FakeInit()
    {
        ::shutdown(m_listener, SHUT_RDWR);
        if (m_peer >= 0)
            ::shutdown(m_peer, SHUT_RDWR);
        m_thread.join();
        ::close(m_listener);
        if (m_peer >= 0)
            ::close(m_peer);
    }

private:
    void run(const Script &script)
    {
        m_peer = ::accept(m_listener, nullptr, nullptr);
        if (m_peer < 0)
            return;
        (void)!::write(m_peer, script.greeting.data(), script.greeting.size());
        wire::FrameParser parser;
        wire::Frame f;
        for (int seen = 0; seen < script.framesToAwait;) {
            char buf[4096];
            ssize_t n = ::read(m_peer, buf, sizeof buf);
            if (n <= 0)
                return;
            parser.append(buf, size_t(n));
            while (parser.next(f) == wire::FrameParser::Status::Ready)
                ++seen;
        }
        (void)!::write(m_peer, script.then.data(), script.then.size());
        if (script.hangUp)
            ::shutdown(m_peer, SHUT_RDWR);
    }

    int m_listener = -1;
    int m_peer = -1;
    std::thread m_thread;
};

} // namespace paddock::test

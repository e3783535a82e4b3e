// The engine's end of one connection to a sandbox's paddock-init.
//
// Everything paddock-init sends is untrusted: frames are bounded and decoded
// by paddock/wire, and any violation closes the connection (closed()) rather
// than being guessed at. Thread ownership: the engine thread.
#pragma once

#include "paddock/error.h"
#include "paddock/process.h"
#include "paddock/wire/messages.h"

#include <QLocalSocket>
#include <QObject>

#include <functional>
#include <memory>
#include <unordered_map>

namespace paddock::sandbox {

class InitConnection : public QObject {
    Q_OBJECT
public:
    // Called for each frame answering a request; returns true when the
    // request is complete (its handler is then dropped).
    using Handler = std::function<bool(const wire::Frame &)>;

    // Connects and exchanges Hello; blocks for at most timeoutMs. `role`
    // "files" is served by the sandbox's files helper (file_messages.h).
    static Result<std::unique_ptr<InitConnection>> connectTo(const QString &socketPath,
                                                              int timeoutMs = 3000,
                                                              const char *role = "engine");

    // Sends a request; its answers go to `handler`. Returns the tag.
    // `type` is a wire::Type or a wire::FileRequest.
    template<typename TypeEnum, typename Message>
    uint32_t request(TypeEnum type, const Message &m, Handler handler)
    {
        uint32_t tag = m_nextTag++;
        m_handlers.emplace(tag, std::move(handler));
        sendWithTag(type, tag, m);
        return tag;
    }
    template<typename TypeEnum, typename Message>
    void sendWithTag(TypeEnum type, uint32_t tag, const Message &m)
    {
        wire::Writer w;
        m.encode(w);
        write(wire::encodeFrame(static_cast<uint8_t>(type), tag, w.buffer()));
    }

    // The host pid of the peer, from the kernel (SO_PEERCRED), not from its word.
    qint64 peerPid() const;
    ~InitConnection() override;
    bool isOpen() const { return m_socket && m_socket->state() == QLocalSocket::ConnectedState; }
    // Asks the kernel rather than the event loop whether the peer is gone:
    // an idle connection's end is otherwise noticed only on the next read.
    bool peerHungUp() const;
    qint64 pendingBytes() const { return m_socket ? m_socket->bytesToWrite() : 0; }
    // Flow control for a consumer that falls behind: while paused nothing
    // more is read, and with a bounded read buffer the peer waits.
    void limitReadBuffer(qint64 bytes) { m_socket->setReadBufferSize(bytes); }
    void pauseReading(bool paused);
    void close();

Q_SIGNALS:
    void backgroundExited(const QString &procId, paddock::ExitStatus status);
    void closed(const QString &reason);
    void writeDrained(); // everything written has gone to the peer

private:
    explicit InitConnection(std::unique_ptr<QLocalSocket> socket);
    void write(const std::string &frame);
    void onReadyRead();
    bool dispatch(const wire::Frame &f);
    void failAll(const QString &reason);

    std::unique_ptr<QLocalSocket> m_socket;
    wire::FrameParser m_parser;
    std::unordered_map<uint32_t, Handler> m_handlers;
    uint32_t m_nextTag = 1;
    bool m_closed = false;
    bool m_readPaused = false;
};

} // namespace paddock::sandbox

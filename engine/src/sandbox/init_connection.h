// The engine's end of one connection to a sandbox's paddock-init.
//
// Everything paddock-init sends is untrusted: frames are bounded and decoded
// by paddock/wire, and any violation closes the connection (closed()) rather
// than being guessed at. Thread ownership: the engine thread.
//
// Nothing waits on the peer for ever: a request may carry a Deadline, and
// when it passes, the request's handler gets a Failed frame (ETIMEDOUT)
// naming the peer and what was asked, and answerOverdue() is emitted.
#pragma once

#include "paddock/error.h"
#include "paddock/process.h"
#include "paddock/wire/messages.h"

#include <QElapsedTimer>
#include <QLocalSocket>
#include <QObject>
#include <QTimer>

#include <cerrno>
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

    // How long the peer may take: until its first answer, and then between
    // answers. 0 is no limit — for streams that may rightly stay quiet
    // (a running command's output, a watch) once they have begun.
    struct Deadline {
        int firstAnswerMs = 0;
        int betweenAnswersMs = 0;
        QString what; // what was asked, for the error: "exec of 'make'"
    };

    // Connects and exchanges Hello; blocks for at most timeoutMs. `role`
    // "files" is served by the sandbox's files helper (file_messages.h).
    static Result<std::unique_ptr<InitConnection>> connectTo(const QString &socketPath,
                                                              int timeoutMs = 3000,
                                                              const char *role = "engine");

    // Sends a request; its answers go to `handler`. Returns the tag.
    // `type` is a wire::Type or a wire::FileRequest.
    template<typename TypeEnum, typename Message>
    uint32_t request(TypeEnum type, const Message &m, Handler handler, Deadline deadline = {})
    {
        uint32_t tag = m_nextTag++;
        m_requests.emplace(tag, Pending { std::move(handler), std::move(deadline) });
        armDeadline(tag);
        sendWithTag(type, tag, m);
        return tag;
    }
    // While held, a request's deadline does not run: the engine, not the
    // peer, is the one to act (a download paused by its reader, an upload
    // whose data has not all come). Released, the clock starts again.
    void holdDeadline(uint32_t tag, bool held);
    // For its errors: "paddock-init", "the sandbox's files helper".
    void setPeerName(const QString &name) { m_peerName = name; }
    // A connection whose peer stops reading what is sent to it for this
    // long is closed with a timeout error (files helpers, which take data).
    void setWriteDeadline(int ms) { m_writeDeadlineMs = ms; }
    template<typename TypeEnum, typename Message>
    void sendWithTag(TypeEnum type, uint32_t tag, const Message &m)
    {
        wire::Writer w;
        m.encode(w);
        write(wire::encodeFrame(static_cast<uint8_t>(type), tag, w.buffer()));
    }

    // The host pid of the process that opened the listening socket this
    // connection reached (SO_PEERCRED), from the kernel, not from its word.
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
    void answerOverdue(); // a request's deadline passed (its handler heard first)

private:
    struct Pending {
        Handler handler;
        Deadline deadline;
        bool answered = false;
        bool held = false;
        qint64 dueMs = -1; // on m_clock; -1: no deadline running
    };

    explicit InitConnection(std::unique_ptr<QLocalSocket> socket);
    void write(const std::string &frame);
    void onReadyRead();
    bool dispatch(const wire::Frame &f);
    void failAll(const QString &reason, int error = ECONNRESET);
    void armDeadline(uint32_t tag);
    void scheduleDeadlines();
    void expireDeadlines();
    void watchWrites();

    std::unique_ptr<QLocalSocket> m_socket;
    wire::FrameParser m_parser;
    std::unordered_map<uint32_t, Pending> m_requests;
    QElapsedTimer m_clock;
    QTimer m_deadlineTimer;
    QTimer m_writeTimer;
    int m_writeDeadlineMs = 0;
    QString m_peerName = QStringLiteral("paddock-init");
    uint32_t m_nextTag = 1;
    bool m_closed = false;
    bool m_readPaused = false;
};

} // namespace paddock::sandbox

// One HTTP/1.1 exchange on the API socket: the request is parsed by
// Boost.Beast's parser, the response written by Beast's serializer, whole
// or as a chunked stream. One request per connection ("Connection: close"):
// clients here are short-lived CLI calls and streams.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QLocalSocket>
#include <QObject>
#include <QUrlQuery>

#include <memory>

namespace paddock::api {

struct HttpRequest {
    QByteArray method;
    QString path; // percent-encoded as sent: a parameter may hold a '/' (%2F); routes decode their own
    QUrlQuery query;
    QByteArray body;
    QByteArray upgrade; // the protocol asked for with "Connection: Upgrade", if any
    // A file upload's body is not held: it follows as bodyData, then
    // bodyFinished, and `body` stays empty. -1 for every other request.
    qint64 streamedBodyLength = -1;
};

class HttpConnection : public QObject {
    Q_OBJECT
public:
    explicit HttpConnection(QLocalSocket *socket, QObject *parent = nullptr);
    ~HttpConnection() override;

    void respondJson(int status, const QJsonObject &body);
    // Answers 101 Switching Protocols: from then on the connection carries
    // newline-delimited messages both ways (lineReceived / writeLine).
    void upgrade(const QByteArray &protocol);
    void writeLine(const QByteArray &line);
    void close(); // after what was written is flushed
    void beginStream(int status, const QByteArray &contentType);
    void writeChunk(const QByteArray &data);
    void endStream();
    bool isOpen() const;
    bool isStreaming() const { return m_streaming; }
    bool isUpgraded() const { return m_upgraded; }
    // Bytes written but not yet taken by the client: producers pause above a bound.
    qint64 pendingBytes() const;
    // A streamed body stops arriving while paused (the client is held back
    // by the socket), and resumes where it left off.
    void pauseBody(bool paused);

Q_SIGNALS:
    void requestReady(const paddock::api::HttpRequest &request);
    void lineReceived(const QByteArray &line); // upgraded connections only
    void drained(); // pending bytes were written
    void closed(); // the client went away (or the response is complete)
    void bodyData(const QByteArray &bytes); // streamed bodies only
    void bodyFinished();

private:
    void onReadyRead();
    void parseRequest();
    void splitLines();
    void finish();
    void startStreamedBody();
    void deliverBody();

    struct Parser;
    std::unique_ptr<Parser> m_parser;
    QLocalSocket *m_socket;
    QByteArray m_buffer;
    bool m_requestSeen = false;
    bool m_bodyLimitChosen = false;
    bool m_finished = false;
    bool m_streaming = false;
    bool m_upgraded = false;
    qint64 m_bodyLeft = -1; // of a streamed body; -1: none
    bool m_bodyPaused = false;
};

} // namespace paddock::api

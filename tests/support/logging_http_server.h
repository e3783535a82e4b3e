// An upstream for attacks on the HTTP gate: lenient the way many real
// servers are, and it logs every request it parses — so a test proves a
// smuggled request never reached it, not only that the client saw a 403.
//
// On purpose it:
//  * ignores the body of GET and HEAD (reads the next request where the
//    body begins: the CL.0 desync),
//  * frames a body as chunked when "chunked" appears anywhere in
//    Transfer-Encoding, else by Content-Length (TE.CL desync),
//  * skips blank lines before a request line (RFC 9112 §2.2),
//  * answers CONNECT with 200 and reads on as if nothing happened,
//  * switches protocols (101, then echoes bytes) for any Upgrade it sees
//    unless the path has "no-upgrade", and for a path with "sneaky-101"
//    even without one;
// and it honours Connection: close (stops reading, closes after its answer).
#pragma once

#include <QStringList>
#include <QTcpServer>

namespace paddock::test {

class LoggingHttpServer : public QTcpServer {
public:
    LoggingHttpServer();
    QStringList requests; // "METHOD target" of each request parsed, in order
    QList<QByteArray> heads; // each request head as received
    int connections = 0;
    // Whether any request parsed so far had `text` in its request line.
    bool parsed(const QString &text) const;
};

} // namespace paddock::test

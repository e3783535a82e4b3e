// Which process inside a sandbox opened an intercepted connection, found
// through /proc: the client socket's inode in the sandbox's network
// namespace, then the process holding it. Best effort (a process may have
// exited, or shared the socket); costs a scan of /proc, so each sandbox
// gets a bounded number of lookups a second (SandboxEgress::mayLookUpOwner)
// for its questions, denials and allowed connections alike.
#pragma once

#include <QHostAddress>
#include <QString>

namespace paddock::egress {

// The network namespace (its inode) a socket belongs to; 0 if unknown.
quint64 socketNetNamespace(int socketFd);

struct Endpoint {
    QHostAddress address;
    quint16 port = 0;
};

// "curl (pid 42)" with the pid as the sandbox sees it, or empty. `client`
// is the connection's source; `dialled`, what the program connected to
// (its original destination, before the redirect).
QString findSocketOwner(quint64 netNamespace, const Endpoint &client, const Endpoint &dialled);

} // namespace paddock::egress

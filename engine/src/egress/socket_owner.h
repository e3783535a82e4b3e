// Which process inside a sandbox opened an intercepted connection, found
// through /proc: the client socket's inode in the sandbox's network
// namespace, then the process holding it. Best effort (a process may have
// exited, or shared the socket); costs a scan of /proc, so it is done for
// questions and denials, not for every allowed connection.
#pragma once

#include <QHostAddress>
#include <QString>

namespace paddock::egress {

// The network namespace (its inode) a socket belongs to; 0 if unknown.
quint64 socketNetNamespace(int socketFd);

// "curl (pid 42)" with the pid as the sandbox sees it, or empty.
QString findSocketOwner(quint64 netNamespace, const QHostAddress &clientAddress, quint16 clientPort);

} // namespace paddock::egress

#include "single_instance.h"

#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>

#include <sys/stat.h>
#include <unistd.h>

namespace paddock::desktop {

namespace {

constexpr int kAnswerMs = 3000; // a live first instance answers at once; this bounds a hung one
const QByteArray kRaise = "raise\n";
const QByteArray kRaised = "raised\n";

} // namespace

SingleInstance::SingleInstance(QString socketPath, QObject *parent)
    : QObject(parent)
    , m_path(std::move(socketPath))
{
}

QString SingleInstance::socketPathFor(const DataPaths &paths)
{
    return paths.runtimeDir().isEmpty() ? QString()
                                        : paths.runtimeDir() + QStringLiteral("/desktop.sock");
}

Result<void> SingleInstance::checkDirectory() const
{
    // Whoever can write the directory can put their own socket there and
    // receive (or refuse) our launches: it must be ours and private.
    const QString dir = QFileInfo(m_path).path();
    struct stat st { };
    if (::lstat(QFile::encodeName(dir).constData(), &st) != 0)
        return fail(ErrorCode::NotFound,
            QStringLiteral("single instance: %1: %2").arg(dir, qt_error_string(errno)));
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0)
        return fail(ErrorCode::Conflict,
            QStringLiteral("single instance: %1 is not a directory only this user can reach")
                .arg(dir));
    return {};
}

Result<SingleInstance::Role> SingleInstance::claim()
{
    if (m_path.isEmpty())
        return fail(
            ErrorCode::Conflict, QStringLiteral("single instance: no private runtime directory"));
    if (auto ok = checkDirectory(); !ok) return tl::unexpected(ok.error());
    // Two launches at once must not both find no one and both listen (the
    // second removing the first's socket): check-then-listen under a lock.
    QLockFile lock(m_path + QStringLiteral(".lock"));
    if (!lock.tryLock(kAnswerMs))
        return fail(ErrorCode::Timeout,
            QStringLiteral("single instance: %1 stays locked").arg(lock.fileName()));
    if (askPrimaryToRaise()) return Role::Secondary;
    QLocalServer::removeServer(m_path); // nobody answers: a crashed instance's socket
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_path))
        return fail(ErrorCode::Internal,
            QStringLiteral("single instance: cannot listen on %1: %2")
                .arg(m_path, m_server->errorString()));
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::answer);
    return Role::Primary;
}

bool SingleInstance::askPrimaryToRaise()
{
    QLocalSocket socket;
    socket.connectToServer(m_path);
    if (!socket.waitForConnected(kAnswerMs)) return false;
    socket.write(kRaise);
    if (!socket.waitForBytesWritten(kAnswerMs)) return false;
    while (!socket.canReadLine())
        if (!socket.waitForReadyRead(kAnswerMs)) return false;
    return socket.readLine() == kRaised;
}

void SingleInstance::answer()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, socket, [this, socket] {
            if (!socket->canReadLine()) return;
            if (socket->readLine(kRaise.size() + 1) == kRaise) {
                Q_EMIT raiseRequested();
                socket->write(kRaised);
            }
            socket->disconnectFromServer();
        });
    }
}

} // namespace paddock::desktop

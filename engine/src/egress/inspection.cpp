#include "inspection.h"

#include "secrets/secret_vault.h"
#include "tls/paddock_ca.h"

#include <QPointer>

#include <sys/socket.h>

#include <algorithm>
#include <thread>

namespace paddock::egress {

namespace {

int workerThreads()
{
    return int(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
}

} // namespace

Result<std::pair<UniqueFd, UniqueFd>> plainSocketPair()
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        return fail(ErrorCode::Io,
            QStringLiteral("cannot make a socket pair for TLS: %1")
                .arg(QString::fromLocal8Bit(strerror(errno))));
    // Large buffers: a large body then crosses in fewer, larger writes, and
    // the engine thread wakes for it a quarter as often.
    constexpr int kBufferBytes = 1024 * 1024;
    for (int fd : fds)
        for (int option : { SO_SNDBUF, SO_RCVBUF })
            ::setsockopt(fd, SOL_SOCKET, option, &kBufferBytes, sizeof kBufferBytes);
    return std::pair { UniqueFd(fds[0]), UniqueFd(fds[1]) };
}

Result<std::unique_ptr<Inspection>> Inspection::create(const tls::PaddockCa &ca,
    const QString &upstreamCaDir, secrets::SecretVault &vault, QObject *parent)
{
    auto minter = tls::LeafMinter::create(ca);
    if (!minter) return tl::unexpected(minter.error());
    tls::UpstreamCaStore cas(upstreamCaDir);
    auto pems = cas.pems();
    if (!pems) return tl::unexpected(pems.error());
    auto contexts = tls::TlsContexts::create(*pems);
    if (!contexts) return tl::unexpected(contexts.error());
    return std::unique_ptr<Inspection>(
        new Inspection(std::move(*minter), std::move(*contexts), std::move(cas), vault, parent));
}

Inspection::Inspection(std::unique_ptr<tls::LeafMinter> minter,
    std::unique_ptr<tls::TlsContexts> contexts, tls::UpstreamCaStore cas,
    secrets::SecretVault &vault, QObject *parent)
    : QObject(parent)
    , m_minter(std::move(minter))
    , m_contexts(std::move(contexts))
    , m_cas(std::move(cas))
    , m_vault(vault)
    , m_workers(std::make_unique<tls::TlsWorkerPool>(workerThreads()))
{
}

Inspection::~Inspection()
{
    m_workers.reset(); // its threads stop before the minter and contexts go
}

void Inspection::terminate(UniqueFd sandboxSide, UniqueFd plain, const QString &name,
    std::shared_ptr<tls::BridgeBudget> budget, HandshakeDone done, bool mayChooseHttp2)
{
    bridge({ tls::TlsBridgeSpec::Role::Terminate, std::move(sandboxSide), std::move(plain), name,
               m_contexts->serverContext(), m_minter.get(), mayChooseHttp2, {}, std::move(budget) },
        std::move(done));
}

void Inspection::originate(UniqueFd upstream, UniqueFd plain, const QString &name,
    std::shared_ptr<tls::BridgeBudget> budget, HandshakeDone done, bool offerHttp2)
{
    bridge({ tls::TlsBridgeSpec::Role::Originate, std::move(upstream), std::move(plain), name,
               m_contexts->clientContext(), nullptr, offerHttp2, {}, std::move(budget) },
        std::move(done));
}

void Inspection::bridge(tls::TlsBridgeSpec spec, HandshakeDone done)
{
    QPointer<Inspection> self(this);
    spec.handshakeDone = [self, done = std::move(done)](Result<tls::TlsHandshake> r) {
        // On a worker: the answer goes to the engine thread (dropped if the engine is gone).
        if (self)
            QMetaObject::invokeMethod(
                self.data(), [done, r = std::move(r)] { done(r); }, Qt::QueuedConnection);
    };
    m_workers->add(std::make_unique<tls::TlsBridge>(std::move(spec)));
}

struct Inspection::SecretRequest {
    QStringList left;
    SecretValues values;
    Callback<SecretValues> done;
};

void Inspection::resolveSecrets(const QStringList &names, Callback<SecretValues> done)
{
    resolveNext(std::make_shared<SecretRequest>(SecretRequest { names, {}, std::move(done) }));
}

// One at a time, in order; the first that cannot be had ends the request.
void Inspection::resolveNext(std::shared_ptr<SecretRequest> request)
{
    if (request->left.isEmpty()) return request->done(std::move(request->values));
    const QString name = request->left.takeFirst();
    QPointer<Inspection> self(this);
    m_vault.resolve(name, [self, request, name](Result<QByteArray> value) {
        if (!value) return request->done(tl::unexpected(value.error()));
        request->values[name.toStdString()] = value->toStdString();
        if (self) self->resolveNext(request);
    });
}

std::map<std::string, std::string> Inspection::placeholders()
{
    std::map<std::string, std::string> out;
    const QHash<QString, QString> &all = m_vault.placeholders();
    for (auto it = all.begin(); it != all.end(); ++it)
        out.emplace(it.key().toStdString(), it.value().toStdString());
    return out;
}

Result<QList<TrustedUpstreamCa>> Inspection::trustCa(const QByteArray &pem)
{
    auto added = m_cas.add(pem);
    if (!added) return added;
    if (auto r = reloadCas(); !r) return tl::unexpected(r.error());
    return added;
}

Result<void> Inspection::untrustCa(const QString &fingerprint)
{
    if (auto r = m_cas.remove(fingerprint); !r) return r;
    return reloadCas();
}

Result<void> Inspection::reloadCas()
{
    auto pems = m_cas.pems();
    if (!pems) return tl::unexpected(pems.error());
    return m_contexts->setExtraCas(*pems);
}

} // namespace paddock::egress

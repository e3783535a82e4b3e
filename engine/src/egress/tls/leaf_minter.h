// Leaf certificates for inspected connections, minted from Paddock's CA for
// the name the sandbox connected to (its TLS server name, already checked
// against the name the connection was made for): ECDSA P-256, valid for a
// day, cached per name so a busy sandbox costs one signature per name a
// day. Every leaf shares one key, made with the minter: a leaf is only as
// good as the CA's signature on it, and one key saves a key generation per
// name.
//
// Thread ownership: leafFor() from any thread (TLS runs on worker threads).
#pragma once

#include "openssl_handles.h"

#include "paddock/error.h"

#include <QHash>
#include <QString>

#include <list>
#include <memory>
#include <mutex>

namespace paddock::egress::tls {

class PaddockCa;

struct MintedLeaf {
    X509Ptr certificate;
    EVP_PKEY *key = nullptr; // the minter's; lives as long as it
    time_t notAfter = 0;
};

class LeafMinter {
public:
    static constexpr int kValidHours = 24;
    // A leaf this close to its end is minted anew: a connection opened on an
    // old one still has hours before a client sees it expire.
    static constexpr int kRenewHoursBefore = 12;
    static constexpr size_t kCachedNames = 1024;

    // `ca` must outlive the minter.
    static Result<std::unique_ptr<LeafMinter>> create(const PaddockCa &ca);

    // The leaf for a host name ("api.github.com") or an IP address.
    Result<std::shared_ptr<const MintedLeaf>> leafFor(const QString &name);

private:
    LeafMinter(const PaddockCa &ca, PKeyPtr key)
        : m_ca(ca)
        , m_key(std::move(key))
    {
    }
    Result<std::shared_ptr<const MintedLeaf>> mint(const QString &name);
    void remember(const QString &name, std::shared_ptr<const MintedLeaf> leaf);

    const PaddockCa &m_ca;
    PKeyPtr m_key;
    std::mutex m_mutex; // guards the cache below
    std::list<QString> m_recent; // most recently used first
    struct Cached {
        std::shared_ptr<const MintedLeaf> leaf;
        std::list<QString>::iterator place;
    };
    QHash<QString, Cached> m_cache;
};

} // namespace paddock::egress::tls

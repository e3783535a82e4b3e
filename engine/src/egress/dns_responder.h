// The sandbox's DNS server: answers every name with its fake address (or
// the name behind a fake address, for PTR), never asks anyone else, so no
// query ever leaves the machine — a name is not a way to smuggle data out.
// AAAA and other types get an empty answer, so programs use IPv4, which
// the interception sees by name.
//
// Malformed queries are refused and logged; so are queries a program sent
// to an outside resolver (nftables redirected them here). Queries beyond
// the sandbox's rate (its token bucket, shared by its responders) are
// answered REFUSED, and a name for which the pool has no address free is
// answered SERVFAIL (try again later): both counted, not logged one by one.
//
// Thread ownership: the engine thread.
#pragma once

#include "dns_message.h"
#include "fake_ip_pool.h"
#include "token_bucket.h"
#include "paddock/unique_fd.h"

#include <QObject>
#include <QSocketNotifier>

#include <functional>
#include <memory>

namespace paddock::egress {

class DnsResponder : public QObject {
    Q_OBJECT
public:
    // `redirected`: queries arriving here were sent to an outside resolver.
    DnsResponder(UniqueFd socket, bool redirected, FakeIpPool &pool, TokenBucket &rate, QObject *parent = nullptr);

Q_SIGNALS:
    // A name was answered with its fake address (to store when it last was).
    void nameAnswered(quint32 slot, const QString &name);
    // Something worth a log entry: a refused query, or one redirected.
    void noteworthy(const QString &name, bool refused, const QString &why);
    void overRate(); // a query refused: the sandbox asks faster than its rate
    void poolFull(const QString &name); // no address free for a new name

private:
    void readQueries();
    std::string reply(const DnsParse &parsed);
    std::string answer(const DnsQuery &q);

    UniqueFd m_socket;
    bool m_redirected;
    FakeIpPool &m_pool;
    TokenBucket &m_rate;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace paddock::egress

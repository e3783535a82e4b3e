// The sandbox's DNS server: answers every name with its fake address (or
// the name behind a fake address, for PTR), never asks anyone else, so no
// query ever leaves the machine — a name is not a way to smuggle data out.
// AAAA and other types get an empty answer, so programs use IPv4, which
// the interception sees by name.
//
// Malformed queries are refused and logged; so are queries a program sent
// to an outside resolver (nftables redirected them here).
//
// Thread ownership: the engine thread.
#pragma once

#include "dns_message.h"
#include "fake_ip_pool.h"
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
    DnsResponder(UniqueFd socket, bool redirected, FakeIpPool &pool, QObject *parent = nullptr);

Q_SIGNALS:
    // A name got its fake address for the first time (to be stored).
    void nameAssigned(quint32 slot, const QString &name);
    // Something worth a log entry: a refused query, or one redirected.
    void noteworthy(const QString &name, bool refused, const QString &why);

private:
    void readQueries();
    std::string answer(const DnsQuery &q);

    UniqueFd m_socket;
    bool m_redirected;
    FakeIpPool &m_pool;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace paddock::egress

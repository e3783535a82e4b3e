// What paddock-init tells the engine's egress log, without a sandbox: the
// dropped packets as the kernel's NFLOG hands them over (hostile bytes in
// kernel framing), and the rate limit on reports.
#include "dropped_packets.h"
#include "egress_reports.h"

#include <QTest>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include <cstring>

using namespace paddock;
using namespace paddock::init;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes ipv4Udp(const char *dst, uint16_t port)
{
    Bytes p(28, 0);
    p[0] = 0x45;
    p[9] = 17; // UDP
    unsigned a, b, c, d;
    std::sscanf(dst, "%u.%u.%u.%u", &a, &b, &c, &d);
    p[16] = uint8_t(a), p[17] = uint8_t(b), p[18] = uint8_t(c), p[19] = uint8_t(d);
    p[20] = 0x30, p[21] = 0x39; // from port 12345
    p[22] = uint8_t(port >> 8), p[23] = uint8_t(port);
    return p;
}

Bytes ipv6Ping()
{
    Bytes p(48, 0);
    p[0] = 0x60;
    p[6] = 58; // ICMPv6
    p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 1; // 2001:db8::1
    p[40] = 128; // echo request
    return p;
}

void appendAttribute(Bytes &msg, uint16_t type, const Bytes &data)
{
    nlattr a { uint16_t(NLA_HDRLEN + data.size()), type };
    const size_t at = msg.size();
    msg.resize(at + NLA_ALIGN(a.nla_len), 0);
    std::memcpy(msg.data() + at, &a, sizeof a);
    std::memcpy(msg.data() + at + NLA_HDRLEN, data.data(), data.size());
}

// One NFULNL_MSG_PACKET message as the kernel frames it.
Bytes nflogMessage(const Bytes &packet)
{
    Bytes msg(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg)), 0);
    appendAttribute(msg, NFULA_PREFIX, Bytes { 'x', 0 });
    appendAttribute(msg, NFULA_PAYLOAD, packet);
    nlmsghdr h {};
    h.nlmsg_len = uint32_t(msg.size());
    h.nlmsg_type = NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_PACKET;
    std::memcpy(msg.data(), &h, sizeof h);
    return msg;
}

} // namespace

class TstInitEgressReports : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void udpPacketNamesItsDestination()
    {
        const Bytes p = ipv4Udp("198.51.100.7", 443);
        auto d = describeDroppedPacket(p.data(), p.size());
        QVERIFY(d);
        const wire::EgressRefusal *r = &d->report;
        QCOMPARE(d->sourcePort, uint16_t(0x3039));
        QVERIFY(!d->v6);
        QCOMPARE(r->protocol, std::string("udp"));
        QCOMPARE(r->address, std::string("198.51.100.7"));
        QCOMPARE(r->port, uint16_t(443));
        QVERIFY2(r->what.starts_with("UDP to 198.51.100.7:443 dropped"), r->what.c_str());
    }

    void ipv6PingIsCalledAPing()
    {
        const Bytes p = ipv6Ping();
        auto d = describeDroppedPacket(p.data(), p.size());
        QVERIFY(d);
        QVERIFY(d->v6);
        const wire::EgressRefusal *r = &d->report;
        QCOMPARE(r->protocol, std::string("icmpv6"));
        QVERIFY2(r->what.starts_with("ping to 2001:db8::1 dropped"), r->what.c_str());
        QCOMPARE(r->port, uint16_t(0));
    }

    void whatIsNotAnIpPacketIsIgnored()
    {
        Bytes shortHeader = ipv4Udp("10.0.0.1", 1);
        shortHeader[0] = 0x44; // IHL 4: shorter than the fixed header
        Bytes overlong = ipv4Udp("10.0.0.1", 1);
        overlong[0] = 0x4f; // IHL 15 = 60 bytes, more than there is
        const Bytes noise { 0x50, 1, 2, 3 };
        for (const Bytes &p : { shortHeader, overlong, noise, Bytes(10, 0x60) })
            QVERIFY(!describeDroppedPacket(p.data(), p.size()));
        QVERIFY(!describeDroppedPacket(nullptr, 0));
        // A header without its ports still names the destination.
        Bytes truncated = ipv4Udp("10.0.0.1", 9);
        truncated.resize(20);
        auto d = describeDroppedPacket(truncated.data(), truncated.size());
        QVERIFY(d);
        QCOMPARE(d->report.port, uint16_t(0));
        QCOMPARE(d->sourcePort, uint16_t(0));
    }

    void nflogMessagesAreUnwrapped()
    {
        Bytes stream = nflogMessage(ipv4Udp("203.0.113.5", 123));
        const Bytes second = nflogMessage(ipv6Ping());
        stream.insert(stream.end(), second.begin(), second.end());
        auto all = parseDropLogMessages(stream.data(), stream.size());
        QCOMPARE(all.size(), size_t(2));
        QCOMPARE(all[0].report.address, std::string("203.0.113.5"));
        QCOMPARE(all[1].report.protocol, std::string("icmpv6"));
    }

    void brokenFramingStopsTheParse()
    {
        Bytes msg = nflogMessage(ipv4Udp("203.0.113.5", 123));
        Bytes longer = msg;
        const uint32_t tooLong = uint32_t(msg.size() + 100);
        std::memcpy(longer.data(), &tooLong, sizeof tooLong);
        QVERIFY(parseDropLogMessages(longer.data(), longer.size()).empty());
        Bytes zeroAttribute = msg;
        const uint16_t zero = 0;
        std::memcpy(zeroAttribute.data() + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg)), &zero, sizeof zero);
        QVERIFY(parseDropLogMessages(zeroAttribute.data(), zeroAttribute.size()).empty()); // and it ends
        for (size_t cut = 0; cut < msg.size(); ++cut)
            QVERIFY(parseDropLogMessages(msg.data(), cut).size() <= 1);
    }

    void reportsAreRateLimitedAndCounted()
    {
        EgressReports reports;
        for (int i = 0; i < 25; ++i) {
            wire::EgressRefusal r;
            r.protocol = "udp";
            r.port = uint16_t(i);
            reports.add(r, 1000 + i);
        }
        auto first = reports.take();
        QCOMPARE(first.size(), size_t(EgressReports::kPerSecond));
        QCOMPARE(reports.msUntilTick(1100), 900); // the second began with the first report
        QVERIFY(!reports.wouldSend(1100));
        QVERIFY(reports.wouldSend(2000));
        reports.tick(1500);
        QVERIFY(reports.empty()); // the second is not over
        reports.tick(2000);
        auto summary = reports.take();
        QCOMPARE(summary.size(), size_t(1));
        QCOMPARE(summary[0].port, uint16_t(24)); // the latest stands for the rest
        QCOMPARE(summary[0].repeats, 4u);
        QCOMPARE(reports.msUntilTick(2000), -1);
    }

    void withNobodyListeningTheNewestAreKept()
    {
        EgressReports reports;
        for (size_t i = 0; i < EgressReports::kMaxQueued + 10; ++i) {
            wire::EgressRefusal r;
            r.protocol = "udp";
            r.port = uint16_t(i);
            reports.add(r, int64_t(i) * 1000); // one a second: never limited
        }
        auto kept = reports.take();
        QCOMPARE(kept.size(), EgressReports::kMaxQueued);
        QCOMPARE(kept.back().port, uint16_t(EgressReports::kMaxQueued + 9));
    }
};

QTEST_GUILESS_MAIN(TstInitEgressReports)
#include "tst_init_egress_reports.moc"

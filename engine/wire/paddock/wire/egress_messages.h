// The egress hand-over: spoken on a connection that greeted paddock-init
// with Hello{role "egress"}. PID 1 answers with one EgressSockets frame whose
// bytes carry, as SCM_RIGHTS, the sockets it opened inside the sandbox's
// network namespace before any workload ran. The connection then stays open
// for EgressRefusal frames: attempts to get around the interception that
// PID 1 itself refused (a raw socket, a firewall change), which the engine
// logs beside the connections it decided. Older paddock-inits close it.
//
// The engine accepts and answers on those sockets itself: intercepted
// connections never pass through PID 1, and PID 1 keeps its copies so an
// engine that restarts asks again and finds every queued connection.
//
// The nftables rules that steer traffic to these ports are in
// engine/init/egress_firewall.cpp.
#pragma once

#include "paddock/wire/messages.h"

namespace paddock::wire {

inline constexpr const char *kEgressRole = "egress";
inline constexpr uint8_t kEgressSocketsType = 50;
inline constexpr uint8_t kEgressRefusalType = 51;

// Where the sockets listen inside the sandbox. Port 53 is the resolver the
// sandbox's libc asks (its resolv.conf names 127.0.0.1); UDP/53 sent
// anywhere else is redirected to kRedirectedDnsPort, so the engine can tell
// a program that tried an outside resolver.
inline constexpr uint16_t kInterceptPort = 15001;
inline constexpr uint16_t kDnsPort = 53;
inline constexpr uint16_t kRedirectedDnsPort = 15053;

enum class EgressSocket : uint8_t {
    Tcp4 = 1, // listening, 127.0.0.1:kInterceptPort
    Tcp6 = 2, // listening, [::1]:kInterceptPort
    Dns = 3, // UDP, 127.0.0.1:kDnsPort
    RedirectedDns = 4, // UDP, 127.0.0.1:kRedirectedDnsPort
};
inline constexpr size_t kEgressSocketCount = 4;

// The kinds of the passed descriptors, in the order they are attached.
struct EgressSockets {
    std::vector<EgressSocket> kinds;
    void encode(Writer &w) const
    {
        w.u32(uint32_t(kinds.size()));
        for (EgressSocket k : kinds)
            w.u8(uint8_t(k));
    }
    bool decode(Reader &r)
    {
        uint32_t n = r.u32();
        if (!r.ok() || n > kEgressSocketCount)
            return false;
        kinds.clear();
        for (uint32_t i = 0; i < n; ++i) {
            uint8_t k = r.u8();
            if (k < uint8_t(EgressSocket::Tcp4) || k > uint8_t(EgressSocket::RedirectedDns))
                return false;
            kinds.push_back(EgressSocket(k));
        }
        return r.ok() && r.atEnd();
    }
};

// Something PID 1 refused that would have bypassed the interception.
struct EgressRefusal {
    std::string protocol; // short: "raw-socket", "netfilter", "route", "udp", …
    std::string what; // for a person: "raw IPv4 socket", "UDP to 8.8.8.8:443"
    std::string address; // the destination, when the refused thing had one
    uint16_t port = 0;
    int32_t pid = 0; // inside the sandbox; 0 when not known
    std::string process; // "name (pid N)", when known
    uint32_t repeats = 0; // like ones refused but not reported before this (rate limit)
    void encode(Writer &w) const
    {
        w.bytes(protocol);
        w.bytes(what);
        w.bytes(address);
        w.u32(port);
        w.i32(pid);
        w.bytes(process);
        w.u32(repeats);
    }
    bool decode(Reader &r)
    {
        protocol = r.bytes(kMaxIdLen);
        what = r.bytes(kMaxMessageLen);
        address = r.bytes(kMaxIdLen);
        uint32_t p = r.u32();
        pid = r.i32();
        process = r.bytes(kMaxMessageLen);
        repeats = r.u32();
        port = uint16_t(p);
        return r.ok() && r.atEnd() && !protocol.empty() && p <= 0xffff && pid >= 0;
    }
};

} // namespace paddock::wire

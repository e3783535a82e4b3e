// The fake addresses a sandbox's DNS answers with: one per name, from
// 198.18.0.0/15 (reserved for benchmarking, never routed on the internet),
// so the address an intercepted connection was made to names its
// destination, whatever the protocol.
//
// A name keeps its address for the sandbox's life (stored by the caller,
// since programs cache answers across engine restarts). When all 131,070
// are taken, the address handed out longest ago is reused.
//
// Thread ownership: the engine thread.
#pragma once

#include <QHash>
#include <QString>

#include <cstdint>
#include <optional>

namespace paddock::egress {

inline constexpr uint32_t kFakeNetwork = 0xc6120000; // 198.18.0.0
inline constexpr uint32_t kFakePrefixBits = 15;
inline constexpr uint32_t kFakeSlots = (1u << (32 - kFakePrefixBits)) - 2; // without .0.0 and the last

bool isFakeAddress(uint32_t ipv4);

class FakeIpPool {
public:
    // Starts from what was stored: slot → name.
    explicit FakeIpPool(const QHash<quint32, QString> &stored = {});

    // The name's address; `isNew` tells the caller to store (slot, name).
    uint32_t addressFor(const QString &name, bool *isNew = nullptr);
    std::optional<QString> nameAt(uint32_t ipv4) const;
    static uint32_t slotOf(uint32_t ipv4) { return ipv4 - kFakeNetwork; }
    int size() const { return int(m_byName.size()); }

private:
    QHash<QString, quint32> m_byName; // name → slot
    QHash<quint32, QString> m_bySlot;
    quint32 m_next = 1; // slots 1..kFakeSlots, handed out in turn
};

} // namespace paddock::egress

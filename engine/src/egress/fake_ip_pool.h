// The fake addresses a sandbox's DNS answers with: one per name, from
// 198.18.0.0/15 (reserved for benchmarking, never routed on the internet),
// so the address an intercepted connection was made to names its
// destination, whatever the protocol.
//
// A name keeps its address as long as it is in use. When every slot is
// taken, a new name gets the least recently used one — but never one a live
// connection was made to (its lease holds it), nor one answered less than
// limits::kReuseAddressAfterMs ago (a program may still have it cached and
// would connect to the new name believing it the old). When no slot
// qualifies the name gets no address: the query is refused, not answered
// with an address that names something else.
//
// Every operation is O(1): slots form a list in order of last use, from
// which held slots are taken out while held.
//
// Thread ownership: the engine thread.
#pragma once

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace paddock::egress {

inline constexpr uint32_t kFakeNetwork = 0xc6120000; // 198.18.0.0
inline constexpr uint32_t kFakePrefixBits = 15;
inline constexpr uint32_t kFakeSlots = (1u << (32 - kFakePrefixBits)) - 2; // without .0.0 and the last

bool isFakeAddress(uint32_t ipv4);

class FakeIpPool {
public:
    using Clock = std::function<qint64()>; // milliseconds, monotonic
    static qint64 steadyMs();

    // `slots` below kFakeSlots only for tests (slots 1..slots are used).
    explicit FakeIpPool(uint32_t slots = kFakeSlots, Clock clock = &FakeIpPool::steadyMs);

    // What was stored, (slot, name) least recently answered first. Each
    // counts as answered now: a program may hold it from before a restart.
    void restore(const QList<QPair<quint32, QString>> &oldestFirst);

    // The name's address, now its most recently used; `isNew` tells the
    // caller to store (slot, name). Empty when every slot is held or young.
    std::optional<uint32_t> addressFor(const QString &name, bool *isNew = nullptr);
    std::optional<QString> nameAt(uint32_t ipv4) const;

    // A connection made to `ipv4` keeps its slot and name until released
    // (ConnectionLease does both). False: not an address with a name.
    bool hold(uint32_t ipv4);
    void release(uint32_t ipv4);

    static uint32_t slotOf(uint32_t ipv4) { return ipv4 - kFakeNetwork; }
    int size() const { return int(m_byName.size()); }
    int holders(uint32_t ipv4) const;

private:
    struct Slot {
        QString name; // empty: free
        qint64 lastUsedMs = 0;
        uint32_t prev = 0, next = 0; // the use list; 0 is its head and tail
        uint32_t holders = 0; // live connections; while > 0, out of the list
    };
    std::optional<uint32_t> freeSlot();
    void assign(uint32_t slot, const QString &name);
    void unlink(uint32_t slot);
    void append(uint32_t slot); // as the most recently used
    bool isNamed(uint32_t slot) const { return slot >= 1 && slot < m_slots.size() && !m_slots[slot].name.isEmpty(); }

    uint32_t m_capacity;
    Clock m_clock;
    std::vector<Slot> m_slots; // by slot number; [0] anchors the use list; grows as slots are first used
    std::vector<uint32_t> m_free; // slots below m_slots.size() with no name
    QHash<QString, uint32_t> m_byName;
};

} // namespace paddock::egress

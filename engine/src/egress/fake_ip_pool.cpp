#include "fake_ip_pool.h"

#include "egress_limits.h"

#include <QElapsedTimer>

#include <algorithm>

namespace paddock::egress {

bool isFakeAddress(uint32_t ipv4) { return (ipv4 >> (32 - kFakePrefixBits)) == (kFakeNetwork >> (32 - kFakePrefixBits)); }

qint64 FakeIpPool::steadyMs()
{
    static const QElapsedTimer started = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return started.elapsed();
}

FakeIpPool::FakeIpPool(uint32_t slots, Clock clock)
    : m_capacity(std::clamp<uint32_t>(slots, 1, kFakeSlots)), m_clock(std::move(clock)), m_slots(1)
{
}

void FakeIpPool::restore(const QList<QPair<quint32, QString>> &oldestFirst)
{
    for (const auto &[slot, name] : oldestFirst) {
        if (slot == 0 || slot > m_capacity || name.isEmpty() || m_byName.contains(name) || isNamed(slot))
            continue;
        if (slot >= m_slots.size())
            m_slots.resize(slot + 1);
        assign(slot, name);
    }
    m_free.clear();
    for (uint32_t s = uint32_t(m_slots.size()) - 1; s >= 1; --s)
        if (m_slots[s].name.isEmpty())
            m_free.push_back(s); // the lowest is handed out first
}

std::optional<uint32_t> FakeIpPool::addressFor(const QString &name, bool *isNew)
{
    if (isNew)
        *isNew = false;
    if (auto it = m_byName.constFind(name); it != m_byName.constEnd()) {
        Slot &s = m_slots[it.value()];
        s.lastUsedMs = m_clock();
        if (s.holders == 0) {
            unlink(it.value());
            append(it.value());
        }
        return kFakeNetwork + it.value();
    }
    const std::optional<uint32_t> slot = freeSlot();
    if (!slot)
        return std::nullopt;
    assign(*slot, name);
    if (isNew)
        *isNew = true;
    return kFakeNetwork + *slot;
}

// Never used, then freed, then the least recently used one old enough.
std::optional<uint32_t> FakeIpPool::freeSlot()
{
    if (!m_free.empty()) {
        const uint32_t s = m_free.back();
        m_free.pop_back();
        return s;
    }
    if (m_slots.size() <= m_capacity) {
        m_slots.emplace_back();
        return uint32_t(m_slots.size() - 1);
    }
    const uint32_t oldest = m_slots[0].next;
    if (oldest == 0) // every named slot is held by a connection
        return std::nullopt;
    // The list is in order of use: if its head is too young, all are.
    if (m_clock() - m_slots[oldest].lastUsedMs < limits::kReuseAddressAfterMs)
        return std::nullopt;
    unlink(oldest);
    m_byName.remove(m_slots[oldest].name);
    m_slots[oldest].name.clear();
    return oldest;
}

void FakeIpPool::assign(uint32_t slot, const QString &name)
{
    Slot &s = m_slots[slot];
    s.name = name;
    s.lastUsedMs = m_clock();
    s.holders = 0;
    m_byName.insert(name, slot);
    append(slot);
}

std::optional<QString> FakeIpPool::nameAt(uint32_t ipv4) const
{
    if (!isFakeAddress(ipv4) || !isNamed(slotOf(ipv4)))
        return std::nullopt;
    return m_slots[slotOf(ipv4)].name;
}

bool FakeIpPool::hold(uint32_t ipv4)
{
    if (!isFakeAddress(ipv4) || !isNamed(slotOf(ipv4)))
        return false;
    Slot &s = m_slots[slotOf(ipv4)];
    if (s.holders++ == 0)
        unlink(slotOf(ipv4));
    s.lastUsedMs = m_clock();
    return true;
}

void FakeIpPool::release(uint32_t ipv4)
{
    if (!isFakeAddress(ipv4) || !isNamed(slotOf(ipv4)))
        return;
    Slot &s = m_slots[slotOf(ipv4)];
    if (s.holders == 0 || --s.holders > 0)
        return;
    // Used until now: the connection just ended.
    s.lastUsedMs = m_clock();
    append(slotOf(ipv4));
}

int FakeIpPool::holders(uint32_t ipv4) const
{
    return isFakeAddress(ipv4) && isNamed(slotOf(ipv4)) ? int(m_slots[slotOf(ipv4)].holders) : 0;
}

void FakeIpPool::unlink(uint32_t slot)
{
    Slot &s = m_slots[slot];
    m_slots[s.prev].next = s.next;
    m_slots[s.next].prev = s.prev;
    s.prev = s.next = 0;
}

void FakeIpPool::append(uint32_t slot)
{
    const uint32_t last = m_slots[0].prev;
    m_slots[slot].prev = last;
    m_slots[slot].next = 0;
    m_slots[last].next = slot;
    m_slots[0].prev = slot;
}

} // namespace paddock::egress

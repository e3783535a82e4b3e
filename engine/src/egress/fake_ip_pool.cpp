#include "fake_ip_pool.h"

#include <algorithm>

namespace paddock::egress {

bool isFakeAddress(uint32_t ipv4) { return (ipv4 >> (32 - kFakePrefixBits)) == (kFakeNetwork >> (32 - kFakePrefixBits)); }

FakeIpPool::FakeIpPool(const QHash<quint32, QString> &stored)
{
    quint32 highest = 0;
    for (auto it = stored.begin(); it != stored.end(); ++it) {
        if (it.key() == 0 || it.key() > kFakeSlots || m_byName.contains(it.value()))
            continue;
        m_byName.insert(it.value(), it.key());
        m_bySlot.insert(it.key(), it.value());
        highest = std::max(highest, it.key());
    }
    m_next = highest % kFakeSlots + 1;
}

uint32_t FakeIpPool::addressFor(const QString &name, bool *isNew)
{
    if (isNew)
        *isNew = false;
    if (auto it = m_byName.find(name); it != m_byName.end())
        return kFakeNetwork + it.value();
    const quint32 slot = m_next;
    m_next = m_next % kFakeSlots + 1;
    if (auto old = m_bySlot.find(slot); old != m_bySlot.end()) // the pool went round: reuse the oldest
        m_byName.remove(old.value());
    m_byName.insert(name, slot);
    m_bySlot.insert(slot, name);
    if (isNew)
        *isNew = true;
    return kFakeNetwork + slot;
}

std::optional<QString> FakeIpPool::nameAt(uint32_t ipv4) const
{
    if (!isFakeAddress(ipv4))
        return std::nullopt;
    auto it = m_bySlot.find(slotOf(ipv4));
    if (it == m_bySlot.end())
        return std::nullopt;
    return it.value();
}

} // namespace paddock::egress

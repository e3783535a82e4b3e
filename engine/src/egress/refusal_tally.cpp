#include "refusal_tally.h"

#include "egress_limits.h"
#include "egress_log.h"

namespace paddock::egress {

RefusalTally::RefusalTally(EgressLog &log, Describe describe, QObject *parent)
    : QObject(parent), m_log(log), m_describe(std::move(describe))
{
    m_window.setSingleShot(true);
    m_window.setInterval(limits::kAggregateWindowMs);
    connect(&m_window, &QTimer::timeout, this, &RefusalTally::flush);
}

RefusalTally::~RefusalTally() { flush(); }

void RefusalTally::count()
{
    ++m_total;
    if (m_count++ == 0)
        m_window.start();
}

void RefusalTally::flush()
{
    if (m_count == 0)
        return;
    m_log.record(m_describe(m_count));
    m_count = 0;
}

} // namespace paddock::egress

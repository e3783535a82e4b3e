#include "output_coalescer.h"

namespace paddock::ui {

namespace {
constexpr int kQuietMs = 10;
constexpr int kMaxDelayMs = 40;
// Bounds the time one batch takes to pass to the page: measured on the
// terminal flood, 256 KiB batches stalled the UI thread 250-430 ms, 64 KiB
// ones 140-180 ms (Chromium handles each message on this thread).
constexpr qsizetype kMaxBatch = 64 * 1024;
} // namespace

OutputCoalescer::OutputCoalescer(QObject *parent)
    : QObject(parent)
{
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(kQuietMs);
    connect(&m_quiet, &QTimer::timeout, this, &OutputCoalescer::flush);
}

void OutputCoalescer::append(const QByteArray &bytes)
{
    if (m_pending.isEmpty()) m_sinceFirst.start();
    m_pending += bytes;
    if (m_sinceFirst.elapsed() >= kMaxDelayMs || m_pending.size() >= kMaxBatch)
        flush();
    else
        m_quiet.start();
}

void OutputCoalescer::flush()
{
    m_quiet.stop();
    if (m_pending.isEmpty()) return;
    QByteArray batch;
    batch.swap(m_pending);
    Q_EMIT ready(batch);
}

} // namespace paddock::ui

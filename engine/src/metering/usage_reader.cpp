#include "usage_reader.h"

#include <QPointer>

namespace paddock::metering {

UsageReader::UsageReader(const ResourceControl &control, QObject *parent)
    : QObject(parent), m_control(control)
{
    m_pool.setMaxThreadCount(1);
}

UsageReader::~UsageReader() { m_pool.waitForDone(); }

void UsageReader::read(const QString &sandboxId, qint64 initPid, std::function<void(const ResourceUsage &)> done)
{
    QPointer<UsageReader> self(this);
    const ResourceControl *control = &m_control;
    m_pool.start([self, control, sandboxId, initPid, done = std::move(done)] {
        const ResourceUsage usage = control->read(sandboxId, initPid);
        QMetaObject::invokeMethod(
            self.data(),
            [self, usage, done] {
                if (self)
                    done(usage);
            },
            Qt::QueuedConnection);
    });
}

} // namespace paddock::metering

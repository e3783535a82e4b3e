#include "log_feed.h"

#include "engine_bridge.h"

#include <QCoreApplication>

namespace paddock::ui {

namespace {

// Runs fn on the UI thread if the feed still exists then. The application
// object outlives every feed, so the queued call never targets an object
// that the UI thread may be deleting while the engine thread posts to it.
void toFeed(const QPointer<LogFeed> &feed, std::function<void(LogFeed &)> fn)
{
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [feed, fn = std::move(fn)] {
            if (feed) fn(*feed);
        },
        Qt::QueuedConnection);
}

} // namespace

LogFeed::LogFeed(EngineBridge &engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
{
}

LogFeed::~LogFeed()
{
    m_engine.post([s = m_stream] { // on its own thread, if it still exists
        if (s) s->deleteLater();
    });
}

void LogFeed::open(
    const QString &sandboxId, const QString &procId, bool follow, const LogRange &range)
{
    const QPointer<LogFeed> self(this);
    m_engine.call<QPointer<LogStream>>(
        [=](Engine &e) -> Result<QPointer<LogStream>> {
            auto stream = e.logs(sandboxId, procId, follow, range);
            if (!stream) return tl::unexpected(stream.error());
            LogStream *s = *stream;
            QObject::connect(s, &LogStream::started, s, [self](qint64 offset, qint64 earliest) {
                toFeed(self, [=](LogFeed &f) { Q_EMIT f.started(offset, earliest); });
            });
            QObject::connect(s, &LogStream::data, s, [self](const QByteArray &bytes) {
                toFeed(self, [=](LogFeed &f) { Q_EMIT f.data(bytes); });
            });
            QObject::connect(s, &LogStream::dropped, s, [self](qint64 bytes) {
                toFeed(self, [=](LogFeed &f) { Q_EMIT f.dropped(bytes); });
            });
            QObject::connect(s, &LogStream::finished, s, [self] {
                toFeed(self, [](LogFeed &f) {
                    f.m_done = true;
                    Q_EMIT f.finished();
                });
            });
            return QPointer<LogStream>(s);
        },
        [self, engine = &m_engine](Result<QPointer<LogStream>> stream) {
            if (!self) { // the reader went away first: end the read it asked for
                if (stream)
                    engine->post([s = *stream] {
                        if (s) s->deleteLater();
                    });
                return;
            }
            if (!stream) {
                Q_EMIT self->finished();
                return;
            }
            if (!self->m_done) self->m_stream = *stream;
        });
}

} // namespace paddock::ui

#include "file_transfers.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSaveFile>

#include <atomic>

namespace paddock::ui {

namespace {

constexpr qint64 kChunkBytes = 256 * 1024;
constexpr qint64 kWindowBytes = 4 * 1024 * 1024; // in flight between the two ends, at most
constexpr int kProgressEveryMs = 100;

using Report = std::function<void(qint64 done, qint64 total)>;

// Reads a host file a chunk at a time on the worker thread and hands each
// chunk to the upload on the engine thread; the next chunk is read when the
// upload has room again.
class HostReader : public QObject {
public:
    HostReader(const QString &hostPath, QPointer<FileUpload> upload, Report report, FileTransfers::Done done)
        : m_file(hostPath), m_upload(upload), m_report(std::move(report)), m_done(std::move(done))
    {
    }

    void start()
    {
        const QFileInfo info(m_file.fileName());
        if (!info.isFile())
            return stop(fail(ErrorCode::InvalidArgument, QObject::tr("%1 is not a file (folders are not uploaded yet)").arg(m_file.fileName())));
        if (!m_file.open(QIODevice::ReadOnly))
            return stop(fail(ErrorCode::Io, QObject::tr("cannot read %1: %2").arg(m_file.fileName(), m_file.errorString())));
        m_total = m_file.size();
        m_clock.start();
        readNext();
    }

    void readNext()
    {
        const QByteArray chunk = m_file.read(kChunkBytes);
        if (chunk.isEmpty() && !m_file.atEnd())
            return stop(fail(ErrorCode::Io, QObject::tr("cannot read %1: %2").arg(m_file.fileName(), m_file.errorString())));
        m_sent += chunk.size();
        if (m_clock.elapsed() >= kProgressEveryMs) {
            m_clock.restart();
            m_report(m_sent, m_total);
        }
        QPointer<HostReader> self(this);
        QPointer<FileUpload> up = m_upload;
        const bool last = m_file.atEnd();
        FileTransfers::Done done = m_done;
        // On the engine thread, where the upload lives (and is checked again).
        QObject *target = up.data();
        if (!target)
            return stop(fail(ErrorCode::NotRunning, QObject::tr("the sandbox went away during the upload")));
        QMetaObject::invokeMethod(target, [self, up, chunk, last, done] {
            if (!up)
                return done(fail(ErrorCode::NotRunning, QObject::tr("the sandbox went away during the upload")));
            if (!chunk.isEmpty())
                up->write(chunk);
            if (last) {
                up->finish(done); // the upload deletes itself after `done`
                if (self)
                    QMetaObject::invokeMethod(self.data(), [self] { if (self) self->deleteLater(); });
                return;
            }
            auto more = [self] {
                if (self)
                    QMetaObject::invokeMethod(self.data(), [self] { if (self) self->readNext(); });
            };
            if (up->pendingBytes() <= kWindowBytes)
                return more();
            auto once = std::make_shared<QMetaObject::Connection>();
            *once = QObject::connect(up, &FileUpload::drained, up, [once, more] {
                QObject::disconnect(*once);
                more();
            });
        });
    }

private:
    void stop(Result<void> r)
    {
        if (QObject *up = m_upload.data()) // dropped without finish(): the old file stays as it was
            QMetaObject::invokeMethod(up, [up = m_upload] { if (up) up->deleteLater(); });
        m_done(std::move(r));
        deleteLater();
    }

    QFile m_file;
    QPointer<FileUpload> m_upload;
    Report m_report;
    FileTransfers::Done m_done;
    QElapsedTimer m_clock;
    qint64 m_total = 0;
    qint64 m_sent = 0;
};

// What a download has sent that the writer has not yet written: the
// engine side pauses the download above the window, the writer resumes it.
struct Backlog {
    std::atomic<qint64> bytes { 0 };
    std::atomic<bool> paused { false };
};

// Writes what a download sends into a QSaveFile on the worker thread:
// the host file appears whole at the end, or not at all.
class HostWriter : public QObject {
public:
    HostWriter(const QString &hostPath, std::shared_ptr<Backlog> backlog, Report report, FileTransfers::Done done)
        : m_file(hostPath), m_backlog(std::move(backlog)), m_report(std::move(report)), m_done(std::move(done))
    {
        m_clock.start();
    }
    QPointer<FileDownload> download;

    void write(const QByteArray &bytes)
    {
        if (m_failed)
            return;
        if (!m_file.isOpen() && !m_file.open(QIODevice::WriteOnly))
            return end(fail(ErrorCode::Io, QObject::tr("cannot write %1: %2").arg(m_file.fileName(), m_file.errorString())));
        if (m_file.write(bytes) != bytes.size())
            return end(fail(ErrorCode::Io, QObject::tr("cannot write %1: %2").arg(m_file.fileName(), m_file.errorString())));
        m_written += bytes.size();
        if (m_clock.elapsed() >= kProgressEveryMs) {
            m_clock.restart();
            m_report(m_written, -1);
        }
        const qint64 left = m_backlog->bytes -= bytes.size();
        QObject *d = download.data();
        if (left < kWindowBytes / 2 && d && m_backlog->paused.exchange(false))
            QMetaObject::invokeMethod(d, [d = download] { if (d) d->setPaused(false); });
    }
    void finish()
    {
        if (m_failed)
            return;
        if (!m_file.isOpen() && !m_file.open(QIODevice::WriteOnly)) // an empty file
            return end(fail(ErrorCode::Io, QObject::tr("cannot write %1: %2").arg(m_file.fileName(), m_file.errorString())));
        if (!m_file.commit())
            return end(fail(ErrorCode::Io, QObject::tr("cannot write %1: %2").arg(m_file.fileName(), m_file.errorString())));
        end({});
    }
    void end(Result<void> r)
    {
        if (!r) {
            m_failed = true;
            m_file.cancelWriting();
            if (QObject *d = download.data())
                QMetaObject::invokeMethod(d, [d = download] { if (d) d->deleteLater(); });
        }
        m_done(std::move(r));
        deleteLater();
    }

private:
    QSaveFile m_file;
    std::shared_ptr<Backlog> m_backlog;
    Report m_report;
    FileTransfers::Done m_done;
    QElapsedTimer m_clock;
    qint64 m_written = 0;
    bool m_failed = false;
};

} // namespace

FileTransfers::FileTransfers(EngineBridge &engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    m_worker.setObjectName(QStringLiteral("file transfers"));
    m_worker.start();
}

// A transfer still running is cut off: an upload never finished leaves the
// sandbox's file as it was, a QSaveFile never committed leaves no file.
FileTransfers::~FileTransfers()
{
    m_worker.quit();
    m_worker.wait();
}

void FileTransfers::finished(const Done &done, const Result<void> &r)
{
    done(r);
    if (--m_running == 0)
        Q_EMIT allDone();
}

void FileTransfers::upload(const QString &sandboxId, const QString &hostPath, const QString &target, uint mode, Done done)
{
    ++m_running;
    QPointer<FileTransfers> self(this);
    // Answers from the worker and the engine threads come back here, queued.
    auto onUi = [self](auto fn) { QMetaObject::invokeMethod(self.data(), [self, fn] { if (self) fn(); }); };
    const QString what = tr("Uploading %1").arg(QFileInfo(hostPath).fileName());
    Report report = [onUi, self, what](qint64 sent, qint64 total) { onUi([self, what, sent, total] { Q_EMIT self->progress(what, sent, total); }); };
    Done finish = [onUi, self, done](Result<void> r) { onUi([self, done, r] { self->finished(done, r); }); };
    m_engine.call<QPointer<FileUpload>>(
        [sandboxId, target, mode](Engine &e) -> Result<QPointer<FileUpload>> {
            auto up = e.openUpload(sandboxId, target, mode);
            if (!up)
                return tl::unexpected(up.error());
            return QPointer<FileUpload>(*up);
        },
        [this, hostPath, report, finish](Result<QPointer<FileUpload>> up) {
            if (!up)
                return finish(tl::unexpected(up.error()));
            auto *reader = new HostReader(hostPath, *up, report, finish);
            reader->moveToThread(&m_worker);
            QMetaObject::invokeMethod(reader, [reader] { reader->start(); });
        });
}

void FileTransfers::download(const QString &sandboxId, const QString &path, const QString &hostPath, Done done)
{
    ++m_running;
    QPointer<FileTransfers> self(this);
    auto onUi = [self](auto fn) { QMetaObject::invokeMethod(self.data(), [self, fn] { if (self) fn(); }); };
    const QString what = tr("Saving %1").arg(QFileInfo(path).fileName());
    Report report = [onUi, self, what](qint64 got, qint64 total) { onUi([self, what, got, total] { Q_EMIT self->progress(what, got, total); }); };
    Done finish = [onUi, self, done](Result<void> r) { onUi([self, done, r] { self->finished(done, r); }); };
    auto backlog = std::make_shared<Backlog>();
    auto *writer = new HostWriter(hostPath, backlog, report, finish);
    writer->moveToThread(&m_worker);
    QPointer<HostWriter> w(writer);
    m_engine.call<bool>(
        [sandboxId, path, w, backlog](Engine &e) -> Result<bool> {
            auto opened = e.openDownload(sandboxId, path);
            if (!opened)
                return tl::unexpected(opened.error());
            FileDownload *d = *opened;
            QMetaObject::invokeMethod(w.data(), [w, d = QPointer<FileDownload>(d)] { if (w) w->download = d; });
            QObject::connect(d, &FileDownload::data, d, [d, w, backlog](const QByteArray &bytes) {
                if (!w)
                    return d->deleteLater();
                if ((backlog->bytes += bytes.size()) > kWindowBytes && !backlog->paused.exchange(true))
                    d->setPaused(true);
                QMetaObject::invokeMethod(w.data(), [w, bytes] { if (w) w->write(bytes); });
            });
            QObject::connect(d, &FileDownload::finished, d, [d, w] {
                d->deleteLater();
                QMetaObject::invokeMethod(w.data(), [w] { if (w) w->finish(); });
            });
            QObject::connect(d, &FileDownload::failed, d, [d, w](const Error &err) {
                d->deleteLater();
                QMetaObject::invokeMethod(w.data(), [w, err] { if (w) w->end(tl::unexpected(err)); });
            });
            return true;
        },
        [w](Result<bool> r) {
            if (!r && w)
                QMetaObject::invokeMethod(w.data(), [w, err = r.error()] { if (w) w->end(tl::unexpected(err)); });
        });
}

} // namespace paddock::ui

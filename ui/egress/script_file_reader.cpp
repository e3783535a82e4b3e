#include "script_file_reader.h"

#include <QCoreApplication>
#include <QFile>
#include <QPointer>
#include <QStringDecoder>
#include <QThreadPool>

namespace paddock::ui {

namespace {

// The engine refuses a handler over 256 KiB; reading one byte more says so
// without reading a huge file whole.
constexpr qint64 kMaxScriptBytes = 256 * 1024;

Result<QString> readBounded(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QObject::tr("cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.read(kMaxScriptBytes + 1);
    if (bytes.size() > kMaxScriptBytes)
        return fail(ErrorCode::InvalidArgument,
            QObject::tr("%1 is larger than a handler may be (%2 KiB)")
                .arg(path)
                .arg(kMaxScriptBytes / 1024));
    QStringDecoder utf8(QStringDecoder::Utf8);
    QString text = utf8.decode(bytes);
    if (utf8.hasError() || text.contains(QChar(0)))
        return fail(ErrorCode::InvalidArgument,
            QObject::tr("%1 is not a script: it is not UTF-8 text").arg(path));
    return text;
}

} // namespace

void readScriptFile(
    const QString &path, QObject *receiver, std::function<void(Result<QString>)> done)
{
    QThreadPool::globalInstance()->start(
        [path, guard = QPointer<QObject>(receiver), done = std::move(done)] {
            Result<QString> text = readBounded(path);
            // Back through the application object, which outlives any receiver;
            // the receiver is looked at only there, on its own (the UI) thread.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [guard, done, text = std::move(text)] {
                    if (guard) done(text);
                },
                Qt::QueuedConnection);
        });
}

} // namespace paddock::ui

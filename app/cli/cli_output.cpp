#include "cli_output.h"

#include <QJsonDocument>

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace paddock::cli {

void writeRaw(int fd, const QByteArray &bytes)
{
    const char *p = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // the reader went away (closed pipe): nothing more to do
        p += n;
        left -= n;
    }
}

void printLine(const QString &text) { writeRaw(1, text.toUtf8() + '\n'); }

void printJson(const QJsonObject &o) { writeRaw(1, QJsonDocument(o).toJson(QJsonDocument::Indented)); }

void printTable(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &h : header)
        widths.append(h.size());
    for (const QStringList &row : rows)
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    auto line = [&](const QStringList &cells) {
        QString out;
        for (qsizetype i = 0; i < cells.size(); ++i)
            out += i + 1 == cells.size() ? cells[i] : cells[i].leftJustified(widths[i] + 2);
        printLine(out);
    };
    line(header);
    for (const QStringList &row : rows)
        line(row);
}

int reportError(const Error &e)
{
    writeRaw(2, QStringLiteral("paddock: %1\n").arg(e.message).toUtf8());
    switch (e.code) {
    case ErrorCode::CommandNotFound: return kExitNotFound;
    case ErrorCode::NotExecutable: return kExitNotExecutable;
    case ErrorCode::Timeout: return kExitTimeout;
    default: return kExitFailure;
    }
}

int usageError(const QString &message)
{
    writeRaw(2, QStringLiteral("paddock: %1 (see paddock --help)\n").arg(message).toUtf8());
    return kExitUsage;
}

} // namespace paddock::cli

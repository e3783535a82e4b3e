#include "cli_output.h"

#include "paddock/display_text.h"

#include <QJsonDocument>

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace paddock::cli {

Result<void> writeRaw(int fd, const QByteArray &bytes)
{
    const char *p = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const QString where = fd == 1 ? QStringLiteral("standard output") : fd == 2 ? QStringLiteral("standard error")
                                                                                       : QStringLiteral("file descriptor %1").arg(fd);
            return fail(ErrorCode::Io, QStringLiteral("cannot write to %1: %2").arg(where, qt_error_string(n < 0 ? errno : EIO)));
        }
        p += n;
        left -= n;
    }
    return {};
}

// Everything printed for people goes through displayText(): a line may hold
// names a sandbox chose, and those must show, never act on the terminal.
void printLine(const QString &text) { writeRaw(1, displayText(text).toUtf8() + '\n'); }

void printJson(const QJsonObject &o) { writeRaw(1, QJsonDocument(o).toJson(QJsonDocument::Indented)); }

void printTable(const QStringList &header, const QList<QStringList> &uncheckedRows)
{
    QList<QStringList> rows;
    for (const QStringList &row : uncheckedRows) {
        QStringList shown;
        for (const QString &cell : row)
            shown.append(displayText(cell)); // before widths: an escape is wider than what it stands for
        rows.append(shown);
    }
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
        writeRaw(1, out.toUtf8() + '\n');
    };
    line(header);
    for (const QStringList &row : rows)
        line(row);
}

int reportError(const Error &e)
{
    writeRaw(2, QStringLiteral("paddock: %1\n").arg(displayText(e.message)).toUtf8());
    switch (e.code) {
    case ErrorCode::CommandNotFound: return kExitNotFound;
    case ErrorCode::NotExecutable: return kExitNotExecutable;
    case ErrorCode::Timeout: return kExitTimeout;
    default: return kExitFailure;
    }
}

int usageError(const QString &message)
{
    QStringList lines; // a usage of several lines stays several lines
    for (const QString &line : message.split(u'\n'))
        lines << displayText(line);
    writeRaw(2, QStringLiteral("paddock: %1 (see paddock --help)\n").arg(lines.join(QStringLiteral("\npaddock: "))).toUtf8());
    return kExitUsage;
}

} // namespace paddock::cli

// How the CLI prints: tables for people, JSON for programs, errors on
// stderr with an exit status that says what kind of failure it was.
#pragma once

#include "paddock/error.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace paddock::cli {

// Exit statuses beyond the command's own.
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTimeout = 124; // as timeout(1)
inline constexpr int kExitNotExecutable = 126; // as sh
inline constexpr int kExitNotFound = 127; // as sh

// Human output: text a sandbox chose is escaped (paddock/display_text.h).
void printLine(const QString &text);
void printJson(const QJsonObject &o);
void printTable(const QStringList &header, const QList<QStringList> &rows);
// All of `bytes`, or why not ("cannot write to standard output: No space
// left on device"): a download must stop when its destination is full.
Result<void> writeRaw(int fd, const QByteArray &bytes);

// Prints "paddock: <message>" and returns the exit status for the error.
int reportError(const Error &e);
int usageError(const QString &message);

} // namespace paddock::cli

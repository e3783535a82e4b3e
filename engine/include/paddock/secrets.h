// Secrets: named values the engine injects into sandboxes' inspected
// requests (issue #14), so that no token ever enters a sandbox. A value
// leaves the secret store only towards an upstream: never in an answer of
// the engine, the database, the log or the CLI. What is shown is a name and
// where its value comes from.
#pragma once

#include "paddock/error.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace paddock {

enum class SecretSource {
    Stored, // a value given once, kept in the desktop's keyring, else the user's secret file (0600)
    Command, // a host command's output at use time (a password manager)
};

QString secretSourceName(SecretSource s); // "stored" | "command"
std::optional<SecretSource> secretSourceFromName(const QString &name);

struct SecretInfo {
    QString name;
    SecretSource source = SecretSource::Stored;
    QString command; // Command: run by the engine with `sh -c`, on the host
    int ttlSeconds = 0; // Command: how long one output is reused
    bool inKeyring = false; // Stored: in the desktop's keyring (Secret Service), not the file
    QDateTime createdAt;
    QDateTime updatedAt;
    // Set when the value cannot be had ("its value is not in …: set it again").
    QString problem;
};

// Letters, digits and '_', starting with a letter, at most 64: a name that
// reads the same in a template ({{secret.GITHUB_TOKEN}}), an environment
// variable and a shell.
bool isValidSecretName(const QString &name);
inline constexpr qsizetype kMaxSecretBytes = 64 * 1024;
inline constexpr int kMaxSecretTtlSeconds = 24 * 3600;

} // namespace paddock

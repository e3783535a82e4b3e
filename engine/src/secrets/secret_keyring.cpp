// libsecret first: GLib's headers use names Qt's keywords would take.
#include <libsecret/secret.h>

#include "secret_keyring.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace paddock::secrets {

namespace {

const SecretSchema *schema()
{
    static const SecretSchema kSchema = { "dev.paddock.Secret", SECRET_SCHEMA_NONE,
        {
            { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "data-dir", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { nullptr, SecretSchemaAttributeType(0) },
        },
        0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr };
    return &kSchema;
}

// Runs a libsecret call, cancelling it if it has not returned within the timeout.
void withTimeout(const std::function<void(GCancellable *)> &call)
{
    GCancellable *cancellable = g_cancellable_new();
    std::mutex mutex;
    std::condition_variable returned;
    bool done = false;
    std::thread guard([&] {
        std::unique_lock lock(mutex);
        if (!returned.wait_for(
                lock, std::chrono::milliseconds(SecretKeyring::kTimeoutMs), [&] { return done; }))
            g_cancellable_cancel(cancellable);
    });
    call(cancellable);
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    returned.notify_one();
    guard.join();
    g_object_unref(cancellable);
}

Error keyringError(GError *error, const QString &what)
{
    const bool timedOut = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    const QString why = timedOut
        ? QStringLiteral(
            "the keyring did not answer within %1 s (locked, waiting for its password?)")
              .arg(SecretKeyring::kTimeoutMs / 1000)
        : QString::fromUtf8(error->message);
    g_error_free(error);
    return Error { ErrorCode::Io, what + QStringLiteral(": ") + why };
}

} // namespace

Result<void> SecretKeyring::store(const QString &name, const QByteArray &value)
{
    const QByteArray n = name.toUtf8(), dir = m_dataDir.toUtf8();
    const QByteArray label = "Paddock secret " + n;
    // The value as UTF-8 text is what the Secret Service stores; a binary
    // value goes through the file instead (refused here).
    if (value.contains('\0') || QString::fromUtf8(value).toUtf8() != value)
        return fail(
            ErrorCode::InvalidArgument, QStringLiteral("the value is not text: kept in the file"));
    GError *error = nullptr;
    gboolean ok = FALSE;
    const QByteArray text = value + '\0';
    withTimeout([&](GCancellable *cancellable) {
        ok = secret_password_store_sync(schema(), SECRET_COLLECTION_DEFAULT, label.constData(),
            text.constData(), cancellable, &error, "name", n.constData(), "data-dir",
            dir.constData(), nullptr);
    });
    if (!ok)
        return tl::unexpected(keyringError(error, QStringLiteral("cannot store in the keyring")));
    return {};
}

Result<std::optional<QByteArray>> SecretKeyring::lookup(const QString &name)
{
    const QByteArray n = name.toUtf8(), dir = m_dataDir.toUtf8();
    GError *error = nullptr;
    gchar *found = nullptr;
    withTimeout([&](GCancellable *cancellable) {
        found = secret_password_lookup_sync(schema(), cancellable, &error, "name", n.constData(),
            "data-dir", dir.constData(), nullptr);
    });
    if (error)
        return tl::unexpected(keyringError(error, QStringLiteral("cannot read the keyring")));
    if (!found) return std::optional<QByteArray>();
    QByteArray value(found);
    secret_password_free(found);
    return std::optional<QByteArray>(value);
}

Result<void> SecretKeyring::remove(const QString &name)
{
    const QByteArray n = name.toUtf8(), dir = m_dataDir.toUtf8();
    GError *error = nullptr;
    withTimeout([&](GCancellable *cancellable) {
        secret_password_clear_sync(schema(), cancellable, &error, "name", n.constData(), "data-dir",
            dir.constData(), nullptr);
    });
    if (error)
        return tl::unexpected(
            keyringError(error, QStringLiteral("cannot remove from the keyring")));
    return {};
}

} // namespace paddock::secrets

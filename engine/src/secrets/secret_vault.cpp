#include "secret_vault.h"

#include "secret_command.h"

#include "egress/inject/placeholder_scanner.h"

#include <QDebug>
#include <QRandomGenerator>

namespace paddock::secrets {

namespace {

Result<void> checkName(const QString &name)
{
    if (!isValidSecretName(name))
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral(
                "'%1' is not a secret name: 1 to 64 letters, digits and '_', starting with a "
                "letter")
                .arg(name.left(80)));
    return {};
}

} // namespace

SecretVault::SecretVault(store::SecretStore &meta, const QString &dir)
    : m_meta(meta)
    , m_file(dir)
{
    if (qEnvironmentVariable("PADDOCK_SECRET_STORE") != QLatin1String("file")) m_keyring.emplace(dir);
}

Result<SecretInfo> SecretVault::save(
    const QString &name, SecretSource source, const QString &command, int ttlSeconds, bool inKeyring)
{
    auto existing = m_meta.find(name);
    if (!existing) return tl::unexpected(existing.error());
    SecretInfo info;
    info.name = name;
    info.source = source;
    info.command = command;
    info.ttlSeconds = ttlSeconds;
    info.inKeyring = inKeyring;
    info.updatedAt = QDateTime::currentDateTimeUtc();
    info.createdAt = *existing ? (*existing)->createdAt : info.updatedAt;
    if (auto r = m_meta.save(info); !r) return tl::unexpected(r.error());
    m_outputs.remove(name);
    return info;
}

Result<SecretInfo> SecretVault::setValue(const QString &name, const QByteArray &value)
{
    if (auto r = checkName(name); !r) return tl::unexpected(r.error());
    if (value.isEmpty())
        return fail(
            ErrorCode::InvalidArgument, QStringLiteral("secret %1: the value is empty").arg(name));
    if (value.size() > kMaxSecretBytes)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("secret %1: the value is larger than %2 bytes")
                .arg(name)
                .arg(kMaxSecretBytes));
    // The value first: a name in the database always has its value. In
    // the keyring when one answers (then not in the file), else the file.
    m_fromKeyring.remove(name);
    bool inKeyring = false;
    if (m_keyring) {
        auto stored = m_keyring->store(name, value);
        inKeyring = bool(stored);
        if (!stored) // the reason, never the value
            qInfo().noquote() << QStringLiteral("secret %1: kept in %2 (%3)").arg(name, m_file.path(), stored.error().message);
    }
    if (inKeyring) {
        if (auto r = m_file.remove(name); !r)
            return tl::unexpected(r.error().withContext(QStringLiteral("secret %1").arg(name)));
    } else {
        if (auto r = m_file.setValue(name, value); !r)
            return tl::unexpected(r.error().withContext(QStringLiteral("secret %1").arg(name)));
        auto before = m_meta.find(name);
        if (m_keyring && before && *before && (*before)->inKeyring)
            (void)m_keyring->remove(name); // the older value there must not outlive this one
    }
    auto info = save(name, SecretSource::Stored, {}, 0, inKeyring);
    return info;
}

// Where a stored secret's value is: the keyring (read once per engine run)
// or the file.
Result<std::optional<QByteArray>> SecretVault::storedValue(const SecretInfo &info)
{
    if (!info.inKeyring) return m_file.value(info.name);
    if (auto cached = m_fromKeyring.constFind(info.name); cached != m_fromKeyring.constEnd())
        return std::optional<QByteArray>(*cached);
    if (!m_keyring)
        return fail(ErrorCode::Io,
            QStringLiteral("its value is in the keyring, and PADDOCK_SECRET_STORE=file keeps Paddock from asking it"));
    auto value = m_keyring->lookup(info.name);
    if (value && *value) m_fromKeyring.insert(info.name, **value);
    return value;
}

// Where the secret's value is recorded to be, and only there: a keyring
// that does not answer must not stand in the way of a value in the file.
Result<void> SecretVault::forgetStoredValue(const QString &name)
{
    auto info = m_meta.find(name);
    if (!info) return tl::unexpected(info.error());
    m_fromKeyring.remove(name);
    if (*info && (*info)->inKeyring) {
        if (!m_keyring)
            return fail(ErrorCode::Io,
                QStringLiteral("its value is in the keyring, and PADDOCK_SECRET_STORE=file keeps Paddock from asking it"));
        return m_keyring->remove(name);
    }
    return m_file.remove(name);
}

void SecretVault::setCommand(
    const QString &name, const QString &command, int ttlSeconds, Callback<SecretInfo> done)
{
    if (auto r = checkName(name); !r) return done(tl::unexpected(r.error()));
    if (command.trimmed().isEmpty())
        return done(fail(ErrorCode::InvalidArgument,
            QStringLiteral("secret %1: the command is empty").arg(name)));
    if (ttlSeconds < 0 || ttlSeconds > kMaxSecretTtlSeconds)
        return done(fail(ErrorCode::InvalidArgument,
            QStringLiteral("secret %1: the TTL must be 0 to %2 seconds")
                .arg(name)
                .arg(kMaxSecretTtlSeconds)));
    ++m_runs[name];
    runSecretCommand(name, command,
        [this, life = std::weak_ptr<int>(m_life), name, command, ttlSeconds, done](
            Result<QByteArray> value) {
            if (!life.expired()) onCheckedCommand(name, command, ttlSeconds, value, done);
        });
}

void SecretVault::onCheckedCommand(const QString &name, const QString &command, int ttlSeconds,
    const Result<QByteArray> &value, const Callback<SecretInfo> &done)
{
    if (!value) return done(tl::unexpected(value.error().withContext(QStringLiteral("not saved"))));
    // A stored value the name had is no longer wanted: gone first, so the
    // name never points at a value it no longer means.
    if (auto r = forgetStoredValue(name); !r) return done(tl::unexpected(r.error()));
    auto info = save(name, SecretSource::Command, command, ttlSeconds);
    if (info && ttlSeconds > 0)
        m_outputs.insert(name, CachedOutput { *value, QDeadlineTimer(qint64(ttlSeconds) * 1000) });
    done(info);
}

Result<QList<SecretInfo>> SecretVault::list()
{
    auto all = m_meta.all();
    if (!all) return all;
    for (SecretInfo &info : *all) {
        if (info.source != SecretSource::Stored) continue;
        auto value = storedValue(info);
        if (!value)
            info.problem = value.error().message;
        else if (!*value)
            info.problem = QStringLiteral("its value is not in %1: set it again")
                               .arg(info.inKeyring ? QStringLiteral("the keyring") : m_file.path());
    }
    return all;
}

Result<void> SecretVault::remove(const QString &name)
{
    if (auto r = forgetStoredValue(name); !r)
        return tl::unexpected(
            r.error().withContext(QStringLiteral("secret %1 is kept").arg(name.left(80))));
    m_outputs.remove(name);
    m_placeholders.reset();
    auto removed = m_meta.remove(name);
    if (!removed) return tl::unexpected(removed.error());
    if (!*removed)
        return fail(ErrorCode::NotFound, QStringLiteral("no secret named '%1'").arg(name.left(80)));
    return {};
}

Result<QString> SecretVault::placeholder(const QString &name)
{
    auto info = m_meta.find(name);
    if (!info) return tl::unexpected(info.error());
    if (!*info)
        return fail(ErrorCode::NotFound, QStringLiteral("no secret named '%1': set it first").arg(name.left(80)));
    auto existing = m_meta.placeholder(name);
    if (!existing || !existing->isEmpty()) return existing;
    QByteArray random(int(egress::kPlaceholderRandomDigits / 2), Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
        reinterpret_cast<quint32 *>(random.data() + random.size()));
    const QString made = QString::fromStdString(egress::placeholderFor(name.toStdString(), random.toHex().toStdString()));
    if (auto r = m_meta.setPlaceholder(name, made); !r) return tl::unexpected(r.error());
    m_placeholders.reset();
    return made;
}

const QHash<QString, QString> &SecretVault::placeholders()
{
    if (!m_placeholders) {
        auto all = m_meta.placeholders();
        // Unreadable: none are known, so none is swapped (they go out as they are).
        m_placeholders = all ? *all : QHash<QString, QString>();
    }
    return *m_placeholders;
}

void SecretVault::resolve(const QString &name, Callback<QByteArray> done)
{
    auto info = m_meta.find(name);
    if (!info) return done(tl::unexpected(info.error()));
    if (!*info)
        return done(
            fail(ErrorCode::NotFound, QStringLiteral("no secret named '%1'").arg(name.left(80))));
    if ((*info)->source == SecretSource::Stored) {
        auto value = storedValue(**info);
        if (!value) return done(tl::unexpected(value.error()));
        if (!*value)
            return done(fail(ErrorCode::NotFound,
                QStringLiteral("secret %1 has no value in %2: set it again")
                    .arg(name, (*info)->inKeyring ? QStringLiteral("the keyring") : m_file.path())));
        return done(**value);
    }
    const auto cached = m_outputs.constFind(name);
    if (cached != m_outputs.constEnd() && !cached->fresh.hasExpired()) return done(cached->value);
    const bool running = m_waiting.contains(name);
    m_waiting[name].append(std::move(done));
    if (running) return;
    ++m_runs[name];
    const int ttl = (*info)->ttlSeconds;
    runSecretCommand(name, (*info)->command,
        [this, life = std::weak_ptr<int>(m_life), name, ttl](Result<QByteArray> value) {
            if (!life.expired()) onCommandDone(name, ttl, value);
        });
}

void SecretVault::onCommandDone(
    const QString &name, int ttlSeconds, const Result<QByteArray> &value)
{
    if (value && ttlSeconds > 0)
        m_outputs.insert(name, CachedOutput { *value, QDeadlineTimer(qint64(ttlSeconds) * 1000) });
    const QList<Callback<QByteArray>> waiting = m_waiting.take(name);
    for (const Callback<QByteArray> &done : waiting)
        done(value);
}

} // namespace paddock::secrets

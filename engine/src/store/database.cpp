#include "database.h"

#include "migrations.h"

#include <sqlite3.h>

#include <utility>

namespace paddock::store {

Statement::Statement(Statement &&o) noexcept
    : m_db(o.m_db), m_stmt(std::exchange(o.m_stmt, nullptr))
{
}

Statement::~Statement()
{
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

Statement &Statement::bind(int index, const QString &value)
{
    QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement &Statement::bindReal(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

Result<bool> Statement::step()
{
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return fail(rc == SQLITE_CONSTRAINT ? ErrorCode::Conflict : ErrorCode::Io,
                QStringLiteral("database: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_db))));
}

Result<void> Statement::run()
{
    for (;;) {
        auto r = step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            return {};
    }
}

QString Statement::text(int column) const
{
    auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, column)) : QString();
}

qint64 Statement::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }

double Statement::real(int column) const { return sqlite3_column_double(m_stmt, column); }

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Database>> Database::open(const QString &path)
{
    sqlite3 *raw = nullptr;
    int rc = sqlite3_open_v2(path.toUtf8().constData(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    std::unique_ptr<Database> db(new Database(raw));
    if (rc != SQLITE_OK)
        return tl::unexpected(db->lastError(QStringLiteral("open %1").arg(path)));
    sqlite3_busy_timeout(raw, 5000);
    // WAL: readers never block the writer; synchronous=NORMAL is crash-safe in WAL mode
    // (a power loss may lose the last transactions, never corrupt the file).
    for (const char *pragma : { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                                "PRAGMA foreign_keys=ON" }) {
        if (auto r = db->exec(pragma); !r)
            return tl::unexpected(r.error());
    }
    if (auto r = db->migrate(); !r)
        return tl::unexpected(r.error().withContext(QStringLiteral("migrate %1").arg(path)));
    return db;
}

Database::~Database() { sqlite3_close_v2(m_db); }

Result<Statement> Database::prepare(const char *sql)
{
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) != SQLITE_OK)
        return tl::unexpected(lastError(QStringLiteral("prepare")));
    return Statement(m_db, stmt);
}

Result<void> Database::exec(const char *sql)
{
    char *message = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        QString text = QString::fromUtf8(message ? message : "unknown error");
        sqlite3_free(message);
        return fail(ErrorCode::Io, QStringLiteral("database: %1").arg(text));
    }
    return {};
}

int Database::schemaVersion()
{
    auto stmt = prepare("PRAGMA user_version");
    if (!stmt || !stmt->step().value_or(false))
        return -1;
    return int(stmt->integer(0));
}

Result<void> Database::migrate()
{
    const int latest = int(std::size(kMigrations));
    int version = schemaVersion();
    if (version > latest)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("database schema %1 is newer than this Paddock (%2): "
                                   "use a newer Paddock or another data dir")
                        .arg(version)
                        .arg(latest));
    for (; version < latest; ++version) {
        auto r = transaction([&]() -> Result<void> {
            if (auto step = exec(kMigrations[version]); !step)
                return step;
            QByteArray bump = "PRAGMA user_version=" + QByteArray::number(version + 1);
            return exec(bump.constData());
        });
        if (!r)
            return r;
    }
    return {};
}

Error Database::lastError(const QString &what) const
{
    return Error { ErrorCode::Io,
                   QStringLiteral("database: %1: %2").arg(what, QString::fromUtf8(sqlite3_errmsg(m_db))) };
}

qint64 Database::lastInsertId() const { return sqlite3_last_insert_rowid(m_db); }

int Database::changes() const { return sqlite3_changes(m_db); }

} // namespace paddock::store

// The engine's SQLite database: opening in WAL mode, migrations by
// PRAGMA user_version, and a small RAII statement wrapper.
//
// Thread ownership: one Database per engine, used only from the engine thread
// (the single writer of ARCHITECTURE.md).
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace paddock::store {

class Statement {
public:
    Statement(sqlite3 *db, sqlite3_stmt *stmt) : m_db(db), m_stmt(stmt) { }
    Statement(Statement &&o) noexcept;
    Statement(const Statement &) = delete;
    ~Statement();

    Statement &bind(int index, const QString &value);
    Statement &bind(int index, qint64 value);
    // A template, so integers never convert to a real by ambiguity.
    template<typename F>
        requires std::is_floating_point_v<F>
    Statement &bind(int index, F value)
    {
        return bindReal(index, double(value));
    }
    Statement &bindReal(int index, double value);
    Statement &bindNull(int index);
    // NULL when empty.
    template<typename T>
    Statement &bind(int index, const std::optional<T> &value)
    {
        return value ? bind(index, *value) : bindNull(index);
    }

    // Steps once: true while a row is available; errors end in Result.
    Result<bool> step();
    // Runs to completion, for statements without rows.
    Result<void> run();
    // The first row made into a T by readRow(*this); nothing when there is none.
    template<typename ReadRow>
    auto first(ReadRow readRow) -> Result<std::optional<decltype(readRow(*this))>>
    {
        using T = decltype(readRow(*this));
        auto row = step();
        if (!row)
            return tl::unexpected(row.error());
        return *row ? std::optional<T>(readRow(*this)) : std::optional<T>();
    }
    // Steps through every row, each made into a T by readRow(*this).
    template<typename T, typename ReadRow>
    Result<QList<T>> rows(ReadRow readRow)
    {
        QList<T> out;
        for (;;) {
            auto row = step();
            if (!row)
                return tl::unexpected(row.error());
            if (!*row)
                return out;
            out.append(readRow(*this));
        }
    }

    QString text(int column) const;
    qint64 integer(int column) const;
    double real(int column) const;
    bool isNull(int column) const;

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt;
};

class Database {
public:
    static Result<std::unique_ptr<Database>> open(const QString &path);
    ~Database();

    Result<Statement> prepare(const char *sql);
    // Prepared, with `args` bound to ?1, ?2, … in order (QString or qint64).
    template<typename... Args>
    Result<Statement> prepare(const char *sql, const Args &...args)
    {
        auto stmt = prepare(sql);
        int index = 0;
        if (stmt)
            (stmt->bind(++index, args), ...);
        return stmt;
    }
    // Prepares, binds and runs a statement without rows.
    template<typename... Args>
    Result<void> run(const char *sql, const Args &...args)
    {
        auto stmt = prepare(sql, args...);
        return stmt ? stmt->run() : tl::unexpected(stmt.error());
    }
    Result<void> exec(const char *sql);
    int schemaVersion();
    qint64 lastInsertId() const;
    int changes() const; // rows changed by the last statement

    // Runs fn inside BEGIN IMMEDIATE … COMMIT, rolling back on error.
    template<typename Fn>
    Result<void> transaction(Fn &&fn)
    {
        if (auto r = exec("BEGIN IMMEDIATE"); !r)
            return r;
        Result<void> r = fn();
        if (auto end = exec(r ? "COMMIT" : "ROLLBACK"); r && !end)
            return end;
        return r;
    }

private:
    explicit Database(sqlite3 *db) : m_db(db) { }
    Result<void> migrate();
    Error lastError(const QString &what) const;

    sqlite3 *m_db;
};

} // namespace paddock::store

// The schema, one step per version. Step N takes user_version N-1 to N.
// Append new steps; never edit a released one.
#pragma once

namespace paddock::store {

inline constexpr const char *kMigrations[] = {
    // 1: sandboxes and their background processes
    R"sql(
    CREATE TABLE sandboxes (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        state       TEXT NOT NULL,            -- desired/last known: running | stopped
        created_at  INTEGER NOT NULL,         -- ms since the epoch
        base_image  TEXT NOT NULL,
        init_pid    INTEGER,
        next_proc   INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE processes (
        sandbox_id  TEXT NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,
        id          TEXT NOT NULL,
        name        TEXT,
        argv        TEXT NOT NULL,            -- JSON array
        pid         INTEGER,
        state       TEXT NOT NULL,            -- running | exited | killed | lost
        exit_code   INTEGER,
        signal      INTEGER,
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        PRIMARY KEY (sandbox_id, id)
    );
    )sql",
    // 2: when a sandbox's current run began (uptime), kept across engine restarts
    R"sql(
    ALTER TABLE sandboxes ADD COLUMN started_at INTEGER;
    )sql",
};

} // namespace paddock::store

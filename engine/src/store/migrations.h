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
    // 3: egress — rules (a sandbox's own, or global when sandbox_id is NULL),
    // per-sandbox settings, the names behind fake DNS addresses, host
    // overrides and the decision log
    R"sql(
    CREATE TABLE egress_rules (
        id          INTEGER PRIMARY KEY,
        sandbox_id  TEXT REFERENCES sandboxes(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,         -- 0-based, contiguous within a sandbox_id
        pattern     TEXT NOT NULL,
        port        INTEGER NOT NULL DEFAULT 0,
        action      TEXT NOT NULL,            -- allow | deny | ask
        reason      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX egress_rules_order ON egress_rules(sandbox_id, position);
    CREATE TABLE egress_settings (
        sandbox_id    TEXT PRIMARY KEY REFERENCES sandboxes(id) ON DELETE CASCADE,
        ask_unlisted  INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE egress_names (
        sandbox_id  TEXT NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,
        slot        INTEGER NOT NULL,         -- offset in 198.18.0.0/15
        name        TEXT NOT NULL,
        PRIMARY KEY (sandbox_id, slot)
    );
    CREATE TABLE host_overrides (
        name     TEXT PRIMARY KEY,
        address  TEXT NOT NULL,
        port     INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE egress_log (
        id           INTEGER PRIMARY KEY,
        time         INTEGER NOT NULL,        -- ms since the epoch
        sandbox_id   TEXT NOT NULL,
        host         TEXT NOT NULL,
        address      TEXT NOT NULL,
        port         INTEGER NOT NULL,
        protocol     TEXT NOT NULL,
        verdict      TEXT NOT NULL,           -- allowed | denied | redirected
        rule_id      INTEGER NOT NULL,
        rule         TEXT NOT NULL,
        reason       TEXT NOT NULL,
        upstream     TEXT NOT NULL,
        bytes_out    INTEGER NOT NULL,
        bytes_in     INTEGER NOT NULL,
        duration_ms  INTEGER NOT NULL,
        process      TEXT NOT NULL,
        open         INTEGER NOT NULL
    );
    CREATE INDEX egress_log_sandbox ON egress_log(sandbox_id, id);
    )sql",
    // 4: engine-wide settings (the forward proxy), as JSON values by key
    R"sql(
    CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    )sql",
    // 5: plain-HTTP rules (method, path) and per-request log entries
    R"sql(
    ALTER TABLE egress_rules ADD COLUMN method TEXT NOT NULL DEFAULT '';
    ALTER TABLE egress_rules ADD COLUMN path TEXT NOT NULL DEFAULT '';
    ALTER TABLE egress_log ADD COLUMN request TEXT NOT NULL DEFAULT '';
    )sql",
    // 6: when each fake address was last answered, so that the pool, which
    // reuses the least recently used address, keeps that order across restarts
    R"sql(
    ALTER TABLE egress_names ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 7: a background process's directory and added environment, so that
    // it can be restarted as it was started (the environment is kept as
    // argv is: the user's own command line, in the user's private data dir)
    R"sql(
    ALTER TABLE processes ADD COLUMN cwd TEXT NOT NULL DEFAULT '';
    ALTER TABLE processes ADD COLUMN env TEXT NOT NULL DEFAULT '[]';
    )sql",
    // 8: why an allowed connection failed (upstream unreachable, ended with
    // an error), apart from the reason it was allowed
    R"sql(
    ALTER TABLE egress_log ADD COLUMN failure TEXT NOT NULL DEFAULT '';
    )sql",
    // 9: secrets' names and where their values come from; never a value
    // (those live in the user's secret file, see secrets/secret_file.h)
    R"sql(
    CREATE TABLE secrets (
        name         TEXT PRIMARY KEY,
        source       TEXT NOT NULL,
        command      TEXT NOT NULL,
        ttl_seconds  INTEGER NOT NULL,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
    );
    )sql",
    // 10: inspect rules' injections (templates over secret names, as JSON),
    // and what an inspected request's log entry shows: its status, its
    // HTTP version, the names of the secrets injected into it
    R"sql(
    ALTER TABLE egress_rules ADD COLUMN inject TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE egress_log ADD COLUMN status INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE egress_log ADD COLUMN http_version TEXT NOT NULL DEFAULT '';
    ALTER TABLE egress_log ADD COLUMN secrets TEXT NOT NULL DEFAULT '';
    )sql",
    // 11: each secret's placeholder, the stand-in a sandbox may be given
    // (not secret: it is worth nothing outside the rules that name the secret)
    R"sql(
    ALTER TABLE secrets ADD COLUMN placeholder TEXT NOT NULL DEFAULT '';
    )sql",
    // 12: inspect rules' JavaScript handlers (name, source, the secrets
    // they are handed; as JSON), kept whole so a rule never depends on a
    // file that may since have changed
    R"sql(
    ALTER TABLE egress_rules ADD COLUMN handler TEXT NOT NULL DEFAULT '';
    )sql",
    // 13: an inspected request's fields as sent upstream and its response's,
    // injected values masked, for the request detail pane
    R"sql(
    ALTER TABLE egress_log ADD COLUMN request_headers TEXT NOT NULL DEFAULT '';
    ALTER TABLE egress_log ADD COLUMN response_headers TEXT NOT NULL DEFAULT '';
    )sql",
    // 14: the last rule ID handed out, so none is handed out twice (the log
    // names rules by ID; a deleted rule's ID must not come to mean another)
    R"sql(
    CREATE TABLE egress_rule_ids (last_issued INTEGER NOT NULL);
    INSERT INTO egress_rule_ids SELECT COALESCE(MAX(id), 0) FROM egress_rules;
    )sql",
    // 15: each sandbox's resource limits (0: the default, see
    // metering/resource_control.h)
    R"sql(
    ALTER TABLE sandboxes ADD COLUMN cpus REAL NOT NULL DEFAULT 0;
    ALTER TABLE sandboxes ADD COLUMN memory_bytes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sandboxes ADD COLUMN pids INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 16: what each sandbox used, in buckets of 1 s (kept an hour), 60 s (a
    // week) and 3600 s (for ever); see store/usage_store.h
    R"sql(
    CREATE TABLE usage_samples (
        sandbox_id          TEXT NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,
        resolution          INTEGER NOT NULL,  -- seconds per bucket: 1, 60, 3600
        bucket              INTEGER NOT NULL,  -- its start, seconds since the epoch
        cpu_ns              INTEGER NOT NULL,
        memory_max          INTEGER NOT NULL,
        memory_byte_seconds REAL NOT NULL,
        samples             INTEGER NOT NULL,
        PRIMARY KEY (sandbox_id, resolution, bucket)
    ) WITHOUT ROWID;
    )sql",
};

} // namespace paddock::store

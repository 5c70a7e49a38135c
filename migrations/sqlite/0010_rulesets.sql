-- Runtime rulesets (extensions.md §6.3): uploaded components stored content-addressed, their validated versions,
-- the audit of every upload attempt, immutable ruleset revisions, the one active revision with its activation
-- history, and one row per running instance for convergence reports. The database holds `.wasm` bytes only,
-- never compiled code. Hashes are lowercase hex SHA-256, so the API, the cache and the rows agree.

CREATE TABLE extension_blobs (
    sha256      TEXT    PRIMARY KEY,
    bytes       BLOB    NOT NULL,
    size_bytes  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL
);

CREATE TABLE extension_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    extension    TEXT    NOT NULL,               -- describe().id
    version      TEXT    NOT NULL,               -- describe().version
    kind         TEXT    NOT NULL CHECK (kind IN ('rule', 'scorer', 'recommender')),
    api_version  TEXT    NOT NULL,
    sha256       TEXT    NOT NULL REFERENCES extension_blobs (sha256),
    info         TEXT    NOT NULL,               -- describe() output
    report       TEXT    NOT NULL,               -- validation report
    source       TEXT    NOT NULL CHECK (source IN ('upload', 'bundled', 'file')),
    status       TEXT    NOT NULL DEFAULT 'validated' CHECK (status IN ('validated', 'quarantined', 'retired')),
    -- Audit rows outlive their users: a deleted user leaves NULL.
    created_by   INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX extension_versions_extension_version_key ON extension_versions (extension, version);
CREATE INDEX extension_versions_sha256 ON extension_versions (sha256);

-- Every upload attempt, accepted or refused (refused bytes are not stored).
CREATE TABLE extension_uploads (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256      TEXT    NOT NULL,
    size_bytes  INTEGER NOT NULL,
    outcome     TEXT    NOT NULL,                -- created | existing | an error code
    report      TEXT    NOT NULL,
    created_by  INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL
);

-- Immutable once inserted; `id` is "revision" everywhere in the API.
CREATE TABLE ruleset_revisions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    entries         TEXT    NOT NULL,            -- canonical JSON
    entries_sha256  TEXT    NOT NULL,
    comment         TEXT    NOT NULL DEFAULT '',
    source          TEXT    NOT NULL CHECK (source IN ('api', 'file', 'bundled')),
    created_by      INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX ruleset_revisions_entries_sha256_key ON ruleset_revisions (entries_sha256);

-- Exactly one row: what every instance converges on.
CREATE TABLE ruleset_active (
    singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),  -- always 1
    revision      INTEGER NOT NULL REFERENCES ruleset_revisions (id),
    generation    INTEGER NOT NULL,              -- +1 on every activation, rollbacks included
    activated_by  INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    activated_at  TEXT    NOT NULL
);

-- Activation history: the audit trail and what rollback follows.
CREATE TABLE ruleset_activations (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    revision           INTEGER NOT NULL REFERENCES ruleset_revisions (id),
    previous_revision  INTEGER NULL,
    generation         INTEGER NOT NULL,
    kind               TEXT    NOT NULL,         -- activate | rollback | file | bundled
    activated_by       INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    activated_at       TEXT    NOT NULL
);

-- One row per running kernel process, upserted on every change and as a heartbeat.
CREATE TABLE extension_instances (
    instance_id   TEXT    PRIMARY KEY,
    hostname      TEXT    NOT NULL,
    revision      INTEGER NULL,
    generation    INTEGER NULL,
    state         TEXT    NOT NULL,              -- loading | ready | failed
    error         TEXT    NULL,
    heartbeat_at  TEXT    NOT NULL
);

-- Re-scoring selects a site's pages whose revision differs from the active one.
CREATE INDEX pages_site_ruleset_revision ON pages (site_id, ruleset_revision);

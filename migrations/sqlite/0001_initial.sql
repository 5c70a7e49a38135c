-- Siloq schema, SQLite dialect. Versions and names mirror migrations/postgres/; bodies are dialect-specific.
-- Timestamps are bound as chrono UTC values (sqlx writes RFC 3339 text with a +00:00 offset, which sorts correctly).
-- Every unique constraint is named so db::conflict can map a violation to a field error in one place.

-- Accounts. `email` is stored lowercased, so the unique index is case-insensitive uniqueness.
CREATE TABLE users (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    email              TEXT    NOT NULL,
    password_hash      TEXT    NOT NULL,
    first_name         TEXT    NOT NULL DEFAULT '',
    last_name          TEXT    NOT NULL DEFAULT '',
    is_active          INTEGER NOT NULL DEFAULT 1,
    is_staff           INTEGER NOT NULL DEFAULT 0,
    is_superuser       INTEGER NOT NULL DEFAULT 0,
    subscription_tier  TEXT    NOT NULL DEFAULT 'free_trial',
    -- Tokens issued before this instant are rejected (password change, deactivation, "log out everywhere").
    tokens_valid_after TEXT    NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Login sessions ("refresh families"): one per login or registration, absolute expiry, revocable as a whole.
CREATE TABLE auth_sessions (
    id            TEXT    PRIMARY KEY,               -- the `sid` claim, 32 lowercase hex characters
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    revoked_at    TEXT    NULL,
    revoke_reason TEXT    NULL
);
CREATE INDEX auth_sessions_user_id ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires_at ON auth_sessions (expires_at);

-- Refresh tokens: opaque strings, stored only as their SHA-256. Used rows stay until the session expires so that
-- reuse of a spent token can be detected.
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    parent_hash TEXT NULL,
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT NULL
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

-- Access tokens denied before their expiry (logout), keyed by `jti`.
CREATE TABLE token_denylist (
    jti        TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
CREATE INDEX token_denylist_expires_at ON token_denylist (expires_at);

-- Failed logins per normalised email, so the throttle holds across instances and restarts.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    email     TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, failed_at);

-- Sites belong to one owner; the normalised URL is unique per owner.
CREATE TABLE sites (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                 TEXT    NOT NULL,
    url                  TEXT    NOT NULL,
    url_normalized       TEXT    NOT NULL,
    wp_site_id           TEXT    NULL,
    is_active            INTEGER NOT NULL DEFAULT 1,
    business_type        TEXT    NULL,
    primary_services     TEXT    NOT NULL DEFAULT '[]',
    service_areas        TEXT    NOT NULL DEFAULT '[]',
    target_audience      TEXT    NOT NULL DEFAULT '',
    business_description TEXT    NOT NULL DEFAULT '',
    onboarding_complete  INTEGER NOT NULL DEFAULT 0,
    last_synced_at       TEXT    NULL,
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
);
CREATE UNIQUE INDEX sites_user_url_key ON sites (user_id, url_normalized);
CREATE INDEX sites_user_id ON sites (user_id);

-- Site API keys: only the SHA-256 of the key is stored.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id      INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL,
    key_prefix   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NULL,
    revoked_at   TEXT    NULL,
    last_used_at TEXT    NULL,
    usage_count  INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_site_id ON api_keys (site_id);

-- Pages pushed by the WordPress plugin, natural key (site_id, wp_post_id). The latest score card lives on the row
-- so lists and filters need no join.
CREATE TABLE pages (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id            INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    wp_post_id         TEXT    NOT NULL,
    url                TEXT    NOT NULL,
    title              TEXT    NOT NULL DEFAULT '',
    slug               TEXT    NOT NULL DEFAULT 'page',
    content            TEXT    NOT NULL DEFAULT '',
    content_format     TEXT    NOT NULL DEFAULT 'html',
    excerpt            TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL DEFAULT 'publish',
    post_type          TEXT    NOT NULL DEFAULT 'page',
    published_at       TEXT    NULL,
    modified_at        TEXT    NULL,
    parent_id          INTEGER NULL,
    menu_order         INTEGER NOT NULL DEFAULT 0,
    yoast_title        TEXT    NOT NULL DEFAULT '',
    yoast_description  TEXT    NOT NULL DEFAULT '',
    focus_keyphrase    TEXT    NOT NULL DEFAULT '',
    featured_image     TEXT    NOT NULL DEFAULT '',
    is_noindex         INTEGER NOT NULL DEFAULT 0,
    is_homepage        INTEGER NOT NULL DEFAULT 0,
    is_money_page      INTEGER NOT NULL DEFAULT 0,
    author             TEXT    NOT NULL DEFAULT '',
    page_builder       TEXT    NOT NULL DEFAULT '',
    headings_extracted TEXT    NOT NULL DEFAULT '[]',
    links_extracted    TEXT    NOT NULL DEFAULT '[]',
    faq_questions      TEXT    NOT NULL DEFAULT '[]',
    last_synced_at     TEXT    NULL,
    -- Latest score card (null until scored).
    seo_score          INTEGER NULL,
    grade              TEXT    NULL,
    issue_count        INTEGER NOT NULL DEFAULT 0,
    category_scores    TEXT    NULL,
    issues             TEXT    NOT NULL DEFAULT '[]',
    recommendations    TEXT    NOT NULL DEFAULT '[]',
    measurements       TEXT    NULL,
    diagnostics        TEXT    NOT NULL DEFAULT '[]',
    ruleset_revision   INTEGER NULL,
    scored_at          TEXT    NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE UNIQUE INDEX pages_site_wp_post_key ON pages (site_id, wp_post_id);
-- At most one homepage per site (backs the "clear the others" write of a sync).
CREATE UNIQUE INDEX pages_site_homepage_key ON pages (site_id) WHERE is_homepage = 1;
CREATE INDEX pages_site_id ON pages (site_id);
CREATE INDEX pages_url ON pages (url);

-- Full-text index over title and tag-free content; rowid = pages.id, maintained by the page store.
CREATE VIRTUAL TABLE pages_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 0');

-- Plugin-measured SEO inputs, at most one record per page; `metrics` holds the fields the plugin sent.
CREATE TABLE seo_data (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id    INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    metrics    TEXT    NOT NULL DEFAULT '{}',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX seo_data_page_key ON seo_data (page_id);

-- Website scans (lead-generation audits).
CREATE TABLE scans (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id               INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    url                   TEXT    NOT NULL,
    final_url             TEXT    NULL,
    scan_type             TEXT    NOT NULL DEFAULT 'full',
    max_pages             INTEGER NOT NULL DEFAULT 25,
    status                TEXT    NOT NULL DEFAULT 'pending',
    score                 INTEGER NULL,
    grade                 TEXT    NULL,
    pages_discovered      INTEGER NOT NULL DEFAULT 0,
    pages_analyzed        INTEGER NOT NULL DEFAULT 0,
    scan_duration_seconds REAL    NULL,
    results               TEXT    NULL,
    error_message         TEXT    NOT NULL DEFAULT '',
    ruleset_revision      INTEGER NULL,
    created_at            TEXT    NOT NULL,
    started_at            TEXT    NULL,
    completed_at          TEXT    NULL
);
CREATE INDEX scans_site_id ON scans (site_id);
CREATE INDEX scans_url ON scans (url);

-- Durable job queue shared by every instance: claimed with a lease and a fencing token.
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL DEFAULT '{}',
    status           TEXT    NOT NULL DEFAULT 'queued',  -- queued | running | done | failed
    unique_key       TEXT    NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL DEFAULT 3,
    run_at           TEXT    NOT NULL,
    lease_owner      TEXT    NULL,
    lease_token      TEXT    NULL,
    lease_expires_at TEXT    NULL,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key);
CREATE INDEX jobs_claimable ON jobs (status, run_at);

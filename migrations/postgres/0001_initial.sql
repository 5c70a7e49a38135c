-- Siloq schema, PostgreSQL dialect. Versions and names mirror migrations/sqlite/; bodies are dialect-specific.
-- Every unique constraint is named so db::conflict can map a violation to a field error in one place.

-- Accounts. `email` is stored lowercased, so the unique index is case-insensitive uniqueness.
CREATE TABLE users (
    id                 BIGSERIAL   PRIMARY KEY,
    email              TEXT        NOT NULL,
    password_hash      TEXT        NOT NULL,
    first_name         TEXT        NOT NULL DEFAULT '',
    last_name          TEXT        NOT NULL DEFAULT '',
    is_active          BOOLEAN     NOT NULL DEFAULT TRUE,
    is_staff           BOOLEAN     NOT NULL DEFAULT FALSE,
    is_superuser       BOOLEAN     NOT NULL DEFAULT FALSE,
    subscription_tier  TEXT        NOT NULL DEFAULT 'free_trial',
    -- Tokens issued before this instant are rejected (password change, deactivation, "log out everywhere").
    tokens_valid_after TIMESTAMPTZ NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Login sessions ("refresh families"): one per login or registration, absolute expiry, revocable as a whole.
CREATE TABLE auth_sessions (
    id            TEXT        PRIMARY KEY,           -- the `sid` claim, 32 lowercase hex characters
    user_id       BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ NULL,
    revoke_reason TEXT        NULL
);
CREATE INDEX auth_sessions_user_id ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires_at ON auth_sessions (expires_at);

-- Refresh tokens: opaque strings, stored only as their SHA-256. Used rows stay until the session expires so that
-- reuse of a spent token can be detected.
CREATE TABLE refresh_tokens (
    token_hash  TEXT        PRIMARY KEY,
    session_id  TEXT        NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    parent_hash TEXT        NULL,
    issued_at   TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ NULL
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

-- Access tokens denied before their expiry (logout), keyed by `jti`.
CREATE TABLE token_denylist (
    jti        TEXT        PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX token_denylist_expires_at ON token_denylist (expires_at);

-- Failed logins per normalised email, so the throttle holds across instances and restarts.
CREATE TABLE login_failures (
    id        BIGSERIAL   PRIMARY KEY,
    email     TEXT        NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, failed_at);

-- Sites belong to one owner; the normalised URL is unique per owner.
CREATE TABLE sites (
    id                   BIGSERIAL   PRIMARY KEY,
    user_id              BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                 TEXT        NOT NULL,
    url                  TEXT        NOT NULL,
    url_normalized       TEXT        NOT NULL,
    wp_site_id           TEXT        NULL,
    is_active            BOOLEAN     NOT NULL DEFAULT TRUE,
    business_type        TEXT        NULL,
    primary_services     JSONB       NOT NULL DEFAULT '[]',
    service_areas        JSONB       NOT NULL DEFAULT '[]',
    target_audience      TEXT        NOT NULL DEFAULT '',
    business_description TEXT        NOT NULL DEFAULT '',
    onboarding_complete  BOOLEAN     NOT NULL DEFAULT FALSE,
    last_synced_at       TIMESTAMPTZ NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX sites_user_url_key ON sites (user_id, url_normalized);
CREATE INDEX sites_user_id ON sites (user_id);

-- Site API keys: only the SHA-256 of the key is stored.
CREATE TABLE api_keys (
    id           BIGSERIAL   PRIMARY KEY,
    site_id      BIGINT      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    key_hash     TEXT        NOT NULL,
    key_prefix   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NULL,
    revoked_at   TIMESTAMPTZ NULL,
    last_used_at TIMESTAMPTZ NULL,
    usage_count  BIGINT      NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_site_id ON api_keys (site_id);

-- Pages pushed by the WordPress plugin, natural key (site_id, wp_post_id). The latest score card lives on the row
-- so lists and filters need no join.
CREATE TABLE pages (
    id                 BIGSERIAL   PRIMARY KEY,
    site_id            BIGINT      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    wp_post_id         TEXT        NOT NULL,
    url                TEXT        NOT NULL,
    title              TEXT        NOT NULL DEFAULT '',
    slug               TEXT        NOT NULL DEFAULT 'page',
    content            TEXT        NOT NULL DEFAULT '',
    content_format     TEXT        NOT NULL DEFAULT 'html',
    excerpt            TEXT        NOT NULL DEFAULT '',
    status             TEXT        NOT NULL DEFAULT 'publish',
    post_type          TEXT        NOT NULL DEFAULT 'page',
    published_at       TIMESTAMPTZ NULL,
    modified_at        TIMESTAMPTZ NULL,
    parent_id          BIGINT      NULL,
    menu_order         BIGINT     NOT NULL DEFAULT 0,
    yoast_title        TEXT        NOT NULL DEFAULT '',
    yoast_description  TEXT        NOT NULL DEFAULT '',
    focus_keyphrase    TEXT        NOT NULL DEFAULT '',
    featured_image     TEXT        NOT NULL DEFAULT '',
    is_noindex         BOOLEAN     NOT NULL DEFAULT FALSE,
    is_homepage        BOOLEAN     NOT NULL DEFAULT FALSE,
    is_money_page      BOOLEAN     NOT NULL DEFAULT FALSE,
    author             TEXT        NOT NULL DEFAULT '',
    page_builder       TEXT        NOT NULL DEFAULT '',
    headings_extracted JSONB       NOT NULL DEFAULT '[]',
    links_extracted    JSONB       NOT NULL DEFAULT '[]',
    faq_questions      JSONB       NOT NULL DEFAULT '[]',
    last_synced_at     TIMESTAMPTZ NULL,
    -- Latest score card (null until scored).
    seo_score          BIGINT     NULL,
    grade              TEXT        NULL,
    issue_count        BIGINT     NOT NULL DEFAULT 0,
    category_scores    JSONB       NULL,
    issues             JSONB       NOT NULL DEFAULT '[]',
    recommendations    JSONB       NOT NULL DEFAULT '[]',
    measurements       JSONB       NULL,
    diagnostics        JSONB       NOT NULL DEFAULT '[]',
    ruleset_revision   BIGINT      NULL,
    scored_at          TIMESTAMPTZ NULL,
    -- Full-text vector over title and tag-free content ('simple' configuration: no stemming, no stop words).
    search_vector      TSVECTOR    NOT NULL DEFAULT ''::tsvector,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX pages_site_wp_post_key ON pages (site_id, wp_post_id);
-- At most one homepage per site (backs the "clear the others" write of a sync).
CREATE UNIQUE INDEX pages_site_homepage_key ON pages (site_id) WHERE is_homepage;
CREATE INDEX pages_site_id ON pages (site_id);
CREATE INDEX pages_url ON pages (url);
CREATE INDEX pages_search_vector ON pages USING GIN (search_vector);

-- Plugin-measured SEO inputs, at most one record per page; `metrics` holds the fields the plugin sent.
CREATE TABLE seo_data (
    id         BIGSERIAL   PRIMARY KEY,
    page_id    BIGINT      NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    metrics    JSONB       NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX seo_data_page_key ON seo_data (page_id);

-- Website scans (lead-generation audits).
CREATE TABLE scans (
    id                    BIGSERIAL   PRIMARY KEY,
    site_id               BIGINT      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    url                   TEXT        NOT NULL,
    final_url             TEXT        NULL,
    scan_type             TEXT        NOT NULL DEFAULT 'full',
    max_pages             BIGINT     NOT NULL DEFAULT 25,
    status                TEXT        NOT NULL DEFAULT 'pending',
    score                 BIGINT     NULL,
    grade                 TEXT        NULL,
    pages_discovered      BIGINT     NOT NULL DEFAULT 0,
    pages_analyzed        BIGINT     NOT NULL DEFAULT 0,
    scan_duration_seconds DOUBLE PRECISION NULL,
    results               JSONB       NULL,
    error_message         TEXT        NOT NULL DEFAULT '',
    ruleset_revision      BIGINT      NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    started_at            TIMESTAMPTZ NULL,
    completed_at          TIMESTAMPTZ NULL
);
CREATE INDEX scans_site_id ON scans (site_id);
CREATE INDEX scans_url ON scans (url);

-- Durable job queue shared by every instance: claimed with FOR UPDATE SKIP LOCKED, a lease and a fencing token.
CREATE TABLE jobs (
    id               BIGSERIAL   PRIMARY KEY,
    kind             TEXT        NOT NULL,
    payload          JSONB       NOT NULL DEFAULT '{}',
    status           TEXT        NOT NULL DEFAULT 'queued',  -- queued | running | done | failed
    unique_key       TEXT        NULL,
    attempts         BIGINT     NOT NULL DEFAULT 0,
    max_attempts     BIGINT     NOT NULL DEFAULT 3,
    run_at           TIMESTAMPTZ NOT NULL,
    lease_owner      TEXT        NULL,
    lease_token      TEXT        NULL,
    lease_expires_at TIMESTAMPTZ NULL,
    last_error       TEXT        NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key);
CREATE INDEX jobs_claimable ON jobs (status, run_at);

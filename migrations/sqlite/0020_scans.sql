-- Website scans (api.md §11): one row per scan, its crawl state for resume after a crash (JOB-4) and, once
-- completed, the derived report. Page results live in scan_pages, one row per (scan, normalised URL).
CREATE TABLE scans (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id               INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    url                   TEXT    NOT NULL,
    -- Lowercased host without a leading "www.", for the per-target quota (api.md §2.9).
    target_host           TEXT    NOT NULL,
    final_url             TEXT    NULL,
    scan_type             TEXT    NOT NULL,               -- quick | full
    max_pages             INTEGER NOT NULL,
    status                TEXT    NOT NULL DEFAULT 'pending', -- pending | processing | completed | failed
    score                 INTEGER NULL,
    grade                 TEXT    NULL,
    pages_discovered      INTEGER NOT NULL DEFAULT 0,
    pages_analyzed        INTEGER NOT NULL DEFAULT 0,
    scan_duration_seconds REAL    NULL,
    category_scores       TEXT    NULL,
    report                TEXT    NULL,
    error_message         TEXT    NOT NULL DEFAULT '',
    ruleset_revision      INTEGER NULL,
    -- The attempt that owns the scan now: progress and result writes carry it (JOB-3 fencing).
    claim_token           TEXT    NULL,
    crawl_state           TEXT    NULL,
    created_at            TEXT    NOT NULL,
    started_at            TEXT    NULL,
    completed_at          TEXT    NULL,
    updated_at            TEXT    NOT NULL
);
CREATE INDEX scans_site_created ON scans (site_id, created_at);
CREATE INDEX scans_target_created ON scans (target_host, created_at);

CREATE TABLE scan_pages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id    INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    url        TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    data       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX scan_pages_scan_url_key ON scan_pages (scan_id, url);

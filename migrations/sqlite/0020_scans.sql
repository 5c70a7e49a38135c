-- Website scans (api.md §11) on the table of 0001: the target host for the per-target quota (lowercased, leading
-- "www." removed), the derived category scores and report of a completed scan, and what resuming needs: the
-- claim token of the attempt that owns the scan (JOB-3 fencing) and its crawl state (JOB-4). The old `results`
-- column stays unused. Page results live in scan_pages, one row per (scan, normalised URL).
ALTER TABLE scans ADD COLUMN target_host TEXT NOT NULL DEFAULT '';
ALTER TABLE scans ADD COLUMN category_scores TEXT NULL;
ALTER TABLE scans ADD COLUMN report TEXT NULL;
ALTER TABLE scans ADD COLUMN claim_token TEXT NULL;
ALTER TABLE scans ADD COLUMN crawl_state TEXT NULL;
ALTER TABLE scans ADD COLUMN updated_at TEXT NULL;
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

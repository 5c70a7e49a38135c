-- API usage analytics (api.md §13): requests authenticated by each site key, per UTC day and endpoint group.
-- `day` is the ISO date text (YYYY-MM-DD) in both dialects, so the shared SQL compares it as text.
CREATE TABLE api_usage_daily (
    key_id         INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    site_id        INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    day            TEXT    NOT NULL,
    endpoint_group TEXT    NOT NULL,
    requests       INTEGER NOT NULL DEFAULT 0,
    errors         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day, endpoint_group)
);
CREATE INDEX api_usage_daily_site_day ON api_usage_daily (site_id, day);
CREATE INDEX api_usage_daily_day ON api_usage_daily (day);

-- Outbound webhooks (api.md §12): one signing secret per site, up to 10 endpoints per site, and the delivery log
-- (the exact body bytes that are signed and re-sent on every retry). `events` is a JSON array as text.
CREATE TABLE webhook_secrets (
    site_id    BIGINT      PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    secret     TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhook_endpoints (
    id                   BIGSERIAL   PRIMARY KEY,
    site_id              BIGINT      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    url                  TEXT        NOT NULL,
    description          TEXT        NOT NULL DEFAULT '',
    events               TEXT        NOT NULL,
    is_active            BOOLEAN     NOT NULL DEFAULT TRUE,
    disabled_reason      TEXT        NULL,
    last_delivery_at     TIMESTAMPTZ NULL,
    last_delivery_status TEXT        NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site_id);

CREATE TABLE webhook_deliveries (
    id              BIGSERIAL   PRIMARY KEY,
    endpoint_id     BIGINT      NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    site_id         BIGINT      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    event           TEXT        NOT NULL,
    payload         TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending',
    attempts        BIGINT      NOT NULL DEFAULT 0,
    response_status BIGINT      NULL,
    response_body   TEXT        NULL,
    error           TEXT        NULL,
    next_attempt_at TIMESTAMPTZ NULL,
    last_attempt_at TIMESTAMPTZ NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);

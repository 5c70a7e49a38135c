//! Outbound webhooks (api.md §12): per-site endpoints and signing secret, signed deliveries through the durable
//! job queue with the spec's retry schedule, a delivery log, `410 Gone` disabling an endpoint.
//!
//! * [`emit`] records one delivery per subscribed active endpoint and queues a job for it;
//! * [`deliver`] is the job: it checks the destination ([`guard`]), POSTs the stored body with
//!   `X-Siloq-Signature: sha256=<hex HMAC-SHA256>`, records the attempt and queues the next one;
//! * [`routes`] are the owner's endpoint, delivery-log and secret routes.
//!
//! STATUS: written, not yet compiled or wired (the build of the rest of the production surface took the
//! session's time). Wiring: `pub mod webhooks;` in lib.rs; `db/webhooks.rs` into `db.rs` (module, re-exports,
//! `+ WebhookStore` on `Store`, `impl_webhook_store!` in both backends); `.merge(crate::webhooks::routes())` in
//! `api_routes`; the worker handles `DELIVER` with `delivery_handler()` and `server.rs` spawns
//! `retention_loop`; `crate::webhooks::DELIVER` in `http::metrics::JOB_KINDS`; the `paths::webhooks_*` and
//! `paths::webhook_secret*` entries in `ApiDoc`; `page_events` after scoring in the two page sync handlers;
//! `reqwest` and `hmac` in kernel/Cargo.toml; the suite is `tests/pending/webhooks.rs` (move it to
//! `tests/tests/`). Migration 0031 (applied, checked on both dialects) holds the tables.

pub mod deliver;
mod events;
pub mod guard;
mod routes;
pub mod signing;

pub use deliver::{DELIVER, delivery_handler};
pub use events::{EVENTS, emit, page_events, queue_delivery};
pub use routes::routes;

/// Deletes delivery records older than `webhooks.retention_days`, hourly; backs off quietly while the database
/// is down.
pub async fn retention_loop(state: crate::http::AppState) {
    loop {
        let cutoff =
            crate::time::now() - chrono::Duration::days(state.config.webhooks.retention_days.max(1));
        if let Err(e) = state.store.prune_webhook_deliveries(cutoff).await {
            tracing::warn!(error = %e, "webhook delivery retention prune failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

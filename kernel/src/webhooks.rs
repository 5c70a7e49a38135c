//! Outbound webhooks (api.md §12): per-site endpoints and signing secret, signed deliveries through the durable
//! job queue with the spec's retry schedule, a delivery log, `410 Gone` disabling an endpoint.
//!
//! * [`events`] shapes the events of §12.4 and the envelope; the store records them in the transaction of the
//!   change that causes them (`crate::db::WebhookEvent`, an outbox of delivery rows and their first jobs);
//! * [`deliver`] is the job: it POSTs the stored body through the scanner's guarded client (`crate::egress`, so
//!   endpoint URLs follow the egress policy of §11.7 and `scanner.allow_hosts`) with
//!   `X-Siloq-Signature: sha256=<hex HMAC-SHA256>`, records the attempt and queues the next one;
//! * [`routes`] are the owner's endpoint, delivery-log and secret routes.

pub mod deliver;
pub mod events;
mod routes;
pub mod signing;

pub use deliver::{DELIVER, delivery_handler};
pub use events::{EVENTS, envelope, page_events, scan_completed, scan_failed};
pub use routes::routes;

/// Deletes delivery records older than `webhooks.retention_days`, hourly; backs off quietly while the database
/// is down.
pub async fn retention_loop(state: crate::http::AppState) {
    loop {
        let cutoff = crate::time::now()
            - chrono::Duration::days(state.config.webhooks.retention_days.max(1));
        if let Err(e) = state.store.prune_webhook_deliveries(cutoff).await {
            tracing::warn!(error = %e, "webhook delivery retention prune failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

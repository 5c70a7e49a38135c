//! Outbound webhook storage (api.md §12): the per-site signing secret, endpoints and the delivery log. Every
//! query that takes a client-supplied endpoint id is scoped by the site in the same statement; callers check the
//! site's owner first.
//!
//! Events are recorded like an outbox: [`impl_webhook_store`] gives each backend `insert_webhook_events`, which
//! other stores call inside the transaction of the change that causes the event (a score stored, a scan ended),
//! so an event is never lost between the change and its delivery records (api.md §12.4). One delivery row per
//! subscribed active endpoint, its body fixed at once (retries send the same bytes), and its first attempt queued
//! as a job in the same transaction.

use super::{SiteId, StoreResult};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// An endpoint row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookEndpointRow {
    pub id: i64,
    pub site_id: SiteId,
    pub url: String,
    pub description: String,
    /// A JSON array of event names (`["*"]` for all).
    pub events: String,
    pub is_active: bool,
    pub disabled_reason: Option<String>,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub last_delivery_status: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpointRow {
    /// True when the endpoint's `events` (a JSON array) names `event` or `*`.
    pub fn subscribes(&self, event: &str) -> bool {
        serde_json::from_str::<Vec<String>>(&self.events)
            .unwrap_or_default()
            .iter()
            .any(|e| e == "*" || e == event)
    }
}

/// An event of a site (api.md §12.4), delivered to each of its active endpoints that subscribes to it.
#[derive(Debug, Clone)]
pub struct WebhookEvent {
    pub site_id: SiteId,
    pub event: &'static str,
    pub data: Value,
}

/// What creating an endpoint did.
#[derive(Debug)]
pub enum CreateEndpoint {
    /// Created; `secret_generated` when the site had no signing secret and the one offered was stored.
    Created {
        row: Box<WebhookEndpointRow>,
        secret_generated: bool,
    },
    /// The site already has the maximum number of endpoints.
    LimitReached,
}

/// The writable fields of an endpoint, already validated.
#[derive(Debug, Clone)]
pub struct WebhookEndpointWrite {
    pub url: String,
    pub description: String,
    pub events: String,
    pub is_active: bool,
    /// Kept unless `is_active` turns true (which clears it).
    pub disabled_reason: Option<String>,
}

/// A delivery row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookDeliveryRow {
    pub id: i64,
    pub endpoint_id: i64,
    pub site_id: SiteId,
    pub event: String,
    /// The exact body bytes sent (and signed) on every attempt.
    pub payload: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub response_status: Option<i64>,
    pub response_body: Option<String>,
    pub error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What one attempt did.
#[derive(Debug, Clone)]
pub struct DeliveryAttempt {
    pub delivery_id: i64,
    pub at: DateTime<Utc>,
    /// `pending` (a retry is scheduled at `next_attempt_at`), `succeeded` or `failed`.
    pub status: String,
    pub response_status: Option<i64>,
    pub response_body: Option<String>,
    pub error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

#[async_trait::async_trait]
pub trait WebhookStore: Send + Sync {
    /// The site's signing secret and when it was set.
    async fn webhook_secret(&self, site: SiteId) -> StoreResult<Option<(String, DateTime<Utc>)>>;
    async fn set_webhook_secret(
        &self,
        site: SiteId,
        secret: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Inserts an endpoint when the site has fewer than `max` (one transaction, the site row locked, so
    /// concurrent creations cannot pass the cap together); stores `new_secret` as the site's signing secret when
    /// it has none yet.
    async fn create_webhook_endpoint(
        &self,
        site: SiteId,
        data: &WebhookEndpointWrite,
        max: i64,
        new_secret: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<CreateEndpoint>;
    async fn webhook_endpoint(&self, site: SiteId, id: i64) -> StoreResult<WebhookEndpointRow>;
    async fn list_webhook_endpoints(
        &self,
        site: SiteId,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<WebhookEndpointRow>)>;
    async fn update_webhook_endpoint(
        &self,
        site: SiteId,
        id: i64,
        data: &WebhookEndpointWrite,
        at: DateTime<Utc>,
    ) -> StoreResult<WebhookEndpointRow>;
    /// Deletes the endpoint and (by cascade) its deliveries, pending ones included.
    async fn delete_webhook_endpoint(&self, site: SiteId, id: i64) -> StoreResult<bool>;
    /// Records events that no other write carries (one transaction).
    async fn record_webhook_events(&self, events: &[WebhookEvent]) -> StoreResult<()>;
    /// Records one delivery of `event` to this endpoint whether or not it is active or subscribed (the `ping`
    /// of the test route) and queues its first attempt; returns the delivery id.
    async fn queue_webhook_delivery(
        &self,
        endpoint: &WebhookEndpointRow,
        event: &str,
        data: &Value,
    ) -> StoreResult<i64>;
    /// The delivery and its endpoint (for an attempt); `NotFound` once deleted.
    async fn webhook_delivery(
        &self,
        id: i64,
    ) -> StoreResult<(WebhookDeliveryRow, WebhookEndpointRow)>;
    /// Records an attempt on the delivery and on its endpoint (`last_delivery_*`); `disable` deactivates the
    /// endpoint with that reason (`410 Gone`); `retry` queues the next attempt. One transaction.
    async fn record_webhook_attempt(
        &self,
        attempt: &DeliveryAttempt,
        disable: Option<&str>,
        retry: Option<&super::NewJob>,
    ) -> StoreResult<()>;
    async fn list_webhook_deliveries(
        &self,
        endpoint: i64,
        status: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<WebhookDeliveryRow>)>;
    /// Deletes delivery records created before `before` (retention).
    async fn prune_webhook_deliveries(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}

pub(crate) const ENDPOINT_COLUMNS: &str = "id, site_id, url, description, events, is_active, disabled_reason, \
     last_delivery_at, last_delivery_status, created_at, updated_at";
pub(crate) const DELIVERY_COLUMNS: &str = "id, endpoint_id, site_id, event, payload, status, attempts, \
     response_status, response_body, error, next_attempt_at, last_attempt_at, created_at";

/// The first attempt of a delivery, or the next one after a failure (`attempt` counts those already made).
pub fn delivery_job(id: i64, attempt: i64, run_at: DateTime<Utc>) -> super::NewJob {
    let kind = crate::webhooks::DELIVER;
    super::NewJob {
        kind: kind.into(),
        payload: serde_json::json!({ "delivery_id": id }),
        unique_key: Some(format!("{kind}:{id}:{attempt}")),
        run_at,
        max_attempts: 3,
    }
}

/// Implements [`WebhookStore`] and the in-transaction `insert_webhook_events`; the backend must offer
/// `begin_write()` and `insert_job()`.
macro_rules! impl_webhook_store {
    ($store:ty) => {
        impl $store {
            /// Records `events` inside the caller's transaction: one delivery per active endpoint of the event's site
            /// that subscribes to it, each with its first attempt queued.
            pub(crate) async fn insert_webhook_events(
                tx: &mut sqlx::Transaction<'static, <$store as $crate::db::Backend>::Db>,
                events: &[$crate::db::WebhookEvent],
            ) -> $crate::db::StoreResult<()> {
                let now = $crate::time::now();
                let mut endpoints: Vec<$crate::db::WebhookEndpointRow> = Vec::new();
                let mut loaded: Option<$crate::db::SiteId> = None;
                for event in events {
                    if loaded != Some(event.site_id) {
                        let sql = format!(
                            "SELECT {} FROM webhook_endpoints WHERE site_id = $1 AND is_active = $2 ORDER BY id",
                            $crate::db::webhooks::ENDPOINT_COLUMNS
                        );
                        endpoints = sqlx::query_as(&sql).bind(event.site_id).bind(true).fetch_all(&mut **tx).await?;
                        loaded = Some(event.site_id);
                    }
                    for endpoint in endpoints.iter().filter(|e| e.subscribes(event.event)) {
                        Self::insert_delivery(tx, endpoint, event.event, &event.data, now).await?;
                    }
                }
                Ok(())
            }

            /// One delivery row with its exact body (which names the delivery's own id) and its first attempt.
            async fn insert_delivery(
                tx: &mut sqlx::Transaction<'static, <$store as $crate::db::Backend>::Db>,
                endpoint: &$crate::db::WebhookEndpointRow,
                event: &str,
                data: &serde_json::Value,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO webhook_deliveries (endpoint_id, site_id, event, payload, status, attempts, \
                     next_attempt_at, created_at) VALUES ($1, $2, $3, '', 'pending', 0, $4, $4) RETURNING id",
                )
                .bind(endpoint.id)
                .bind(endpoint.site_id)
                .bind(event)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?;
                let body = $crate::webhooks::envelope(id, endpoint.site_id, event, now, data);
                sqlx::query("UPDATE webhook_deliveries SET payload = $1 WHERE id = $2")
                    .bind(body)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                Self::insert_job(&mut **tx, &$crate::db::webhooks::delivery_job(id, 0, now)).await?;
                Ok(id)
            }
        }

        #[async_trait::async_trait]
        impl $crate::db::WebhookStore for $store {
            async fn webhook_secret(
                &self,
                site: $crate::db::SiteId,
            ) -> $crate::db::StoreResult<Option<(String, chrono::DateTime<chrono::Utc>)>> {
                Ok(sqlx::query_as("SELECT secret, updated_at FROM webhook_secrets WHERE site_id = $1")
                    .bind(site)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn set_webhook_secret(
                &self,
                site: $crate::db::SiteId,
                secret: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO webhook_secrets (site_id, secret, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (site_id) DO UPDATE SET secret = excluded.secret, updated_at = excluded.updated_at",
                )
                .bind(site)
                .bind(secret)
                .bind(at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn create_webhook_endpoint(
                &self,
                site: $crate::db::SiteId,
                data: &$crate::db::WebhookEndpointWrite,
                max: i64,
                new_secret: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<$crate::db::CreateEndpoint> {
                let mut tx = self.begin_write().await?;
                // Lock the site row (PostgreSQL) so concurrent creations cannot both pass the cap.
                let locked: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT id FROM sites WHERE id = $1{}",
                    <$store as $crate::db::Backend>::LOCK_ROW
                ))
                .bind(site)
                .fetch_optional(&mut *tx)
                .await?;
                if locked.is_none() {
                    return Err($crate::db::StoreError::NotFound);
                }
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints WHERE site_id = $1")
                    .bind(site)
                    .fetch_one(&mut *tx)
                    .await?;
                if count >= max {
                    return Ok($crate::db::CreateEndpoint::LimitReached);
                }
                let generated = sqlx::query(
                    "INSERT INTO webhook_secrets (site_id, secret, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (site_id) DO NOTHING",
                )
                .bind(site)
                .bind(new_secret)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                let sql = format!(
                    "INSERT INTO webhook_endpoints (site_id, url, description, events, is_active, disabled_reason, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {}",
                    $crate::db::webhooks::ENDPOINT_COLUMNS
                );
                let row = sqlx::query_as(&sql)
                    .bind(site)
                    .bind(&data.url)
                    .bind(&data.description)
                    .bind(&data.events)
                    .bind(data.is_active)
                    .bind(&data.disabled_reason)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok($crate::db::CreateEndpoint::Created {
                    row: Box::new(row),
                    secret_generated: generated.rows_affected() == 1,
                })
            }

            async fn webhook_endpoint(
                &self,
                site: $crate::db::SiteId,
                id: i64,
            ) -> $crate::db::StoreResult<$crate::db::WebhookEndpointRow> {
                let sql = format!(
                    "SELECT {} FROM webhook_endpoints WHERE id = $1 AND site_id = $2",
                    $crate::db::webhooks::ENDPOINT_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(id).bind(site).fetch_one(&self.pool).await?)
            }

            async fn list_webhook_endpoints(
                &self,
                site: $crate::db::SiteId,
                limit: i64,
                offset: i64,
            ) -> $crate::db::StoreResult<(i64, Vec<$crate::db::WebhookEndpointRow>)> {
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints WHERE site_id = $1")
                    .bind(site)
                    .fetch_one(&self.pool)
                    .await?;
                let sql = format!(
                    "SELECT {} FROM webhook_endpoints WHERE site_id = $1 \
                     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                    $crate::db::webhooks::ENDPOINT_COLUMNS
                );
                let rows = sqlx::query_as(&sql)
                    .bind(site)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                Ok((count, rows))
            }

            async fn update_webhook_endpoint(
                &self,
                site: $crate::db::SiteId,
                id: i64,
                data: &$crate::db::WebhookEndpointWrite,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<$crate::db::WebhookEndpointRow> {
                let sql = format!(
                    "UPDATE webhook_endpoints SET url = $1, description = $2, events = $3, is_active = $4, \
                     disabled_reason = $5, updated_at = $6 WHERE id = $7 AND site_id = $8 RETURNING {}",
                    $crate::db::webhooks::ENDPOINT_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(&data.url)
                    .bind(&data.description)
                    .bind(&data.events)
                    .bind(data.is_active)
                    .bind(&data.disabled_reason)
                    .bind(at)
                    .bind(id)
                    .bind(site)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn delete_webhook_endpoint(
                &self,
                site: $crate::db::SiteId,
                id: i64,
            ) -> $crate::db::StoreResult<bool> {
                let done = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1 AND site_id = $2")
                    .bind(id)
                    .bind(site)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn record_webhook_events(
                &self,
                events: &[$crate::db::WebhookEvent],
            ) -> $crate::db::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::insert_webhook_events(&mut tx, events).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn queue_webhook_delivery(
                &self,
                endpoint: &$crate::db::WebhookEndpointRow,
                event: &str,
                data: &serde_json::Value,
            ) -> $crate::db::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let id = Self::insert_delivery(&mut tx, endpoint, event, data, $crate::time::now()).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn webhook_delivery(
                &self,
                id: i64,
            ) -> $crate::db::StoreResult<($crate::db::WebhookDeliveryRow, $crate::db::WebhookEndpointRow)> {
                let sql = format!(
                    "SELECT {} FROM webhook_deliveries WHERE id = $1",
                    $crate::db::webhooks::DELIVERY_COLUMNS
                );
                let delivery: $crate::db::WebhookDeliveryRow =
                    sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?;
                let endpoint = self.webhook_endpoint(delivery.site_id, delivery.endpoint_id).await?;
                Ok((delivery, endpoint))
            }

            async fn record_webhook_attempt(
                &self,
                attempt: &$crate::db::DeliveryAttempt,
                disable: Option<&str>,
                retry: Option<&$crate::db::NewJob>,
            ) -> $crate::db::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let endpoint: Option<i64> = sqlx::query_scalar(
                    "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, response_status = $2, \
                     response_body = $3, error = $4, next_attempt_at = $5, last_attempt_at = $6 \
                     WHERE id = $7 RETURNING endpoint_id",
                )
                .bind(&attempt.status)
                .bind(attempt.response_status)
                .bind(&attempt.response_body)
                .bind(&attempt.error)
                .bind(attempt.next_attempt_at)
                .bind(attempt.at)
                .bind(attempt.delivery_id)
                .fetch_optional(&mut *tx)
                .await?;
                // Deleted meanwhile (with its endpoint): nothing to record, nothing to retry.
                let Some(endpoint) = endpoint else {
                    return Ok(());
                };
                // The endpoint shows the outcome of its latest attempt: `failed` while retries are pending.
                let shown = if attempt.status == "succeeded" { "succeeded" } else { "failed" };
                sqlx::query("UPDATE webhook_endpoints SET last_delivery_at = $1, last_delivery_status = $2 WHERE id = $3")
                    .bind(attempt.at)
                    .bind(shown)
                    .bind(endpoint)
                    .execute(&mut *tx)
                    .await?;
                if let Some(reason) = disable {
                    sqlx::query(
                        "UPDATE webhook_endpoints SET is_active = $1, disabled_reason = $2, updated_at = $3 WHERE id = $4",
                    )
                    .bind(false)
                    .bind(reason)
                    .bind(attempt.at)
                    .bind(endpoint)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(job) = retry {
                    Self::insert_job(&mut *tx, job).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn list_webhook_deliveries(
                &self,
                endpoint: i64,
                status: Option<&str>,
                limit: i64,
                offset: i64,
            ) -> $crate::db::StoreResult<(i64, Vec<$crate::db::WebhookDeliveryRow>)> {
                const WHERE: &str = "WHERE endpoint_id = $1 AND ($2 IS NULL OR status = $2)";
                let count: i64 =
                    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM webhook_deliveries {WHERE}"))
                        .bind(endpoint)
                        .bind(status)
                        .fetch_one(&self.pool)
                        .await?;
                let sql = format!(
                    "SELECT {} FROM webhook_deliveries {WHERE} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
                    $crate::db::webhooks::DELIVERY_COLUMNS
                );
                let rows = sqlx::query_as(&sql)
                    .bind(endpoint)
                    .bind(status)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                Ok((count, rows))
            }

            async fn prune_webhook_deliveries(
                &self,
                before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<u64> {
                let done = sqlx::query("DELETE FROM webhook_deliveries WHERE created_at < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}
pub(crate) use impl_webhook_store;

//! One delivery attempt, run as a durable job (`webhook.deliver`, payload `{"delivery_id": N}`).
//!
//! The POST goes through the scanner's guarded client (`crate::egress`, security.md §9): the egress policy checks
//! the URL, names resolve through the guarded resolver and the connection goes only to an address that passed;
//! no proxy, no redirects followed (a 3xx is a failure). Success is a 2xx within `webhooks.timeout_secs`. After a
//! failure the next attempt is queued at the schedule's delay (±20 % jitter), 7 attempts in all with the default
//! schedule; `410 Gone` stops retrying and deactivates the endpoint; a blocked destination fails at once.

use crate::db::{DeliveryAttempt, StoreError, WebhookDeliveryRow, WebhookEndpointRow};
use crate::egress::{FetchError, GuardedClient, Limits};
use crate::http::AppState;
use crate::jobs::{Handler, JobError};
use rand::Rng as _;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Job kind of a delivery attempt.
pub const DELIVER: &str = "webhook.deliver";
/// The response body kept in the log.
const KEPT_BODY_BYTES: usize = 1024;
const USER_AGENT: &str = "Siloq-Webhooks/1.0";

/// The handler the job worker runs for [`DELIVER`].
pub fn delivery_handler() -> Handler {
    Arc::new(|state: AppState, payload: Value| {
        Box::pin(async move {
            let id = payload["delivery_id"]
                .as_i64()
                .ok_or_else(|| JobError::permanent("payload lacks delivery_id"))?;
            attempt(&state, id).await
        })
    })
}

/// What an attempt ended with.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Succeeded(u16, String),
    /// `410 Gone`: no retry, the endpoint is deactivated.
    Gone(String),
    /// A failure that is retried (`http_status`, `timeout`, `connect_error`, ...).
    Retry {
        error: &'static str,
        status: Option<u16>,
        body: Option<String>,
    },
    /// A failure that is not retried (`destination_blocked`, `no_secret`).
    Final(&'static str),
}

impl Outcome {
    fn retry(error: &'static str) -> Self {
        Self::Retry {
            error,
            status: None,
            body: None,
        }
    }
}

async fn attempt(state: &AppState, id: i64) -> Result<(), JobError> {
    let (delivery, endpoint) = match state.store.webhook_delivery(id).await {
        Ok(found) => found,
        // The endpoint (or its site) was deleted: its pending deliveries are cancelled.
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(JobError::retry(e.to_string())),
    };
    if delivery.status != "pending" {
        return Ok(());
    }
    let outcome = send(state, &delivery, &endpoint).await;
    let now = crate::time::now();
    let attempts = delivery.attempts + 1;
    let mut record = DeliveryAttempt {
        delivery_id: id,
        at: now,
        status: "failed".into(),
        response_status: None,
        response_body: None,
        error: None,
        next_attempt_at: None,
    };
    let mut disable = None;
    let mut retry = None;
    let label = match outcome {
        Outcome::Succeeded(status, body) => {
            record.status = "succeeded".into();
            record.response_status = Some(i64::from(status));
            record.response_body = Some(body);
            "succeeded"
        }
        Outcome::Gone(body) => {
            record.response_status = Some(410);
            record.response_body = Some(body);
            record.error = Some("gone".into());
            disable = Some("gone");
            "gone"
        }
        Outcome::Final(error) => {
            record.error = Some(error.into());
            error
        }
        Outcome::Retry {
            error,
            status,
            body,
        } => {
            record.error = Some(error.into());
            record.response_status = status.map(i64::from);
            record.response_body = body;
            let schedule = &state.config.webhooks.retry_schedule_secs;
            match usize::try_from(delivery.attempts)
                .ok()
                .and_then(|i| schedule.get(i))
            {
                Some(delay) => {
                    let at = now + jitter(*delay);
                    record.status = "pending".into();
                    record.next_attempt_at = Some(at);
                    retry = Some(crate::db::delivery_job(id, attempts, at));
                    "retry"
                }
                None => "failed",
            }
        }
    };
    // The attempt, the endpoint's state and the next attempt's job are one transaction: a crash never leaves a
    // `pending` delivery without a job.
    state
        .store
        .record_webhook_attempt(&record, disable, retry.as_ref())
        .await
        .map_err(|e| JobError::retry(e.to_string()))?;
    state.metrics.webhook_delivery(&delivery.event, label);
    tracing::info!(
        delivery_id = id,
        endpoint_id = endpoint.id,
        event = %delivery.event,
        attempt = attempts,
        outcome = label,
        "webhook delivery attempt"
    );
    Ok(())
}

/// `delay` seconds ±20 %.
fn jitter(delay_secs: u64) -> chrono::Duration {
    let factor = rand::thread_rng().gen_range(0.8..=1.2);
    chrono::Duration::milliseconds((delay_secs as f64 * factor * 1000.0) as i64)
}

/// The guarded client of deliveries: the scanner's egress policy and allow-list, no redirects, the delivery
/// timeout for the whole exchange.
fn client(state: &AppState) -> Result<GuardedClient, FetchError> {
    let timeout = Duration::from_secs(state.config.webhooks.timeout_secs.max(1));
    let connect = Duration::from_secs(state.config.scanner.connect_timeout_secs.max(1));
    crate::egress::configured_client(
        &state.config.scanner,
        Limits {
            connect_timeout: connect.min(timeout),
            request_timeout: timeout,
            max_redirects: 0,
            user_agent: USER_AGENT.into(),
        },
    )
}

async fn send(
    state: &AppState,
    delivery: &WebhookDeliveryRow,
    endpoint: &WebhookEndpointRow,
) -> Outcome {
    // A URL that no longer parses cannot be reached: the policy's verdict (`destination_blocked`).
    let Ok(url) = url::Url::parse(&endpoint.url) else {
        return Outcome::Final(FetchError::Blocked.code());
    };
    let secret = match state.store.webhook_secret(endpoint.site_id).await {
        Ok(Some((secret, _))) => secret,
        Ok(None) => return Outcome::Final("no_secret"),
        Err(_) => return Outcome::retry("internal_error"),
    };
    let Ok(client) = client(state) else {
        return Outcome::retry("internal_error");
    };
    let body = delivery.payload.as_bytes().to_vec();
    let signature = super::signing::signature(&secret, &body);
    let delivery_id = delivery.id.to_string();
    let headers = [
        ("content-type", "application/json"),
        ("x-siloq-event", delivery.event.as_str()),
        ("x-siloq-delivery", delivery_id.as_str()),
        ("x-siloq-signature", signature.as_str()),
    ];
    match client.post(&url, &headers, body, KEPT_BODY_BYTES).await {
        Ok(answer) => classify(answer.status, &answer.body),
        Err(FetchError::Blocked) => {
            tracing::warn!(
                endpoint_id = endpoint.id,
                "webhook delivery blocked by the egress policy"
            );
            Outcome::Final(FetchError::Blocked.code())
        }
        Err(e) => Outcome::retry(e.code()),
    }
}

/// A 2xx succeeds, `410` disables, anything else (redirects included) is retried.
fn classify(status: u16, body: &[u8]) -> Outcome {
    let kept = String::from_utf8_lossy(body).into_owned();
    match status {
        200..=299 => Outcome::Succeeded(status, kept),
        410 => Outcome::Gone(kept),
        _ => Outcome::Retry {
            error: "http_status",
            status: Some(status),
            body: Some(kept),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_2xx_succeeds_and_redirects_are_failures() {
        assert_eq!(classify(204, b""), Outcome::Succeeded(204, String::new()));
        assert_eq!(classify(410, b"bye"), Outcome::Gone("bye".into()));
        for status in [301, 302, 307, 400, 500, 503] {
            assert!(
                matches!(classify(status, b""), Outcome::Retry { error: "http_status", status: Some(s), .. } if s == status),
                "{status}"
            );
        }
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        for _ in 0..100 {
            let d = jitter(60).num_milliseconds();
            assert!((48_000..=72_000).contains(&d), "{d}");
        }
    }
}

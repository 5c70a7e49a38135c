//! One delivery attempt, run as a durable job (`webhook.deliver`, payload `{"delivery_id": N}`).
//!
//! Success is a 2xx within `webhooks.timeout_secs` (10 s); redirects are not followed and count as failures. After
//! a failure the next attempt is queued as a new job at the schedule's delay (±20 % jitter), 7 attempts in all;
//! `410 Gone` stops retrying and deactivates the endpoint; a blocked destination fails at once.

use super::guard::{AddressPolicy, EgressError, EgressGuard};
use crate::db::{DeliveryAttempt, NewJob, StoreError, WebhookDeliveryRow, WebhookEndpointRow};
use crate::http::AppState;
use crate::jobs::{Handler, JobError};
use rand::Rng as _;
use serde_json::{Value, json};
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
    /// A failure that is not retried (`destination_blocked`, `no_secret`, `invalid_url`).
    Final(&'static str),
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
    let schedule = &state.config.webhooks.retry_schedule_secs;
    let mut record = DeliveryAttempt {
        delivery_id: id,
        at: now,
        status: "failed".into(),
        response_status: None,
        response_body: None,
        error: None,
        next_attempt_at: None,
    };
    let mut retry_at = None;
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
            state
                .store
                .disable_webhook_endpoint(endpoint.id, "gone", now)
                .await
                .map_err(|e| JobError::retry(e.to_string()))?;
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
            if let Some(delay) = usize::try_from(attempts - 1)
                .ok()
                .and_then(|i| schedule.get(i))
            {
                let jittered = jitter(*delay);
                let at = now + chrono::Duration::milliseconds(jittered.as_millis() as i64);
                record.status = "pending".into();
                record.next_attempt_at = Some(at);
                retry_at = Some(at);
                "retry"
            } else {
                "failed"
            }
        }
    };
    state.metrics.webhook_delivery(&delivery.event, label);
    state
        .store
        .record_webhook_attempt(&record)
        .await
        .map_err(|e| JobError::retry(e.to_string()))?;
    if let Some(run_at) = retry_at {
        state
            .store
            .enqueue_job(&NewJob {
                kind: DELIVER.into(),
                payload: json!({ "delivery_id": id }),
                unique_key: Some(format!("{DELIVER}:{id}:{attempts}")),
                run_at,
                max_attempts: 3,
            })
            .await
            .map_err(|e| JobError::retry(e.to_string()))?;
    }
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

/// `delay` ±20 %.
fn jitter(delay_secs: u64) -> Duration {
    let factor = rand::thread_rng().gen_range(0.8..=1.2);
    Duration::from_secs_f64(delay_secs as f64 * factor)
}

async fn send(
    state: &AppState,
    delivery: &WebhookDeliveryRow,
    endpoint: &WebhookEndpointRow,
) -> Outcome {
    let Ok(url) = url::Url::parse(&endpoint.url) else {
        return Outcome::Final("invalid_url");
    };
    let secret = match state.store.webhook_secret(endpoint.site_id).await {
        Ok(Some((secret, _))) => secret,
        Ok(None) => return Outcome::Final("no_secret"),
        Err(_) => {
            return Outcome::Retry {
                error: "internal_error",
                status: None,
                body: None,
            };
        }
    };
    let guard = AddressPolicy {
        allow_hosts: state.config.webhooks.allow_hosts.clone(),
    };
    let addrs = match guard.resolve(&url).await {
        Ok(addrs) => addrs,
        Err(EgressError::Blocked) => {
            tracing::warn!(endpoint_id = endpoint.id, host = ?url.host_str(), "webhook egress blocked");
            return Outcome::Final("destination_blocked");
        }
        Err(EgressError::Dns) => {
            return Outcome::Retry {
                error: "dns_error",
                status: None,
                body: None,
            };
        }
    };
    let timeout = Duration::from_secs(state.config.webhooks.timeout_secs.max(1));
    // Connect to the address that was checked, never to a second lookup (DNS rebinding), with no proxy.
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_secs(5).min(timeout))
        .timeout(timeout);
    if let Some(host) = url.host_str() {
        builder = builder.resolve_to_addrs(host, &addrs);
    }
    let Ok(client) = builder.build() else {
        return Outcome::Retry {
            error: "internal_error",
            status: None,
            body: None,
        };
    };
    let body = delivery.payload.as_bytes().to_vec();
    let request = client
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", USER_AGENT)
        .header("x-siloq-event", &delivery.event)
        .header("x-siloq-delivery", delivery.id.to_string())
        .header("x-siloq-signature", super::signing::signature(&secret, &body))
        .body(body);
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let kept = first_bytes(response).await;
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
        Err(e) if e.is_timeout() => Outcome::Retry {
            error: "timeout",
            status: None,
            body: None,
        },
        Err(e) if e.is_connect() => Outcome::Retry {
            error: "connect_error",
            status: None,
            body: None,
        },
        Err(_) => Outcome::Retry {
            error: "request_error",
            status: None,
            body: None,
        },
    }
}

/// The first KiB of the answer (lossy UTF-8), reading no more than that.
async fn first_bytes(mut response: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < KEPT_BODY_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            _ => break,
        }
    }
    kept.truncate(KEPT_BODY_BYTES);
    String::from_utf8_lossy(&kept).into_owned()
}

//! Recording events: one delivery per subscribed active endpoint, with the exact body that every attempt sends.

use crate::db::{NewJob, SiteId, StoreResult, WebhookEndpointRow};
use crate::http::AppState;
use serde_json::{Value, json};

/// The event names of api.md §12.4.
pub const EVENTS: &[&str] = &[
    "page.synced",
    "page.scored",
    "scan.completed",
    "scan.failed",
    "ping",
];

/// True when the endpoint's `events` (a JSON array) names `event` or `*`.
pub(super) fn subscribes(endpoint: &WebhookEndpointRow, event: &str) -> bool {
    serde_json::from_str::<Vec<String>>(&endpoint.events)
        .unwrap_or_default()
        .iter()
        .any(|e| e == "*" || e == event)
}

/// Queues `event` for every active endpoint of the site that subscribes to it.
pub async fn emit(state: &AppState, site: SiteId, event: &str, data: Value) -> StoreResult<()> {
    for endpoint in state.store.active_webhook_endpoints(site).await? {
        if subscribes(&endpoint, event) {
            queue_delivery(state, &endpoint, event, data.clone()).await?;
        }
    }
    Ok(())
}

/// Records one delivery (its body fixed now, so retries send the same bytes) and queues its first attempt.
pub async fn queue_delivery(
    state: &AppState,
    endpoint: &WebhookEndpointRow,
    event: &str,
    data: Value,
) -> StoreResult<i64> {
    let now = crate::time::now();
    let id = state
        .store
        .create_webhook_delivery(endpoint, event, "", now)
        .await?;
    let body = json!({
        "event": event, "event_type": event, "delivery_id": id, "site_id": endpoint.site_id,
        "created_at": crate::time::format(&now), "data": data,
    });
    state
        .store
        .set_webhook_delivery_payload(id, &body.to_string())
        .await?;
    state
        .store
        .enqueue_job(&NewJob {
            kind: super::DELIVER.into(),
            payload: json!({ "delivery_id": id }),
            unique_key: Some(format!("{}:{id}:0", super::DELIVER)),
            run_at: now,
            max_attempts: 3,
        })
        .await?;
    Ok(id)
}

/// The page events of a sync (`synced: Some(created)`) or an SEO-data upsert (`None`): `page.synced` after every
/// sync, `page.scored` when the score, the issue count or the revision changed (a first scoring included).
/// `page` is the row as it was before scoring. A failure to record them is logged; it never fails the request.
pub async fn page_events(
    state: &AppState,
    page: &crate::db::PageRecord,
    synced: Option<bool>,
    scored: Option<&crate::db::StoredScore>,
) {
    let endpoints = match state.store.active_webhook_endpoints(page.site_id).await {
        Ok(endpoints) if endpoints.is_empty() => return,
        Ok(endpoints) => endpoints,
        Err(e) => {
            tracing::warn!(page_id = page.id.0, error = %e, "webhook events not recorded");
            return;
        }
    };
    let wp_post_id = crate::pages::views::wp_post_id_value(&page.wp_post_id);
    let mut events = Vec::new();
    if let Some(created) = synced {
        let seo_score = scored.map_or(page.seo_score, |s| s.seo_score);
        events.push((
            "page.synced",
            json!({
                "page_id": page.id, "wp_post_id": wp_post_id, "url": page.url, "title": page.title,
                "created": created, "seo_score": seo_score,
            }),
        ));
    }
    if let Some(s) = scored
        && (s.seo_score != page.seo_score
            || s.issue_count != page.issue_count
            || s.ruleset_revision != page.ruleset_revision
            || page.scored_at.is_none())
    {
        events.push((
            "page.scored",
            json!({
                "page_id": page.id, "wp_post_id": wp_post_id, "url": page.url, "seo_score": s.seo_score,
                "previous_score": page.seo_score, "grade": s.grade, "issue_count": s.issue_count,
                "ruleset_revision": s.ruleset_revision,
            }),
        ));
    }
    for (event, data) in events {
        for endpoint in endpoints.iter().filter(|e| subscribes(e, event)) {
            if let Err(e) = queue_delivery(state, endpoint, event, data.clone()).await {
                tracing::warn!(page_id = page.id.0, event, error = %e, "webhook event not recorded");
            }
        }
    }
}

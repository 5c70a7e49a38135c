//! The events of api.md §12.4 and the envelope every delivery sends. Events are recorded by the store in the
//! transaction of the change that causes them ([`crate::db::WebhookEvent`]); this module only shapes them.

use crate::db::{PageRecord, ScanOutcome, ScanRow, SiteId, StoredScore, WebhookEvent};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The event names of api.md §12.4.
pub const EVENTS: &[&str] = &[
    "page.synced",
    "page.scored",
    "scan.completed",
    "scan.failed",
    "ping",
];

/// The exact body of a delivery (signed, and sent unchanged on every retry).
pub fn envelope(
    delivery_id: i64,
    site: SiteId,
    event: &str,
    created_at: DateTime<Utc>,
    data: &Value,
) -> String {
    json!({
        "event": event, "event_type": event, "delivery_id": delivery_id, "site_id": site,
        "created_at": crate::time::format(&created_at), "data": data,
    })
    .to_string()
}

/// The page events of a scoring: `page.synced` when it belongs to a sync (`synced: Some(created)`), and
/// `page.scored` when the score, the issue count or the revision changed, or the page had never been scored.
/// `page` is the row as it was before scoring; `scored` is `None` when the sync's scoring was deferred.
pub fn page_events(
    page: &PageRecord,
    synced: Option<bool>,
    scored: Option<&StoredScore>,
) -> Vec<WebhookEvent> {
    let wp_post_id = crate::pages::views::wp_post_id_value(&page.wp_post_id);
    let mut events = Vec::new();
    if let Some(created) = synced {
        let seo_score = scored.map_or(page.seo_score, |s| s.seo_score);
        events.push(WebhookEvent {
            site_id: page.site_id,
            event: "page.synced",
            data: json!({
                "page_id": page.id, "wp_post_id": wp_post_id, "url": page.url, "title": page.title,
                "created": created, "seo_score": seo_score,
            }),
        });
    }
    if let Some(s) = scored
        && (s.seo_score != page.seo_score
            || s.issue_count != page.issue_count
            || s.ruleset_revision != page.ruleset_revision
            || page.scored_at.is_none())
    {
        events.push(WebhookEvent {
            site_id: page.site_id,
            event: "page.scored",
            data: json!({
                "page_id": page.id, "wp_post_id": wp_post_id, "url": page.url, "seo_score": s.seo_score,
                "previous_score": page.seo_score, "grade": s.grade, "issue_count": s.issue_count,
                "ruleset_revision": s.ruleset_revision,
            }),
        });
    }
    events
}

/// `scan.completed`.
pub fn scan_completed(scan: &ScanRow, outcome: &ScanOutcome) -> WebhookEvent {
    WebhookEvent {
        site_id: scan.site_id,
        event: "scan.completed",
        data: json!({
            "scan_id": scan.id, "url": scan.url, "scan_type": scan.scan_type, "score": outcome.score,
            "grade": outcome.grade, "pages_analyzed": outcome.pages_analyzed,
        }),
    }
}

/// `scan.failed`.
pub fn scan_failed(scan: &ScanRow, error_message: &str) -> WebhookEvent {
    WebhookEvent {
        site_id: scan.site_id,
        event: "scan.failed",
        data: json!({
            "scan_id": scan.id, "url": scan.url, "scan_type": scan.scan_type, "error_message": error_message,
        }),
    }
}

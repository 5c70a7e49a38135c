//! Counting: the task-local slot the site-key check fills, the middleware that reads it, and the buffer.

use super::RETENTION_DAYS;
use crate::db::{ApiKeyId, SiteId, UsageIncrement, UsageStatsStore};
use crate::http::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

tokio::task_local! {
    /// The key that authenticated the request being served by this task, if any.
    static AUTHENTICATED_KEY: Cell<Option<(ApiKeyId, SiteId)>>;
}

/// Called by the site-key check once a key passed it. Outside a counted request (CLI, jobs) it does nothing.
pub fn note_key(key: ApiKeyId, site: SiteId) {
    let _ = AUTHENTICATED_KEY.try_with(|slot| slot.set(Some((key, site))));
}

/// Middleware: serves the request inside a fresh slot and counts it when a site key authenticated it.
pub async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (response, key) = AUTHENTICATED_KEY
        .scope(Cell::new(None), async move {
            let response = next.run(req).await;
            (response, AUTHENTICATED_KEY.with(Cell::get))
        })
        .await;
    if let Some((key, site)) = key {
        let group = endpoint_group(crate::http::metrics::route_template(&response));
        let error = response.status().as_u16() >= 400;
        state.usage_stats.record(key, site, group, error);
    }
    response
}

/// The endpoint group of a route template: its first segment under `/api/v1/` (`pages`, `auth`, `scans`, ...).
fn endpoint_group(template: Option<&str>) -> String {
    template
        .and_then(|t| t.strip_prefix("/api/v1/"))
        .and_then(|rest| rest.split('/').next())
        .filter(|g| !g.is_empty())
        .unwrap_or("other")
        .to_owned()
}

/// (key, site, day, group) -> (requests, errors).
type Pending = HashMap<(ApiKeyId, SiteId, String, String), (i64, i64)>;

/// Entries kept at most while the database is down; beyond that new entries are dropped with a warning.
const MAX_PENDING: usize = 100_000;
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

#[derive(Default)]
pub struct UsageCounter {
    pending: Mutex<Pending>,
    last_prune: Mutex<Option<Instant>>,
    /// Serialises flushes, so a reader that flushes before reading sees every count recorded before it.
    flushing: tokio::sync::Mutex<()>,
}

impl UsageCounter {
    pub fn record(&self, key: ApiKeyId, site: SiteId, group: String, error: bool) {
        let day = crate::time::now().date_naive().to_string();
        self.add(key, site, day, group, 1, i64::from(error));
    }

    fn add(
        &self,
        key: ApiKeyId,
        site: SiteId,
        day: String,
        group: String,
        requests: i64,
        errors: i64,
    ) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let entry_key = (key, site, day, group);
        if pending.len() >= MAX_PENDING && !pending.contains_key(&entry_key) {
            tracing::warn!(key_id = key.0, "usage analytics buffer full; count dropped");
            return;
        }
        let entry = pending.entry(entry_key).or_insert((0, 0));
        entry.0 += requests;
        entry.1 += errors;
    }

    /// Writes the gathered counts in one transaction; on failure they return to the buffer. Prunes rows older
    /// than the retention about once an hour.
    pub async fn flush(&self, store: &dyn UsageStatsStore) -> crate::db::StoreResult<()> {
        let _one_at_a_time = self.flushing.lock().await;
        let batch: Vec<UsageIncrement> = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending
                .drain()
                .map(
                    |((key_id, site_id, day, endpoint_group), (requests, errors))| UsageIncrement {
                        key_id,
                        site_id,
                        day,
                        endpoint_group,
                        requests,
                        errors,
                    },
                )
                .collect()
        };
        if !batch.is_empty()
            && let Err(e) = store.add_usage(&batch).await
        {
            tracing::warn!(error = %e, rows = batch.len(), "usage analytics flush failed; will retry");
            for u in batch {
                self.add(
                    u.key_id,
                    u.site_id,
                    u.day,
                    u.endpoint_group,
                    u.requests,
                    u.errors,
                );
            }
            return Err(e);
        }
        let due = {
            let mut last = self.last_prune.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|at| at.elapsed() >= PRUNE_EVERY);
            if due {
                *last = Some(Instant::now());
            }
            due
        };
        if due {
            let cutoff = (crate::time::now() - chrono::Duration::days(RETENTION_DAYS))
                .date_naive()
                .to_string();
            if let Err(e) = store.prune_usage(&cutoff).await {
                tracing::warn!(error = %e, "usage analytics retention prune failed");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_the_first_segment() {
        assert_eq!(endpoint_group(Some("/api/v1/pages/{id}/seo-data")), "pages");
        assert_eq!(endpoint_group(Some("/api/v1/auth/verify")), "auth");
        assert_eq!(endpoint_group(None), "other");
    }

    #[tokio::test]
    async fn the_slot_is_per_request() {
        let seen = AUTHENTICATED_KEY
            .scope(Cell::new(None), async {
                note_key(ApiKeyId(4), SiteId(1));
                AUTHENTICATED_KEY.with(Cell::get)
            })
            .await;
        assert_eq!(seen, Some((ApiKeyId(4), SiteId(1))));
        // Outside a scope nothing happens (and nothing panics).
        note_key(ApiKeyId(5), SiteId(1));
    }
}

//! Background re-scoring (extensions.md §6.7): an activation queues one `rulesets.rescore_pages` job per site
//! with pages scored under another revision. A job works in batches of 200 pages in id order, selecting the
//! site's pages whose `ruleset_revision` differs from the active revision, so a job resumed after a crash (its
//! lease expired, another instance claimed it) simply finds the pages still left. Jobs are claimed with leases
//! by any instance; a job runs only on an instance that serves the active revision, and otherwise is retried.

use crate::db::{NewJob, PageId, SiteId, StoreError, StoreResult};
use crate::http::AppState;
use crate::jobs::{Handler, JobError};
use serde_json::{Value, json};

/// The job kind.
pub const RESCORE_PAGES: &str = "rulesets.rescore_pages";
/// Pages per batch.
pub const BATCH: i64 = 200;

/// Queues a job for every site with stale pages (deduplicated per site while one is pending); answers the number
/// of pages waiting.
pub async fn enqueue_all(state: &AppState, revision: i64) -> StoreResult<i64> {
    for site in state.store.sites_to_rescore(revision).await? {
        enqueue(state, site).await?;
    }
    state.store.rescore_pending(revision).await
}

async fn enqueue(state: &AppState, site: SiteId) -> StoreResult<()> {
    let job = NewJob {
        kind: RESCORE_PAGES.into(),
        payload: json!({ "site_id": site.0 }),
        unique_key: Some(format!("{RESCORE_PAGES}:{}", site.0)),
        run_at: crate::time::now(),
        max_attempts: 10,
    };
    state.store.enqueue_job(&job).await.map(|_| ())
}

/// The job handler.
pub fn handler() -> Handler {
    std::sync::Arc::new(|state: AppState, payload: Value| {
        Box::pin(async move {
            let Some(site) = payload["site_id"].as_i64() else {
                return Err(JobError::permanent("payload lacks site_id"));
            };
            rescore_site(&state, SiteId(site)).await
        })
    })
}

fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::retry(e.to_string())
}

/// Brings every page of a site to the active revision. The active revision is read again before every batch; when
/// it changes mid-way, the walk starts over under the new one.
pub async fn rescore_site(state: &AppState, site: SiteId) -> Result<(), JobError> {
    let mut revision = None;
    let mut after = PageId(0);
    loop {
        let Some(active) = state.store.active_ruleset().await.map_err(retry)? else {
            return Ok(());
        };
        if revision != Some(active.revision) {
            revision = Some(active.revision);
            after = PageId(0);
        }
        // Score only under the active revision: an instance still loading it leaves the job to a retry.
        let _ = super::activation::converge_now(state).await;
        let serving = state.extensions.active().map(|r| r.revision());
        if serving != Some(active.revision) {
            return Err(JobError::retry(format!(
                "this instance does not serve revision {} yet",
                active.revision
            )));
        }
        let ids = state
            .store
            .pages_to_rescore(site, active.revision, after, BATCH)
            .await
            .map_err(retry)?;
        let Some(last) = ids.last().copied() else {
            return Ok(());
        };
        for id in ids {
            let page = match state.store.page_of_site(site, id).await {
                Ok(page) => page,
                // Deleted meanwhile.
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(retry(e)),
            };
            let seo = state.store.seo_data(id).await.map_err(retry)?;
            if crate::pages::pipeline::score_and_store_background(state, &page, seo.as_ref())
                .await
                .is_none()
            {
                // It stays stale; the next activation or sweep picks it up, and progress shows it as pending.
                tracing::warn!(page_id = id.0, "page not re-scored");
            }
        }
        after = last;
    }
}

//! The durable scan job (api.md §11.1, security.md §13): any instance's worker claims it; the attempt takes
//! the scan with a fresh claim token, crawls from the saved state, and ends the scan `completed` or `failed`.
//! An instance that shuts down mid-scan saves its frontier and hands the job back (queued again at once, the
//! attempt not counted, so another instance resumes it without waiting for the lease); a crashed one loses its lease and the job is claimed again. A scan older than
//! `scanner.stuck_after_secs` is failed with `timeout`, so it never stays `processing` forever.

use super::crawl::{Crawler, Stop};
use super::judge::{self, PageFetch};
use super::report;
use crate::db::{NewJob, ScanOutcome, ScanRow, StoreError};
use crate::egress::{GuardedClient, Limits};
use crate::http::AppState;
use crate::jobs::{Handler, JobError};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Job kind of a scan.
pub const SCAN_JOB: &str = "scan.run";

/// Queues the job of a new scan.
pub async fn enqueue(state: &AppState, scan_id: i64) -> crate::db::StoreResult<()> {
    let job = NewJob {
        kind: SCAN_JOB.into(),
        payload: json!({ "scan_id": scan_id }),
        unique_key: Some(format!("{SCAN_JOB}:{scan_id}")),
        run_at: crate::time::now(),
        max_attempts: state.config.scanner.max_attempts,
    };
    state.store.enqueue_job(&job).await.map(|_| ())
}

/// The guarded client configured from `[scanner]`.
pub fn client(state: &AppState) -> Result<GuardedClient, crate::egress::FetchError> {
    let config = &state.config.scanner;
    crate::egress::configured_client(
        config,
        Limits {
            connect_timeout: Duration::from_secs(config.connect_timeout_secs),
            request_timeout: Duration::from_secs(config.request_timeout_secs),
            max_redirects: config.max_redirects,
            user_agent: config.user_agent.clone(),
        },
    )
}

/// The job handler registered with the worker.
pub fn handler() -> Handler {
    Arc::new(|state: AppState, payload: Value| Box::pin(async move { run(state, payload).await }))
}

async fn run(state: AppState, payload: Value) -> Result<(), JobError> {
    let Some(id) = payload["scan_id"].as_i64() else {
        return Err(JobError::permanent("payload lacks scan_id"));
    };
    let scan = match state.store.scan_by_id(id).await {
        Ok(scan) => scan,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(JobError::retry(e.to_string())),
    };
    if !matches!(scan.status.as_str(), "pending" | "processing") {
        return Ok(());
    }
    if fail_if_stuck(&state, &scan).await {
        return Ok(());
    }
    let token = crate::auth::jwt::random_hex_id();
    let scan = match state.store.claim_scan(id, &token).await {
        Ok(Some(scan)) => scan,
        Ok(None) => return Ok(()),
        Err(e) => return Err(JobError::retry(e.to_string())),
    };
    let Ok(client) = client(&state) else {
        fail(&state, &scan, &token, "internal_error").await;
        return Ok(());
    };
    let mut crawler = Crawler::new(&state, &client, &scan, &token);
    let outcome = crawler.run().await;
    match outcome {
        Ok(()) => finish(&state, &scan, &token, &crawler).await,
        Err(Stop::Failed(code)) => {
            fail(&state, &scan, &token, code).await;
            Ok(())
        }
        Err(Stop::Draining) => Err(JobError::hand_back(
            "instance shutting down; the scan resumes elsewhere",
        )),
        Err(Stop::LostClaim) => Ok(()),
        Err(Stop::Store(e)) => Err(JobError::retry(e)),
    }
}

/// Seconds since the scan first started (or was created).
fn duration(scan: &ScanRow) -> f64 {
    let since = scan.started_at.unwrap_or(scan.created_at);
    let ms = (crate::time::now() - since).num_milliseconds().max(0) as f64;
    (ms / 10.0).round() / 100.0
}

/// Ends the scan `failed`; `scan.failed` is recorded in the same transaction (api.md §12.4).
async fn fail(state: &AppState, scan: &ScanRow, token: &str, code: &str) {
    let events = [crate::webhooks::scan_failed(scan, code)];
    match state
        .store
        .fail_scan(scan.id, Some(token), code, duration(scan), &events)
        .await
    {
        Ok(true) => state.metrics.scan(&scan.scan_type, "failed"),
        Ok(false) => {}
        Err(e) => tracing::warn!(scan_id = scan.id, error = %e, "scan failure not recorded"),
    }
}

/// Fails a scan that has not ended `stuck_after_secs` after creation; true when it did.
pub async fn fail_if_stuck(state: &AppState, scan: &ScanRow) -> bool {
    let limit = chrono::Duration::seconds(state.config.scanner.stuck_after_secs as i64);
    if !matches!(scan.status.as_str(), "pending" | "processing")
        || crate::time::now() - scan.created_at < limit
    {
        return false;
    }
    let events = [crate::webhooks::scan_failed(scan, "timeout")];
    let failed = matches!(
        state
            .store
            .fail_scan(scan.id, None, "timeout", duration(scan), &events)
            .await,
        Ok(true)
    );
    if failed {
        state.metrics.scan(&scan.scan_type, "failed");
    }
    failed
}

/// Judges the pages (with the crawl's link checks), then the site, and stores the verdict; runs again with the
/// same outcome if the attempt is repeated (JOB-5).
async fn finish(
    state: &AppState,
    scan: &ScanRow,
    token: &str,
    crawler: &Crawler<'_>,
) -> Result<(), JobError> {
    let rows = state
        .store
        .scan_pages(scan.id)
        .await
        .map_err(|e| JobError::retry(e.to_string()))?;
    let link_checks = crawler.link_checks().map(Arc::new);
    let mut pages: Vec<Value> = Vec::with_capacity(rows.len());
    for row in rows {
        let mut entry = row.data.0;
        if let Some(fetch) = entry
            .get("fetch")
            .and_then(|f| serde_json::from_value::<PageFetch>(f.clone()).ok())
        {
            entry = judge::judge(state, fetch, crawler.site_host(), link_checks.clone()).await;
            // Judged entries replace the stored responses, so a repeated attempt judges only what is left.
            match state
                .store
                .put_scan_page(scan.id, token, &row.url, row.position, &entry)
                .await
            {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => return Err(JobError::retry(e.to_string())),
            }
        }
        pages.push(entry);
    }
    let site = super::site::judge(state, scan, crawler, &pages).await;
    let verdict = report::build(&scan.scan_type, &scan.url, &pages, site.as_ref());
    let revision = pages.iter().find_map(|p| p["ruleset_revision"].as_i64());
    let outcome = ScanOutcome {
        final_url: crawler.crawl.final_url.clone(),
        score: verdict.score,
        grade: verdict.grade.to_string(),
        category_scores: verdict.category_scores,
        report: verdict.report,
        ruleset_revision: revision,
        pages_analyzed: pages.len() as i64,
        duration_seconds: duration(scan),
    };
    // `scan.completed` is recorded in the transaction that completes the scan (api.md §12.4).
    let events = [crate::webhooks::scan_completed(scan, &outcome)];
    match state
        .store
        .complete_scan(scan.id, token, &outcome, &events)
        .await
    {
        Ok(done) => {
            if done {
                state.metrics.scan(&scan.scan_type, "completed");
            }
            Ok(())
        }
        Err(e) => Err(JobError::retry(e.to_string())),
    }
}

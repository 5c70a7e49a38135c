//! Durable background work (security.md §13): a worker per instance claims jobs from the database queue with a
//! lease, heartbeats while it works, and reports through the fencing token; a crashed instance's jobs are picked
//! up by any other once the lease expires. Handlers are registered per job kind.

mod worker;

pub use worker::{Handler, JobError, Worker};

use crate::db::{NewJob, StoreResult};
use crate::http::AppState;
use serde_json::json;

/// Kind of the job that scores a page whose scoring failed during its sync.
pub const RESCORE_PAGE: &str = "page.rescore";

/// Queues a re-score of one page (deduplicated while pending).
pub async fn enqueue_rescore(state: &AppState, site_id: i64, page_id: i64) -> StoreResult<()> {
    let job = NewJob {
        kind: RESCORE_PAGE.into(),
        payload: json!({ "site_id": site_id, "page_id": page_id }),
        unique_key: Some(format!("{RESCORE_PAGE}:{page_id}")),
        run_at: crate::time::now(),
        max_attempts: 5,
    };
    state.store.enqueue_job(&job).await.map(|_| ())
}

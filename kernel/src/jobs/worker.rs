//! The claim loop: claim, run with heartbeats, report under the fencing token, back off when idle or failing.

use crate::db::{ClaimedJob, Retry};
use crate::http::AppState;
use futures_util::FutureExt;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// A job's lease (`jobs.lease_secs`, JOB-2: 60 s by default) and its renewal period, a quarter of it.
fn lease_and_heartbeat(state: &AppState) -> (chrono::Duration, Duration) {
    let lease = Duration::from_secs(state.config.jobs.lease_secs);
    (
        chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60)),
        lease / 4,
    )
}
/// Idle poll interval.
const POLL: Duration = Duration::from_millis(500);

/// A handler failure: retried with backoff unless `permanent`.
#[derive(Debug)]
pub struct JobError {
    pub message: String,
    pub permanent: bool,
}

impl JobError {
    pub fn retry(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
        }
    }
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: true,
        }
    }
}

pub type JobFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
/// Runs one job of a kind: `(state, payload) -> result`.
pub type Handler = Arc<dyn Fn(AppState, serde_json::Value) -> JobFuture + Send + Sync>;

/// One instance's worker: a fixed set of handlers and an owner name for leases.
pub struct Worker {
    state: AppState,
    handlers: HashMap<String, Handler>,
    owner: String,
}

impl Worker {
    pub fn new(state: AppState) -> Self {
        let owner = format!(
            "{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            state,
            handlers: HashMap::new(),
            owner,
        }
    }

    pub fn handle(mut self, kind: &str, handler: Handler) -> Self {
        self.handlers.insert(kind.to_string(), handler);
        self
    }

    /// Runs until `stop` turns true; the current job finishes (or keeps its lease for another worker) first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let kinds: Vec<String> = self.handlers.keys().cloned().collect();
        let mut idle = POLL;
        self.state.lifecycle.set_jobs_running(true);
        while !*stop.borrow() {
            let lease_until = crate::time::now() + lease_and_heartbeat(&self.state).0;
            match self
                .state
                .store
                .claim_job(&kinds, &self.owner, lease_until)
                .await
            {
                Ok(Some(job)) => {
                    idle = POLL;
                    self.run_job(job).await;
                }
                Ok(None) => {
                    let _ = tokio::time::timeout(idle, stop.changed()).await;
                }
                Err(e) => {
                    // Database trouble: back off with jitter, never exit (DB-4).
                    tracing::warn!(error = %e, "job claim failed; backing off");
                    let jitter = Duration::from_millis(rand::random::<u64>() % 500);
                    let _ = tokio::time::timeout(idle + jitter, stop.changed()).await;
                    idle = (idle * 2).min(Duration::from_secs(30));
                }
            }
        }
        self.state.lifecycle.set_jobs_running(false);
    }

    async fn run_job(&self, job: ClaimedJob) {
        let Some(handler) = self.handlers.get(&job.kind) else {
            return;
        };
        let store = self.state.store.clone();
        let (id, token) = (job.id, job.lease_token.clone());
        let (lease, every) = lease_and_heartbeat(&self.state);
        let heartbeat = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let until = crate::time::now() + lease;
                if !matches!(store.heartbeat_job(id, &token, until).await, Ok(true)) {
                    tracing::warn!(job_id = id, "job lease lost");
                    return;
                }
            }
        });
        // A panicking handler fails this job only (JOB-6).
        let outcome =
            std::panic::AssertUnwindSafe(handler(self.state.clone(), job.payload.0.clone()))
                .catch_unwind()
                .await;
        heartbeat.abort();
        let store = &self.state.store;
        let reported = match outcome {
            Ok(Ok(())) => store.complete_job(job.id, &job.lease_token).await,
            Ok(Err(e)) => {
                let retry = if e.permanent || job.attempts >= job.max_attempts {
                    Retry::Never
                } else {
                    // Exponential backoff: 2, 4, 8, ... seconds, capped at 5 minutes.
                    let secs = 2_i64
                        .saturating_pow(job.attempts.clamp(1, 8) as u32)
                        .min(300);
                    Retry::At(crate::time::now() + chrono::Duration::seconds(secs))
                };
                store
                    .fail_job(job.id, &job.lease_token, &e.message, retry)
                    .await
            }
            Err(_) => {
                store
                    .fail_job(job.id, &job.lease_token, "handler panicked", Retry::Never)
                    .await
            }
        };
        if let Err(e) = reported {
            tracing::warn!(job_id = job.id, error = %e, "job outcome not recorded; the lease will expire and it reruns");
        }
    }
}

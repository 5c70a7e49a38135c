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

/// A handler failure: retried with backoff unless `permanent`; handed back to the queue at once (no attempt
/// counted) when `hand_back`.
#[derive(Debug)]
pub struct JobError {
    pub message: String,
    pub permanent: bool,
    /// The handler stopped because this instance is draining: the job is not failed, another instance takes it.
    pub hand_back: bool,
}

impl JobError {
    pub fn retry(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
            hand_back: false,
        }
    }
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: true,
            hand_back: false,
        }
    }
    /// The instance is shutting down before the job ended: release it for another instance now.
    pub fn hand_back(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
            hand_back: true,
        }
    }
}

/// What became of one run of a handler.
enum Ran {
    Finished(Result<Result<(), JobError>, Box<dyn std::any::Any + Send>>),
    /// Still running when the instance had to stop: dropped.
    Abandoned,
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

    /// Runs until `stop` turns true. The current job then finishes, or, still running after half the shutdown
    /// grace period (or stopping itself because the instance drains), is handed back to the queue for another
    /// instance (JOB-2: no waiting for its lease to expire).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let kinds: Vec<String> = self.handlers.keys().cloned().collect();
        let mut idle = POLL;
        self.state.lifecycle.set_jobs_running(true);
        // A draining instance claims nothing more: a job it hands back is for another instance.
        while !*stop.borrow() && !self.state.lifecycle.is_draining() {
            let lease_until = crate::time::now() + lease_and_heartbeat(&self.state).0;
            match self
                .state
                .store
                .claim_job(&kinds, &self.owner, lease_until)
                .await
            {
                Ok(Some(job)) => {
                    idle = POLL;
                    self.run_job(job, stop.clone()).await;
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

    async fn run_job(&self, job: ClaimedJob, mut stop: watch::Receiver<bool>) {
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
        let started = std::time::Instant::now();
        // A panicking handler fails this job only (JOB-6).
        let run = std::panic::AssertUnwindSafe(handler(self.state.clone(), job.payload.0.clone()))
            .catch_unwind();
        // Once the instance stops, a handler gets half the grace period to end (the server waits the whole of it
        // for the worker); after that it is dropped and its job handed back.
        let patience = Duration::from_secs(self.state.config.server.shutdown_grace_secs) / 2;
        let stopping = async move {
            let _ = stop.wait_for(|stop| *stop).await;
            tokio::time::sleep(patience).await;
        };
        let outcome = tokio::select! {
            outcome = run => Ran::Finished(outcome),
            () = stopping => Ran::Abandoned,
        };
        heartbeat.abort();
        let outcome = match outcome {
            Ran::Finished(outcome) => outcome,
            Ran::Abandoned => Ok(Err(JobError::hand_back("instance shutting down"))),
        };
        let label = match &outcome {
            Ok(Ok(())) => "succeeded",
            Ok(Err(e)) if e.hand_back => "handed_back",
            Ok(Err(e)) if e.permanent || job.attempts >= job.max_attempts => "failed",
            Ok(Err(_)) => "retry",
            Err(_) => "panicked",
        };
        self.state
            .metrics
            .job_run(&job.kind, label, started.elapsed().as_secs_f64());
        let store = &self.state.store;
        let reported = match outcome {
            Ok(Ok(())) => store.complete_job(job.id, &job.lease_token).await,
            Ok(Err(e)) if e.hand_back => {
                tracing::info!(job_id = job.id, kind = %job.kind, "instance draining: job handed back");
                store.release_job(job.id, &job.lease_token).await
            }
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

//! The durable job queue shared by every instance (security.md §13): claimed with a lease and a fencing token,
//! retried with backoff, failed for good after `max_attempts`.

use super::StoreResult;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// A claimed job: only the holder of `token` may report on it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: sqlx::types::Json<Value>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub lease_token: String,
}

/// A job to enqueue. `unique_key` deduplicates pending work (a second enqueue with the key is a no-op until the
/// first one finishes).
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub payload: Value,
    pub unique_key: Option<String>,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i64,
}

/// What happened to a job whose handler failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    At(DateTime<Utc>),
    Never,
}

#[async_trait::async_trait]
pub trait JobStore: Send + Sync {
    /// `None` when an identical pending job (same `unique_key`) exists.
    async fn enqueue_job(&self, job: &NewJob) -> StoreResult<Option<i64>>;
    /// Claims the oldest due job of one of `kinds` (or one whose lease expired), exclusively across instances.
    async fn claim_job(
        &self,
        kinds: &[String],
        owner: &str,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<ClaimedJob>>;
    /// Extends a lease; false when the lease was lost (another worker owns the job now).
    async fn heartbeat_job(
        &self,
        id: i64,
        token: &str,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn complete_job(&self, id: i64, token: &str) -> StoreResult<bool>;
    /// Records a failure: back to the queue at the given time, or failed for good.
    async fn fail_job(&self, id: i64, token: &str, error: &str, retry: Retry) -> StoreResult<bool>;
    /// Hands a claimed job back unfinished (its instance is shutting down): queued again, due now, lease cleared,
    /// and the claim's attempt given back, so another instance takes it at once without counting it against
    /// `max_attempts`. False when the token no longer holds the job.
    async fn release_job(&self, id: i64, token: &str) -> StoreResult<bool>;
    /// Jobs waiting or running, per kind (metrics and tests).
    async fn pending_jobs(&self, kind: &str) -> StoreResult<i64>;
}

macro_rules! impl_job_writes {
    ($store:ty) => {
        impl $store {
            pub(crate) async fn enqueue_job_shared(&self, job: &$crate::db::NewJob) -> $crate::db::StoreResult<Option<i64>> {
                Self::insert_job(&self.pool, job).await
            }

            /// Queues a job on a pool or inside a caller's transaction (work recorded with the change that causes it).
            pub(crate) async fn insert_job<'e, E>(executor: E, job: &$crate::db::NewJob) -> $crate::db::StoreResult<Option<i64>>
            where
                E: sqlx::Executor<'e, Database = <$store as $crate::db::Backend>::Db>,
            {
                let now = $crate::time::now();
                Ok(sqlx::query_scalar(
                    "INSERT INTO jobs (kind, payload, unique_key, run_at, max_attempts, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (unique_key) DO NOTHING RETURNING id",
                )
                .bind(&job.kind)
                .bind(sqlx::types::Json(&job.payload))
                .bind(&job.unique_key)
                .bind(job.run_at)
                .bind(job.max_attempts)
                .bind(now)
                .fetch_optional(executor)
                .await?)
            }

            pub(crate) async fn heartbeat_job_shared(
                &self,
                id: i64,
                token: &str,
                lease_until: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<bool> {
                let done = sqlx::query("UPDATE jobs SET lease_expires_at = $3, updated_at = $4 WHERE id = $1 AND lease_token = $2 AND status = 'running'")
                    .bind(id)
                    .bind(token)
                    .bind(lease_until)
                    .bind($crate::time::now())
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            pub(crate) async fn complete_job_shared(&self, id: i64, token: &str) -> $crate::db::StoreResult<bool> {
                // The unique key is released so the same work can be queued again later.
                let done = sqlx::query(
                    "UPDATE jobs SET status = 'done', unique_key = NULL, lease_owner = NULL, lease_token = NULL, \
                     lease_expires_at = NULL, updated_at = $3 WHERE id = $1 AND lease_token = $2 AND status = 'running'",
                )
                .bind(id)
                .bind(token)
                .bind($crate::time::now())
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            pub(crate) async fn fail_job_shared(
                &self,
                id: i64,
                token: &str,
                error: &str,
                retry: $crate::db::Retry,
            ) -> $crate::db::StoreResult<bool> {
                let now = $crate::time::now();
                let error: String = error.chars().take(1000).collect();
                let done = match retry {
                    $crate::db::Retry::At(at) => sqlx::query(
                        "UPDATE jobs SET status = 'queued', run_at = $3, last_error = $4, lease_owner = NULL, lease_token = NULL, \
                         lease_expires_at = NULL, updated_at = $5 WHERE id = $1 AND lease_token = $2 AND status = 'running'",
                    )
                    .bind(id)
                    .bind(token)
                    .bind(at)
                    .bind(&error)
                    .bind(now)
                    .execute(&self.pool)
                    .await?,
                    $crate::db::Retry::Never => sqlx::query(
                        "UPDATE jobs SET status = 'failed', unique_key = NULL, last_error = $3, lease_owner = NULL, lease_token = NULL, \
                         lease_expires_at = NULL, updated_at = $4 WHERE id = $1 AND lease_token = $2 AND status = 'running'",
                    )
                    .bind(id)
                    .bind(token)
                    .bind(&error)
                    .bind(now)
                    .execute(&self.pool)
                    .await?,
                };
                Ok(done.rows_affected() == 1)
            }

            pub(crate) async fn release_job_shared(&self, id: i64, token: &str) -> $crate::db::StoreResult<bool> {
                let now = $crate::time::now();
                let done = sqlx::query(
                    "UPDATE jobs SET status = 'queued', run_at = $3, \
                     attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, lease_owner = NULL, \
                     lease_token = NULL, lease_expires_at = NULL, updated_at = $3 \
                     WHERE id = $1 AND lease_token = $2 AND status = 'running'",
                )
                .bind(id)
                .bind(token)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            pub(crate) async fn pending_jobs_shared(&self, kind: &str) -> $crate::db::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')")
                    .bind(kind)
                    .fetch_one(&self.pool)
                    .await?)
            }

            /// Jobs whose lease expired after their last allowed attempt end `failed` (JOB-2).
            pub(crate) async fn exhaust_expired_jobs<'e, E>(executor: E, now: chrono::DateTime<chrono::Utc>) -> $crate::db::StoreResult<()>
            where
                E: sqlx::Executor<'e, Database = <$store as $crate::db::Backend>::Db>,
            {
                sqlx::query(
                    "UPDATE jobs SET status = 'failed', unique_key = NULL, last_error = 'attempts_exhausted', lease_owner = NULL, \
                     lease_token = NULL, lease_expires_at = NULL, updated_at = $1 \
                     WHERE status = 'running' AND lease_expires_at < $1 AND attempts >= max_attempts",
                )
                .bind(now)
                .execute(executor)
                .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::db::JobStore for $store {
            async fn enqueue_job(&self, job: &$crate::db::NewJob) -> $crate::db::StoreResult<Option<i64>> {
                self.enqueue_job_shared(job).await
            }
            async fn claim_job(
                &self,
                kinds: &[String],
                owner: &str,
                lease_until: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<Option<$crate::db::ClaimedJob>> {
                self.claim_job_dialect(kinds, owner, lease_until).await
            }
            async fn heartbeat_job(&self, id: i64, token: &str, lease_until: chrono::DateTime<chrono::Utc>) -> $crate::db::StoreResult<bool> {
                self.heartbeat_job_shared(id, token, lease_until).await
            }
            async fn complete_job(&self, id: i64, token: &str) -> $crate::db::StoreResult<bool> {
                self.complete_job_shared(id, token).await
            }
            async fn fail_job(&self, id: i64, token: &str, error: &str, retry: $crate::db::Retry) -> $crate::db::StoreResult<bool> {
                self.fail_job_shared(id, token, error, retry).await
            }
            async fn release_job(&self, id: i64, token: &str) -> $crate::db::StoreResult<bool> {
                self.release_job_shared(id, token).await
            }
            async fn pending_jobs(&self, kind: &str) -> $crate::db::StoreResult<i64> {
                self.pending_jobs_shared(kind).await
            }
        }
    };
}
pub(crate) use impl_job_writes;

/// Columns returned by a claim.
pub(crate) const CLAIM_RETURNING: &str = "id, kind, payload, attempts, max_attempts, lease_token";

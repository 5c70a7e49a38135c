//! PostgreSQL job claims: one statement with `FOR UPDATE SKIP LOCKED`, so concurrent workers on many instances
//! never wait on or take the same job (JOB-1).

use super::PgStore;
use crate::db::{ClaimedJob, StoreResult, jobs::CLAIM_RETURNING};
use chrono::{DateTime, Utc};

impl PgStore {
    pub(crate) async fn claim_job_dialect(
        &self,
        kinds: &[String],
        owner: &str,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<ClaimedJob>> {
        let now = crate::time::now();
        Self::exhaust_expired_jobs(&self.pool, now).await?;
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $2, lease_token = $3, lease_expires_at = $4, \
             updated_at = $1 WHERE id = (SELECT id FROM jobs WHERE kind = ANY($5) AND ((status = 'queued' AND run_at <= $1) \
             OR (status = 'running' AND lease_expires_at < $1)) ORDER BY run_at, id FOR UPDATE SKIP LOCKED LIMIT 1) \
             RETURNING {CLAIM_RETURNING}"
        );
        Ok(sqlx::query_as(&sql)
            .bind(now)
            .bind(owner)
            .bind(crate::auth::jwt::random_hex_id())
            .bind(lease_until)
            .bind(kinds)
            .fetch_optional(&self.pool)
            .await?)
    }
}

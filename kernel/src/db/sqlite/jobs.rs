//! SQLite job claims: a conditional update inside `BEGIN IMMEDIATE`, so exactly one worker wins (JOB-1).

use super::SqliteStore;
use crate::db::{ClaimedJob, StoreResult, jobs::CLAIM_RETURNING};
use chrono::{DateTime, Utc};

impl SqliteStore {
    pub(crate) async fn claim_job_dialect(
        &self,
        kinds: &[String],
        owner: &str,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<ClaimedJob>> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let now = crate::time::now();
        let mut tx = self.begin_write().await?;
        Self::exhaust_expired_jobs(&mut *tx, now).await?;
        let placeholders: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT id FROM jobs WHERE kind IN ({}) AND ((status = 'queued' AND run_at <= $1) OR (status = 'running' AND lease_expires_at < $1)) \
             ORDER BY run_at, id LIMIT 1",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(now);
        for kind in kinds {
            query = query.bind(kind);
        }
        let Some(id) = query.fetch_optional(&mut *tx).await? else {
            tx.commit().await?;
            return Ok(None);
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $2, lease_token = $3, lease_expires_at = $4, \
             updated_at = $5 WHERE id = $1 RETURNING {CLAIM_RETURNING}"
        );
        let job: ClaimedJob = sqlx::query_as(&sql)
            .bind(id)
            .bind(owner)
            .bind(crate::auth::jwt::random_hex_id())
            .bind(lease_until)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(job))
    }
}

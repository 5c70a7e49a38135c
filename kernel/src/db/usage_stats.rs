//! API usage analytics storage (api.md §13): per key, per UTC day and per endpoint group, counts of requests and
//! of errors. Counts are added in batches with `ON CONFLICT ... DO UPDATE SET n = n + excluded.n`, never
//! read-modify-write, so instances sharing one database never lose each other's counts.

use super::{ApiKeyId, SiteId, StoreResult};

/// Counts gathered for one (key, day, group) since the last flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageIncrement {
    pub key_id: ApiKeyId,
    pub site_id: SiteId,
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub endpoint_group: String,
    pub requests: i64,
    pub errors: i64,
}

/// One stored row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UsageRow {
    pub key_id: ApiKeyId,
    pub day: String,
    pub endpoint_group: String,
    pub requests: i64,
    pub errors: i64,
}

#[async_trait::async_trait]
pub trait UsageStatsStore: Send + Sync {
    /// Adds counts atomically. Rows of keys deleted meanwhile (their site was deleted) are skipped.
    async fn add_usage(&self, batch: &[UsageIncrement]) -> StoreResult<()>;
    /// Rows of one key with `from <= day <= to`.
    async fn usage_of_key(&self, key: ApiKeyId, from: &str, to: &str)
    -> StoreResult<Vec<UsageRow>>;
    /// Rows of every key of a site with `from <= day <= to`.
    async fn usage_of_site(&self, site: SiteId, from: &str, to: &str)
    -> StoreResult<Vec<UsageRow>>;
    /// Deletes rows of days before `before` (retention); returns how many went.
    async fn prune_usage(&self, before: &str) -> StoreResult<u64>;
}

macro_rules! impl_usage_stats_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::UsageStatsStore for $store {
            async fn add_usage(
                &self,
                batch: &[$crate::db::UsageIncrement],
            ) -> $crate::db::StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                for u in batch {
                    sqlx::query(
                        "INSERT INTO api_usage_daily (key_id, site_id, day, endpoint_group, requests, errors) \
                         SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = $1) \
                         ON CONFLICT (key_id, day, endpoint_group) DO UPDATE SET \
                             requests = api_usage_daily.requests + excluded.requests, \
                             errors = api_usage_daily.errors + excluded.errors",
                    )
                    .bind(u.key_id)
                    .bind(u.site_id)
                    .bind(&u.day)
                    .bind(&u.endpoint_group)
                    .bind(u.requests)
                    .bind(u.errors)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn usage_of_key(
                &self,
                key: $crate::db::ApiKeyId,
                from: &str,
                to: &str,
            ) -> $crate::db::StoreResult<Vec<$crate::db::UsageRow>> {
                Ok(sqlx::query_as(
                    "SELECT key_id, day, endpoint_group, requests, errors FROM api_usage_daily \
                     WHERE key_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, endpoint_group",
                )
                .bind(key)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn usage_of_site(
                &self,
                site: $crate::db::SiteId,
                from: &str,
                to: &str,
            ) -> $crate::db::StoreResult<Vec<$crate::db::UsageRow>> {
                Ok(sqlx::query_as(
                    "SELECT key_id, day, endpoint_group, requests, errors FROM api_usage_daily \
                     WHERE site_id = $1 AND day >= $2 AND day <= $3 ORDER BY key_id, day, endpoint_group",
                )
                .bind(site)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn prune_usage(&self, before: &str) -> $crate::db::StoreResult<u64> {
                let done = sqlx::query("DELETE FROM api_usage_daily WHERE day < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}
pub(crate) use impl_usage_stats_store;

//! Site API keys as authentication sees them: lookup by SHA-256 and batched usage counters.

use super::{ApiKeyId, SiteId, StoreResult, UserId};
use chrono::{DateTime, Utc};

/// What a site-key check needs, read in one query: the key row, its site and whether the owner is active.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyAuth {
    pub key_id: ApiKeyId,
    pub site_id: SiteId,
    pub owner_id: UserId,
    pub name: String,
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub owner_active: bool,
    pub site_name: String,
    pub site_url: String,
    pub site_is_active: bool,
}

/// Counted uses of one key since the last flush.
#[derive(Debug, Clone, Copy)]
pub struct KeyUsage {
    pub key_id: ApiKeyId,
    pub count: i64,
    pub last_used_at: DateTime<Utc>,
}

#[async_trait::async_trait]
pub trait ApiKeyAuthStore: Send + Sync {
    /// The key whose hash is `key_hash` (lowercase hex SHA-256), if any.
    async fn key_for_auth(&self, key_hash: &str) -> StoreResult<Option<KeyAuth>>;
    /// Adds counts atomically (`usage_count = usage_count + n`), never read-modify-write (KEY-7).
    async fn add_key_usage(&self, usage: &[KeyUsage]) -> StoreResult<()>;
}

macro_rules! impl_api_key_auth_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::ApiKeyAuthStore for $store {
            async fn key_for_auth(&self, key_hash: &str) -> $crate::db::StoreResult<Option<$crate::db::KeyAuth>> {
                Ok(sqlx::query_as(
                    "SELECT k.id AS key_id, k.site_id, s.user_id AS owner_id, k.name, k.key_prefix, k.created_at, \
                            k.expires_at, k.revoked_at, u.is_active AS owner_active, s.name AS site_name, \
                            s.url AS site_url, s.is_active AS site_is_active \
                     FROM api_keys k JOIN sites s ON s.id = k.site_id JOIN users u ON u.id = s.user_id \
                     WHERE k.key_hash = $1",
                )
                .bind(key_hash)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn add_key_usage(&self, usage: &[$crate::db::KeyUsage]) -> $crate::db::StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                for u in usage {
                    sqlx::query(
                        "UPDATE api_keys SET usage_count = usage_count + $1, \
                             last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < $2 THEN $2 ELSE last_used_at END \
                         WHERE id = $3",
                    )
                    .bind(u.count)
                    .bind(u.last_used_at)
                    .bind(u.key_id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use impl_api_key_auth_store;

//! Sites and their API keys as stored rows.

use super::{ApiKeyId, SiteId, StoreResult, UserId};
use chrono::{DateTime, Utc};

/// What site creation stores; `url_normalized` carries the per-owner uniqueness (api.md §6.2).
#[derive(Debug, Clone)]
pub struct NewSite {
    pub user_id: UserId,
    pub name: String,
    pub url: String,
    pub url_normalized: String,
}

/// A key row to insert; only the hash of the key is stored.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub site_id: SiteId,
    pub name: String,
    pub key_hash: String,
    pub key_prefix: String,
    pub expires_at: Option<DateTime<Utc>>,
}

#[async_trait::async_trait]
pub trait SiteStore: Send + Sync {
    /// Fails with `Conflict(SiteUserUrl)` when the owner already has a site with this normalised URL.
    async fn create_site(&self, site: &NewSite) -> StoreResult<SiteId>;
    async fn insert_api_key(&self, key: &NewApiKey) -> StoreResult<ApiKeyId>;
}

macro_rules! impl_site_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::SiteStore for $store {
            async fn create_site(&self, site: &$crate::db::NewSite) -> $crate::db::StoreResult<$crate::db::SiteId> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO sites (user_id, name, url, url_normalized, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(site.user_id)
                .bind(&site.name)
                .bind(&site.url)
                .bind(&site.url_normalized)
                .bind($crate::time::now())
                .fetch_one(&self.pool)
                .await?)
            }

            async fn insert_api_key(&self, key: &$crate::db::NewApiKey) -> $crate::db::StoreResult<$crate::db::ApiKeyId> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO api_keys (site_id, name, key_hash, key_prefix, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(key.site_id)
                .bind(&key.name)
                .bind(&key.key_hash)
                .bind(&key.key_prefix)
                .bind($crate::time::now())
                .bind(key.expires_at)
                .fetch_one(&self.pool)
                .await?)
            }
        }
    };
}
pub(crate) use impl_site_store;

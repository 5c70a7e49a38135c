//! Site API keys as the dashboard manages them: owner-scoped list, read, rename, revoke and rotate. Every query that
//! takes a client-supplied id joins `sites` and filters by the owner in the same statement (AZ-1).

use super::{ApiKeyId, NewApiKey, SiteId, StoreResult, UserId};
use chrono::{DateTime, Utc};

/// A stored key as list and detail show it (never the hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: ApiKeyId,
    pub site_id: SiteId,
    pub name: String,
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub usage_count: i64,
}

impl ApiKeyRow {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
    /// Neither revoked nor expired (§4.3).
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && !self.is_expired(now)
    }
}

/// Why a key was not created.
#[derive(Debug)]
pub enum CreateKey {
    Created(ApiKeyRow),
    /// The site does not exist or is not the caller's.
    SiteNotFound,
    /// The site already has the maximum number of active keys.
    LimitReached,
}

/// What happened to a rotation.
#[derive(Debug)]
pub enum RotateKey {
    Rotated {
        new: Box<ApiKeyRow>,
        previous: Box<ApiKeyRow>,
    },
    NotFound,
    Revoked,
}

#[async_trait::async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// One page of the owner's keys (optionally of one site), newest first, with the total count.
    async fn list_keys(
        &self,
        owner: UserId,
        site: Option<SiteId>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<ApiKeyRow>)>;
    /// `NotFound` for a missing key and for another owner's key alike.
    async fn key_for_owner(&self, owner: UserId, id: ApiKeyId) -> StoreResult<ApiKeyRow>;
    /// Inserts `key` when its site is the owner's and has fewer than `max_active` active keys.
    async fn create_key(
        &self,
        owner: UserId,
        key: &NewApiKey,
        max_active: i64,
    ) -> StoreResult<CreateKey>;
    /// Renames and/or revokes (keeping an earlier `revoked_at`); returns the key after the change.
    async fn update_key(
        &self,
        owner: UserId,
        id: ApiKeyId,
        name: Option<&str>,
        revoke: bool,
    ) -> StoreResult<ApiKeyRow>;
    /// Stores a new key (hash and prefix given) for the same site, with the same name and no expiry, and retires
    /// the old key: revoked now (grace 0) or expiring after the grace period (never later than an expiry it
    /// already had). One transaction.
    async fn rotate_key(
        &self,
        owner: UserId,
        id: ApiKeyId,
        key_hash: &str,
        key_prefix: &str,
        grace_secs: i64,
    ) -> StoreResult<RotateKey>;
}

pub(crate) const KEY_COLUMNS: &str = "k.id, k.site_id, k.name, k.key_prefix, k.created_at, k.expires_at, k.revoked_at, \
     k.last_used_at, k.usage_count";

/// The same columns unqualified, for `RETURNING`.
pub(crate) const KEY_RETURNING: &str =
    "id, site_id, name, key_prefix, created_at, expires_at, revoked_at, last_used_at, usage_count";

/// Implements [`ApiKeyStore`]; the backend must offer `begin_write()` (SQLite takes the write lock up front).
macro_rules! impl_api_key_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::ApiKeyStore for $store {
            async fn list_keys(
                &self,
                owner: $crate::db::UserId,
                site: Option<$crate::db::SiteId>,
                limit: i64,
                offset: i64,
            ) -> $crate::db::StoreResult<(i64, Vec<$crate::db::ApiKeyRow>)> {
                // `$2` is NULL for "all sites"; the filter is still scoped by the owner.
                const FROM: &str = "FROM api_keys k JOIN sites s ON s.id = k.site_id \
                                    WHERE s.user_id = $1 AND ($2 IS NULL OR k.site_id = $2)";
                let site = site.map(|s| s.0);
                let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {FROM}"))
                    .bind(owner)
                    .bind(site)
                    .fetch_one(&self.pool)
                    .await?;
                let sql = format!(
                    "SELECT {} {FROM} ORDER BY k.created_at DESC, k.id DESC LIMIT $3 OFFSET $4",
                    $crate::db::keys::KEY_COLUMNS
                );
                let rows = sqlx::query_as(&sql)
                    .bind(owner)
                    .bind(site)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                Ok((count, rows))
            }

            async fn key_for_owner(
                &self,
                owner: $crate::db::UserId,
                id: $crate::db::ApiKeyId,
            ) -> $crate::db::StoreResult<$crate::db::ApiKeyRow> {
                let sql = format!(
                    "SELECT {} FROM api_keys k JOIN sites s ON s.id = k.site_id WHERE k.id = $1 AND s.user_id = $2",
                    $crate::db::keys::KEY_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(id).bind(owner).fetch_one(&self.pool).await?)
            }

            async fn create_key(
                &self,
                owner: $crate::db::UserId,
                key: &$crate::db::NewApiKey,
                max_active: i64,
            ) -> $crate::db::StoreResult<$crate::db::CreateKey> {
                let now = $crate::time::now();
                let mut tx = self.begin_write().await?;
                // Lock the site row (PostgreSQL) so concurrent creations cannot both pass the cap.
                let site: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT id FROM sites WHERE id = $1 AND user_id = $2{}",
                    <$store as $crate::db::Backend>::LOCK_ROW
                ))
                .bind(key.site_id)
                .bind(owner)
                .fetch_optional(&mut *tx)
                .await?;
                if site.is_none() {
                    return Ok($crate::db::CreateKey::SiteNotFound);
                }
                let active: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM api_keys WHERE site_id = $1 AND revoked_at IS NULL \
                     AND (expires_at IS NULL OR expires_at > $2)",
                )
                .bind(key.site_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                if active >= max_active {
                    return Ok($crate::db::CreateKey::LimitReached);
                }
                let row = Self::insert_key_row(&mut tx, key, now).await?;
                tx.commit().await?;
                Ok($crate::db::CreateKey::Created(row))
            }

            async fn update_key(
                &self,
                owner: $crate::db::UserId,
                id: $crate::db::ApiKeyId,
                name: Option<&str>,
                revoke: bool,
            ) -> $crate::db::StoreResult<$crate::db::ApiKeyRow> {
                let now = $crate::time::now();
                let revoked_at = revoke.then_some(now);
                let updated = sqlx::query(
                    "UPDATE api_keys SET name = COALESCE($1, name), revoked_at = COALESCE(revoked_at, $2) \
                     WHERE id = $3 AND site_id IN (SELECT id FROM sites WHERE user_id = $4)",
                )
                .bind(name)
                .bind(revoked_at)
                .bind(id)
                .bind(owner)
                .execute(&self.pool)
                .await?;
                if updated.rows_affected() == 0 {
                    return Err($crate::db::StoreError::NotFound);
                }
                self.key_for_owner(owner, id).await
            }

            async fn rotate_key(
                &self,
                owner: $crate::db::UserId,
                id: $crate::db::ApiKeyId,
                key_hash: &str,
                key_prefix: &str,
                grace_secs: i64,
            ) -> $crate::db::StoreResult<$crate::db::RotateKey> {
                let now = $crate::time::now();
                let mut tx = self.begin_write().await?;
                let sql = format!(
                    "SELECT {} FROM api_keys k JOIN sites s ON s.id = k.site_id WHERE k.id = $1 AND s.user_id = $2{}",
                    $crate::db::keys::KEY_COLUMNS,
                    <$store as $crate::db::Backend>::LOCK_ROW
                );
                let old: Option<$crate::db::ApiKeyRow> =
                    sqlx::query_as(&sql).bind(id).bind(owner).fetch_optional(&mut *tx).await?;
                let Some(old) = old else {
                    return Ok($crate::db::RotateKey::NotFound);
                };
                if old.revoked_at.is_some() {
                    return Ok($crate::db::RotateKey::Revoked);
                }
                let new_key = $crate::db::NewApiKey {
                    site_id: old.site_id,
                    name: old.name.clone(),
                    key_hash: key_hash.to_string(),
                    key_prefix: key_prefix.to_string(),
                    expires_at: None,
                };
                let row = Self::insert_key_row(&mut tx, &new_key, now).await?;
                if grace_secs == 0 {
                    sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                } else {
                    let until = now + chrono::Duration::seconds(grace_secs);
                    let expires_at = old.expires_at.map_or(until, |at| at.min(until));
                    sqlx::query("UPDATE api_keys SET expires_at = $1 WHERE id = $2")
                        .bind(expires_at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                let previous = sqlx::query_as(&format!(
                    "SELECT {} FROM api_keys k WHERE k.id = $1",
                    $crate::db::keys::KEY_COLUMNS
                ))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok($crate::db::RotateKey::Rotated { new: Box::new(row), previous: Box::new(previous) })
            }
        }

        impl $store {
            async fn insert_key_row(
                tx: &mut sqlx::Transaction<'static, <$store as $crate::db::Backend>::Db>,
                key: &$crate::db::NewApiKey,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<$crate::db::ApiKeyRow> {
                let sql = format!(
                    "INSERT INTO api_keys (site_id, name, key_hash, key_prefix, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING {}",
                    $crate::db::keys::KEY_RETURNING
                );
                Ok(sqlx::query_as(&sql)
                    .bind(key.site_id)
                    .bind(&key.name)
                    .bind(&key.key_hash)
                    .bind(&key.key_prefix)
                    .bind(now)
                    .bind(key.expires_at)
                    .fetch_one(&mut **tx)
                    .await?)
            }
        }
    };
}
pub(crate) use impl_api_key_store;

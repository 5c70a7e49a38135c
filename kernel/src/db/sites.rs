//! Sites as stored rows: creation with the per-owner cap, owner-scoped reads and writes, and the page figures the
//! site object and the overview are computed from.

use super::{ApiKeyId, SiteId, StoreResult, UserId};
use chrono::{DateTime, Utc};
use sqlx::types::Json;

/// What the harness's bare site creation stores; `url_normalized` carries the per-owner uniqueness (api.md §6.2).
#[derive(Debug, Clone)]
pub struct NewSite {
    pub user_id: UserId,
    pub name: String,
    pub url: String,
    pub url_normalized: String,
}

/// Every client-editable field of a site, as written by create, PUT and PATCH (after merging).
#[derive(Debug, Clone)]
pub struct SiteData {
    pub name: String,
    pub url: String,
    pub url_normalized: String,
    pub wp_site_id: Option<String>,
    pub is_active: bool,
    pub business_type: Option<String>,
    pub primary_services: Vec<String>,
    pub service_areas: Vec<String>,
    pub target_audience: String,
    pub business_description: String,
    pub onboarding_complete: bool,
}

/// A site with the counts its object shows (`page_count`, `api_key_count`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SiteRow {
    pub id: SiteId,
    pub user_id: UserId,
    pub name: String,
    pub url: String,
    pub url_normalized: String,
    pub wp_site_id: Option<String>,
    pub is_active: bool,
    pub business_type: Option<String>,
    pub primary_services: Json<Vec<String>>,
    pub service_areas: Json<Vec<String>>,
    pub target_audience: String,
    pub business_description: String,
    pub onboarding_complete: bool,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub page_count: i64,
    pub api_key_count: i64,
}

impl SiteRow {
    /// The editable fields as stored, the starting point of a PATCH.
    pub fn data(&self) -> SiteData {
        SiteData {
            name: self.name.clone(),
            url: self.url.clone(),
            url_normalized: self.url_normalized.clone(),
            wp_site_id: self.wp_site_id.clone(),
            is_active: self.is_active,
            business_type: self.business_type.clone(),
            primary_services: self.primary_services.0.clone(),
            service_areas: self.service_areas.0.clone(),
            target_audience: self.target_audience.clone(),
            business_description: self.business_description.clone(),
            onboarding_complete: self.onboarding_complete,
        }
    }
}

/// One page's score card as site health and the overview read it. JSON columns arrive as text so that a malformed
/// stored value degrades to "no data" instead of failing the request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PageCardRow {
    pub id: i64,
    pub site_id: SiteId,
    pub status: String,
    pub is_noindex: bool,
    pub seo_score: Option<i64>,
    pub issue_count: i64,
    pub category_scores: Option<String>,
    pub issues: Option<String>,
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
    /// Creates a site unless the owner already has `max_sites` (then `None`). Conflicts as in `create_site`.
    async fn insert_site(
        &self,
        owner: UserId,
        data: &SiteData,
        max_sites: i64,
    ) -> StoreResult<Option<SiteRow>>;
    /// The owner's site `id`; `NotFound` for a missing or foreign site alike.
    async fn site_for_owner(&self, owner: UserId, id: SiteId) -> StoreResult<SiteRow>;
    /// One page of the owner's sites, newest first, with the total count.
    async fn list_sites(
        &self,
        owner: UserId,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<SiteRow>)>;
    /// Replaces the editable fields; `NotFound` when not the owner's; `Conflict(SiteUserUrl)` on a URL clash.
    async fn update_site(&self, owner: UserId, id: SiteId, data: &SiteData)
    -> StoreResult<SiteRow>;
    /// Deletes the site and (by cascade) everything under it; false when it is not the owner's.
    async fn delete_site(&self, owner: UserId, id: SiteId) -> StoreResult<bool>;
    /// Score cards of the health-eligible pages (published, indexable, scored) of the given sites.
    async fn eligible_page_cards(&self, sites: &[SiteId]) -> StoreResult<Vec<PageCardRow>>;
    /// Score cards of every page of one site (callers check ownership first), ordered by page id.
    async fn page_cards(&self, site: SiteId) -> StoreResult<Vec<PageCardRow>>;
}

/// The site columns plus the two counts; `$1` must be bound to "now" (key expiry decides `api_key_count`).
pub(crate) const SITE_SELECT: &str = "SELECT s.id, s.user_id, s.name, s.url, s.url_normalized, s.wp_site_id, \
     s.is_active, s.business_type, s.primary_services, s.service_areas, s.target_audience, s.business_description, \
     s.onboarding_complete, s.last_synced_at, s.created_at, s.updated_at, \
     (SELECT COUNT(*) FROM pages p WHERE p.site_id = s.id) AS page_count, \
     (SELECT COUNT(*) FROM api_keys k WHERE k.site_id = s.id AND k.revoked_at IS NULL \
        AND (k.expires_at IS NULL OR k.expires_at > $1)) AS api_key_count \
     FROM sites s";

pub(crate) const PAGE_CARD_COLUMNS: &str = "id, site_id, status, is_noindex, CAST(seo_score AS BIGINT) AS seo_score, \
     CAST(issue_count AS BIGINT) AS issue_count, CAST(category_scores AS TEXT) AS category_scores, \
     CAST(issues AS TEXT) AS issues";

/// Binds the writable site fields, in the column order the site statements use.
macro_rules! bind_site_fields {
    ($query:expr, $d:expr) => {
        $query
            .bind(&$d.name)
            .bind(&$d.url)
            .bind(&$d.url_normalized)
            .bind(&$d.wp_site_id)
            .bind($d.is_active)
            .bind(&$d.business_type)
            .bind(sqlx::types::Json(&$d.primary_services))
            .bind(sqlx::types::Json(&$d.service_areas))
            .bind(&$d.target_audience)
            .bind(&$d.business_description)
            .bind($d.onboarding_complete)
    };
}
pub(crate) use bind_site_fields;

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

            async fn insert_site(
                &self,
                owner: $crate::db::UserId,
                d: &$crate::db::SiteData,
                max_sites: i64,
            ) -> $crate::db::StoreResult<Option<$crate::db::SiteRow>> {
                let now = $crate::time::now();
                // The cap is checked in the INSERT itself, so no second statement can slip in between.
                let query = sqlx::query_scalar(
                    "INSERT INTO sites (user_id, name, url, url_normalized, wp_site_id, is_active, business_type, \
                         primary_services, service_areas, target_audience, business_description, onboarding_complete, \
                         created_at, updated_at) \
                     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13 \
                     WHERE (SELECT COUNT(*) FROM sites WHERE user_id = $1) < $14 RETURNING id",
                )
                .bind(owner);
                let id: Option<$crate::db::SiteId> = $crate::db::sites::bind_site_fields!(query, d)
                .bind(now)
                .bind(max_sites)
                .fetch_optional(&self.pool)
                .await?;
                match id {
                    Some(id) => Ok(Some(self.site_for_owner(owner, id).await?)),
                    None => Ok(None),
                }
            }

            async fn site_for_owner(
                &self,
                owner: $crate::db::UserId,
                id: $crate::db::SiteId,
            ) -> $crate::db::StoreResult<$crate::db::SiteRow> {
                let sql = format!("{} WHERE s.id = $2 AND s.user_id = $3", $crate::db::sites::SITE_SELECT);
                Ok(sqlx::query_as(&sql)
                    .bind($crate::time::now())
                    .bind(id)
                    .bind(owner)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn list_sites(
                &self,
                owner: $crate::db::UserId,
                limit: i64,
                offset: i64,
            ) -> $crate::db::StoreResult<(i64, Vec<$crate::db::SiteRow>)> {
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE user_id = $1")
                    .bind(owner)
                    .fetch_one(&self.pool)
                    .await?;
                let sql = format!(
                    "{} WHERE s.user_id = $2 ORDER BY s.created_at DESC, s.id DESC LIMIT $3 OFFSET $4",
                    $crate::db::sites::SITE_SELECT
                );
                let rows = sqlx::query_as(&sql)
                    .bind($crate::time::now())
                    .bind(owner)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                Ok((count, rows))
            }

            async fn update_site(
                &self,
                owner: $crate::db::UserId,
                id: $crate::db::SiteId,
                d: &$crate::db::SiteData,
            ) -> $crate::db::StoreResult<$crate::db::SiteRow> {
                let query = sqlx::query(
                    "UPDATE sites SET name = $1, url = $2, url_normalized = $3, wp_site_id = $4, is_active = $5, \
                         business_type = $6, primary_services = $7, service_areas = $8, target_audience = $9, \
                         business_description = $10, onboarding_complete = $11, updated_at = $12 \
                     WHERE id = $13 AND user_id = $14",
                );
                let updated = $crate::db::sites::bind_site_fields!(query, d)
                .bind($crate::time::now())
                .bind(id)
                .bind(owner)
                .execute(&self.pool)
                .await?;
                if updated.rows_affected() == 0 {
                    return Err($crate::db::StoreError::NotFound);
                }
                self.site_for_owner(owner, id).await
            }

            async fn delete_site(
                &self,
                owner: $crate::db::UserId,
                id: $crate::db::SiteId,
            ) -> $crate::db::StoreResult<bool> {
                let deleted = sqlx::query("DELETE FROM sites WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(owner)
                    .execute(&self.pool)
                    .await?;
                Ok(deleted.rows_affected() > 0)
            }

            async fn eligible_page_cards(
                &self,
                sites: &[$crate::db::SiteId],
            ) -> $crate::db::StoreResult<Vec<$crate::db::PageCardRow>> {
                if sites.is_empty() {
                    return Ok(Vec::new());
                }
                // One placeholder per site (at most a page of sites, far below either backend's bind limit).
                let placeholders: Vec<String> = (1..=sites.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT {} FROM pages WHERE site_id IN ({}) AND status = 'publish' AND is_noindex = FALSE \
                     AND seo_score IS NOT NULL",
                    $crate::db::sites::PAGE_CARD_COLUMNS,
                    placeholders.join(", ")
                );
                let mut query = sqlx::query_as(&sql);
                for site in sites {
                    query = query.bind(*site);
                }
                Ok(query.fetch_all(&self.pool).await?)
            }

            async fn page_cards(
                &self,
                site: $crate::db::SiteId,
            ) -> $crate::db::StoreResult<Vec<$crate::db::PageCardRow>> {
                let sql = format!(
                    "SELECT {} FROM pages WHERE site_id = $1 ORDER BY id",
                    $crate::db::sites::PAGE_CARD_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(site).fetch_all(&self.pool).await?)
            }
        }
    };
}
pub(crate) use impl_site_store;

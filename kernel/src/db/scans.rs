//! Website scans as stored rows (api.md §11): the scan with its progress, its crawl state (the frontier a
//! resumed attempt continues from, JOB-4) and its report; page results per (scan, URL), written by upsert so a
//! page re-processed after a crash is never duplicated. Writes of a running scan carry its claim token (JOB-3):
//! an attempt that lost the scan to another changes nothing.

use super::{SiteId, StoreResult, UserId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

/// A scan to create (`pending`).
#[derive(Debug, Clone)]
pub struct NewScan {
    pub site_id: SiteId,
    pub url: String,
    pub target_host: String,
    pub scan_type: String,
    pub max_pages: i64,
}

/// A stored scan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScanRow {
    pub id: i64,
    pub site_id: SiteId,
    pub url: String,
    pub target_host: String,
    pub final_url: Option<String>,
    pub scan_type: String,
    pub max_pages: i64,
    pub status: String,
    pub score: Option<i64>,
    pub grade: Option<String>,
    pub pages_discovered: i64,
    pub pages_analyzed: i64,
    pub scan_duration_seconds: Option<f64>,
    pub category_scores: Option<Json<Value>>,
    pub report: Option<Json<Value>>,
    pub error_message: String,
    pub ruleset_revision: Option<i64>,
    pub crawl_state: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// Whose scans a list or a read may see.
#[derive(Debug, Clone, Copy)]
pub enum ScanScope {
    /// A site key: its own site.
    Site(SiteId),
    /// A dashboard user: the sites they own, optionally one of them.
    Owner(UserId, Option<SiteId>),
}

/// List filters (api.md §11.4).
#[derive(Debug, Clone, Default)]
pub struct ScanFilter {
    pub status: Option<String>,
    pub scan_type: Option<String>,
}

/// What a completed scan stores.
#[derive(Debug, Clone)]
pub struct ScanOutcome {
    pub final_url: Option<String>,
    pub score: i64,
    pub grade: String,
    pub category_scores: Value,
    pub report: Value,
    pub ruleset_revision: Option<i64>,
    pub pages_analyzed: i64,
    pub duration_seconds: f64,
}

/// One stored page result.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScanPageRow {
    pub url: String,
    pub position: i64,
    pub data: Json<Value>,
}

#[async_trait::async_trait]
pub trait ScanStore: Send + Sync {
    async fn insert_scan(&self, scan: &NewScan) -> StoreResult<ScanRow>;
    /// A scan within a scope; `NotFound` for unknown and foreign ids alike.
    async fn scan_in_scope(&self, scope: ScanScope, id: i64) -> StoreResult<ScanRow>;
    async fn scan_by_id(&self, id: i64) -> StoreResult<ScanRow>;
    /// `(count, rows)` newest first.
    async fn list_scans(
        &self,
        scope: ScanScope,
        filter: &ScanFilter,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<ScanRow>)>;
    /// Scans of a target host (or a site) created since `since`, with the oldest creation time among them.
    async fn scans_since(
        &self,
        target_host: Option<&str>,
        site: Option<SiteId>,
        since: DateTime<Utc>,
    ) -> StoreResult<(i64, Option<DateTime<Utc>>)>;
    /// Takes the scan for a new attempt (`processing`, fresh claim token); `None` when it already ended.
    async fn claim_scan(&self, id: i64, token: &str) -> StoreResult<Option<ScanRow>>;
    /// Progress and crawl state; false when the token no longer owns the scan.
    async fn save_scan_progress(
        &self,
        id: i64,
        token: &str,
        discovered: i64,
        analyzed: i64,
        final_url: Option<&str>,
        crawl_state: &Value,
    ) -> StoreResult<bool>;
    /// Upserts one page result (unique per scan and URL), under the token.
    async fn put_scan_page(
        &self,
        id: i64,
        token: &str,
        url: &str,
        position: i64,
        data: &Value,
    ) -> StoreResult<bool>;
    async fn scan_pages(&self, id: i64) -> StoreResult<Vec<ScanPageRow>>;
    /// Ends a scan `completed` while this attempt owns it; `events` (its webhook events) are recorded in the same
    /// transaction when it did.
    async fn complete_scan(
        &self,
        id: i64,
        token: &str,
        outcome: &ScanOutcome,
        events: &[super::WebhookEvent],
    ) -> StoreResult<bool>;
    /// Ends a scan `failed`; with a token only while that attempt owns it, without one only while it has not
    /// ended (the stuck-scan sweep). `events` are recorded in the same transaction when it did.
    async fn fail_scan(
        &self,
        id: i64,
        token: Option<&str>,
        error_message: &str,
        duration_seconds: f64,
        events: &[super::WebhookEvent],
    ) -> StoreResult<bool>;
    /// Scans created before `before` that have not ended (candidates for the `timeout` failure).
    async fn unfinished_scans_before(&self, before: DateTime<Utc>) -> StoreResult<Vec<ScanRow>>;
}

pub(crate) const SCAN_COLUMNS: &str = "s.id, s.site_id, s.url, s.target_host, s.final_url, s.scan_type, s.max_pages, \
    s.status, s.score, s.grade, s.pages_discovered, s.pages_analyzed, s.scan_duration_seconds, s.category_scores, \
    s.report, s.error_message, s.ruleset_revision, s.crawl_state, s.created_at, s.started_at, s.completed_at";

/// `WHERE` text and binds of a scope; placeholders start at `$1`.
fn scope_clause(scope: ScanScope) -> (&'static str, i64, Option<i64>) {
    match scope {
        ScanScope::Site(site) => ("s.site_id = $1", site.0, None),
        ScanScope::Owner(user, None) => (
            "s.site_id IN (SELECT id FROM sites WHERE user_id = $1)",
            user.0,
            None,
        ),
        ScanScope::Owner(user, Some(site)) => (
            "s.site_id IN (SELECT id FROM sites WHERE user_id = $1 AND id = $2)",
            user.0,
            Some(site.0),
        ),
    }
}

macro_rules! impl_scan_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::ScanStore for $store {
            async fn insert_scan(&self, scan: &$crate::db::NewScan) -> $crate::db::StoreResult<$crate::db::ScanRow> {
                let now = $crate::time::now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO scans (site_id, url, target_host, scan_type, max_pages, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(scan.site_id)
                .bind(&scan.url)
                .bind(&scan.target_host)
                .bind(&scan.scan_type)
                .bind(scan.max_pages)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                self.scan_by_id(id).await
            }

            async fn scan_by_id(&self, id: i64) -> $crate::db::StoreResult<$crate::db::ScanRow> {
                let sql = format!("SELECT {} FROM scans s WHERE s.id = $1", $crate::db::scans::SCAN_COLUMNS);
                sqlx::query_as(&sql)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or($crate::db::StoreError::NotFound)
            }

            async fn scan_in_scope(&self, scope: $crate::db::ScanScope, id: i64) -> $crate::db::StoreResult<$crate::db::ScanRow> {
                let (clause, a, b) = $crate::db::scans::scope_clause_pub(scope);
                let id_param = if b.is_some() { "$3" } else { "$2" };
                let sql = format!(
                    "SELECT {} FROM scans s WHERE {clause} AND s.id = {id_param}",
                    $crate::db::scans::SCAN_COLUMNS
                );
                let mut q = sqlx::query_as(&sql).bind(a);
                if let Some(b) = b {
                    q = q.bind(b);
                }
                q.bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or($crate::db::StoreError::NotFound)
            }

            async fn list_scans(
                &self,
                scope: $crate::db::ScanScope,
                filter: &$crate::db::ScanFilter,
                limit: i64,
                offset: i64,
            ) -> $crate::db::StoreResult<(i64, Vec<$crate::db::ScanRow>)> {
                let (clause, a, b) = $crate::db::scans::scope_clause_pub(scope);
                let mut next = if b.is_some() { 3 } else { 2 };
                let mut wheres = vec![clause.to_string()];
                let mut texts = Vec::new();
                if let Some(status) = &filter.status {
                    wheres.push(format!("s.status = ${next}"));
                    texts.push(status.clone());
                    next += 1;
                }
                if let Some(kind) = &filter.scan_type {
                    wheres.push(format!("s.scan_type = ${next}"));
                    texts.push(kind.clone());
                    next += 1;
                }
                let where_sql = wheres.join(" AND ");
                let count_sql = format!("SELECT COUNT(*) FROM scans s WHERE {where_sql}");
                let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(a);
                if let Some(b) = b {
                    count = count.bind(b);
                }
                for t in &texts {
                    count = count.bind(t);
                }
                let total = count.fetch_one(&self.pool).await?;
                let sql = format!(
                    "SELECT {} FROM scans s WHERE {where_sql} ORDER BY s.created_at DESC, s.id DESC LIMIT ${} OFFSET ${}",
                    $crate::db::scans::SCAN_COLUMNS,
                    next,
                    next + 1
                );
                let mut rows = sqlx::query_as::<_, $crate::db::ScanRow>(&sql).bind(a);
                if let Some(b) = b {
                    rows = rows.bind(b);
                }
                for t in &texts {
                    rows = rows.bind(t);
                }
                let rows = rows.bind(limit).bind(offset).fetch_all(&self.pool).await?;
                Ok((total, rows))
            }

            async fn scans_since(
                &self,
                target_host: Option<&str>,
                site: Option<$crate::db::SiteId>,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<(i64, Option<chrono::DateTime<chrono::Utc>>)> {
                let row: (i64, Option<chrono::DateTime<chrono::Utc>>) = match (target_host, site) {
                    (Some(host), _) => sqlx::query_as(
                        "SELECT COUNT(*), MIN(created_at) FROM scans WHERE target_host = $1 AND created_at > $2",
                    )
                    .bind(host)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?,
                    (None, Some(site)) => sqlx::query_as(
                        "SELECT COUNT(*), MIN(created_at) FROM scans WHERE site_id = $1 AND created_at > $2",
                    )
                    .bind(site)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?,
                    (None, None) => (0, None),
                };
                Ok(row)
            }

            async fn claim_scan(&self, id: i64, token: &str) -> $crate::db::StoreResult<Option<$crate::db::ScanRow>> {
                let now = $crate::time::now();
                let done = sqlx::query(
                    "UPDATE scans SET status = 'processing', claim_token = $2, started_at = COALESCE(started_at, $3), \
                     updated_at = $3 WHERE id = $1 AND status IN ('pending', 'processing')",
                )
                .bind(id)
                .bind(token)
                .bind(now)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(None);
                }
                self.scan_by_id(id).await.map(Some)
            }

            async fn save_scan_progress(
                &self,
                id: i64,
                token: &str,
                discovered: i64,
                analyzed: i64,
                final_url: Option<&str>,
                crawl_state: &serde_json::Value,
            ) -> $crate::db::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE scans SET pages_discovered = $3, pages_analyzed = $4, final_url = COALESCE($5, final_url), \
                     crawl_state = $6, updated_at = $7 WHERE id = $1 AND claim_token = $2 AND status = 'processing'",
                )
                .bind(id)
                .bind(token)
                .bind(discovered)
                .bind(analyzed)
                .bind(final_url)
                .bind(sqlx::types::Json(crawl_state))
                .bind($crate::time::now())
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn put_scan_page(
                &self,
                id: i64,
                token: &str,
                url: &str,
                position: i64,
                data: &serde_json::Value,
            ) -> $crate::db::StoreResult<bool> {
                let done = sqlx::query(
                    "INSERT INTO scan_pages (scan_id, url, position, data, created_at) \
                     SELECT $1, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM scans WHERE id = $1 AND claim_token = $2 \
                     AND status = 'processing') \
                     ON CONFLICT (scan_id, url) DO UPDATE SET position = excluded.position, data = excluded.data",
                )
                .bind(id)
                .bind(token)
                .bind(url)
                .bind(position)
                .bind(sqlx::types::Json(data))
                .bind($crate::time::now())
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn scan_pages(&self, id: i64) -> $crate::db::StoreResult<Vec<$crate::db::ScanPageRow>> {
                Ok(sqlx::query_as("SELECT url, position, data FROM scan_pages WHERE scan_id = $1 ORDER BY position, id")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn complete_scan(
                &self,
                id: i64,
                token: &str,
                o: &$crate::db::ScanOutcome,
                events: &[$crate::db::WebhookEvent],
            ) -> $crate::db::StoreResult<bool> {
                let now = $crate::time::now();
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE scans SET status = 'completed', final_url = COALESCE($3, final_url), score = $4, grade = $5, \
                     category_scores = $6, report = $7, ruleset_revision = $8, pages_analyzed = $9, \
                     scan_duration_seconds = $10, completed_at = $11, updated_at = $11, crawl_state = NULL, error_message = '' \
                     WHERE id = $1 AND claim_token = $2 AND status = 'processing'",
                )
                .bind(id)
                .bind(token)
                .bind(&o.final_url)
                .bind(o.score)
                .bind(&o.grade)
                .bind(sqlx::types::Json(&o.category_scores))
                .bind(sqlx::types::Json(&o.report))
                .bind(o.ruleset_revision)
                .bind(o.pages_analyzed)
                .bind(o.duration_seconds)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let ended = done.rows_affected() == 1;
                if ended {
                    Self::insert_webhook_events(&mut tx, events).await?;
                }
                tx.commit().await?;
                Ok(ended)
            }

            async fn fail_scan(
                &self,
                id: i64,
                token: Option<&str>,
                error_message: &str,
                duration_seconds: f64,
                events: &[$crate::db::WebhookEvent],
            ) -> $crate::db::StoreResult<bool> {
                let now = $crate::time::now();
                let mut tx = self.begin_write().await?;
                let token_clause = if token.is_some() { "AND claim_token = $5" } else { "AND $5 IS NULL" };
                let sql = format!(
                    "UPDATE scans SET status = 'failed', error_message = $2, scan_duration_seconds = $3, completed_at = $4, \
                     updated_at = $4, crawl_state = NULL WHERE id = $1 AND status IN ('pending', 'processing') {token_clause}"
                );
                let done = sqlx::query(&sql)
                    .bind(id)
                    .bind(error_message)
                    .bind(duration_seconds)
                    .bind(now)
                    .bind(token)
                    .execute(&mut *tx)
                    .await?;
                let ended = done.rows_affected() == 1;
                if ended {
                    Self::insert_webhook_events(&mut tx, events).await?;
                }
                tx.commit().await?;
                Ok(ended)
            }

            async fn unfinished_scans_before(
                &self,
                before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<Vec<$crate::db::ScanRow>> {
                let sql = format!(
                    "SELECT {} FROM scans s WHERE s.status IN ('pending', 'processing') AND s.created_at < $1 LIMIT 100",
                    $crate::db::scans::SCAN_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(before).fetch_all(&self.pool).await?)
            }
        }
    };
}
pub(crate) use impl_scan_store;

/// [`scope_clause`] for the macro (which expands in the backend modules).
pub(crate) fn scope_clause_pub(scope: ScanScope) -> (&'static str, i64, Option<i64>) {
    scope_clause(scope)
}

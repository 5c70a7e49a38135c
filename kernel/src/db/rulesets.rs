//! Runtime rulesets (extensions.md §6.3-6.8): component blobs by SHA-256, extension versions, the upload audit,
//! immutable revisions, the one active revision with its history, instance reports, and the page reads that
//! re-scoring and previews need. The SQL is shared; the PostgreSQL notification and listener live in
//! `db/postgres/rulesets.rs`.

use super::{PageId, SiteId, StoreResult, UserId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::sync::Arc;

/// A stored extension version with who created it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExtensionVersionRow {
    pub id: i64,
    pub extension: String,
    pub version: String,
    pub kind: String,
    pub api_version: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub info: sqlx::types::Json<Value>,
    pub report: sqlx::types::Json<Value>,
    pub source: String,
    pub status: String,
    pub created_by: Option<i64>,
    pub created_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A validated component to register (the blob is inserted when absent).
#[derive(Debug, Clone)]
pub struct NewExtensionVersion {
    pub extension: String,
    pub version: String,
    pub kind: String,
    pub api_version: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
    pub info: Value,
    pub report: Value,
    pub source: String,
    pub created_by: Option<UserId>,
}

/// Filters of the extension list (every value bound).
#[derive(Debug, Clone, Default)]
pub struct ExtensionFilter {
    pub extension: Option<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// One upload attempt for the audit trail.
#[derive(Debug, Clone)]
pub struct UploadAudit {
    pub sha256: String,
    pub size_bytes: i64,
    pub outcome: String,
    pub report: Value,
    pub created_by: Option<UserId>,
}

/// A stored upload attempt.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UploadRow {
    pub id: i64,
    pub sha256: String,
    pub size_bytes: i64,
    pub outcome: String,
    pub report: sqlx::types::Json<Value>,
    pub created_by: Option<i64>,
    pub created_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A revision to insert (idempotent by `entries_sha256`).
#[derive(Debug, Clone)]
pub struct NewRevision {
    pub entries: Value,
    pub entries_sha256: String,
    pub comment: String,
    pub source: String,
    pub created_by: Option<UserId>,
}

/// A stored revision; `activated_at` is the last time it became active.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevisionRow {
    pub id: i64,
    pub entries: sqlx::types::Json<Value>,
    pub entries_sha256: String,
    pub comment: String,
    pub source: String,
    pub created_by: Option<i64>,
    pub created_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
}

/// The row every instance converges on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ActiveRow {
    pub revision: i64,
    pub generation: i64,
    pub activated_by: Option<i64>,
    pub activated_at: DateTime<Utc>,
}

/// One activation of the history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivationRow {
    pub id: i64,
    pub revision: i64,
    pub previous_revision: Option<i64>,
    pub generation: i64,
    pub kind: String,
    pub activated_by: Option<i64>,
    pub activated_by_email: Option<String>,
    pub activated_at: DateTime<Utc>,
}

/// What an instance reports about itself.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstanceRow {
    pub instance_id: String,
    pub hostname: String,
    pub revision: Option<i64>,
    pub generation: Option<i64>,
    pub state: String,
    pub error: Option<String>,
    pub heartbeat_at: DateTime<Utc>,
}

/// How activation went: `changed` is false when the revision was already active (nothing written).
#[derive(Debug, Clone, Copy)]
pub struct Activated {
    pub active: ActiveRow,
    pub previous: Option<i64>,
    pub changed: bool,
}

#[async_trait::async_trait]
pub trait RulesetStore: Send + Sync {
    async fn extension_version(&self, id: i64) -> StoreResult<ExtensionVersionRow>;
    async fn extension_version_by_sha(
        &self,
        sha256: &str,
    ) -> StoreResult<Option<ExtensionVersionRow>>;
    async fn extension_version_by_name(
        &self,
        extension: &str,
        version: &str,
    ) -> StoreResult<Option<ExtensionVersionRow>>;
    /// The kind an extension id was first registered with, if any.
    async fn extension_kind(&self, extension: &str) -> StoreResult<Option<String>>;
    async fn list_extension_versions(
        &self,
        filter: &ExtensionFilter,
    ) -> StoreResult<(i64, Vec<ExtensionVersionRow>)>;
    /// Inserts the blob (if absent) and the version (if `(extension, version)` is new); returns the stored row and
    /// whether it was created now.
    async fn register_extension_version(
        &self,
        new: &NewExtensionVersion,
    ) -> StoreResult<(ExtensionVersionRow, bool)>;
    /// The component bytes of a blob.
    async fn extension_blob(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>>;
    async fn record_upload(&self, audit: &UploadAudit) -> StoreResult<()>;
    async fn list_uploads(&self, offset: i64, limit: i64) -> StoreResult<(i64, Vec<UploadRow>)>;

    /// Inserts a revision unless identical entries exist; returns it and whether it was created now.
    async fn create_revision(&self, new: &NewRevision) -> StoreResult<(RevisionRow, bool)>;
    async fn revision(&self, id: i64) -> StoreResult<RevisionRow>;
    async fn list_revisions(&self, offset: i64, limit: i64)
    -> StoreResult<(i64, Vec<RevisionRow>)>;

    async fn active_ruleset(&self) -> StoreResult<Option<ActiveRow>>;
    /// Makes `revision` active in one transaction (row update, history row, notification at commit). Activating
    /// the active revision writes nothing. With `only_if_unset`, an existing active row is left alone.
    async fn activate_revision(
        &self,
        revision: i64,
        kind: &str,
        by: Option<UserId>,
        only_if_unset: bool,
    ) -> StoreResult<Activated>;
    /// The activation history, oldest first (at most `limit` newest rows).
    async fn activation_history(&self, limit: i64) -> StoreResult<Vec<ActivationRow>>;
    async fn list_activations(
        &self,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(i64, Vec<ActivationRow>)>;

    async fn upsert_instance(&self, row: &InstanceRow) -> StoreResult<()>;
    async fn remove_instance(&self, instance_id: &str) -> StoreResult<()>;
    /// Instances heard from since `since`.
    async fn live_instances(&self, since: DateTime<Utc>) -> StoreResult<Vec<InstanceRow>>;
    /// Wakes `wake` on every activation notification from any instance (PostgreSQL LISTEN, re-established with
    /// backoff). False when the backend has no notifications (SQLite: one instance, polling only).
    async fn listen_for_activations(&self, wake: Arc<tokio::sync::Notify>) -> bool;

    /// Sites with at least one page not scored under `revision`.
    async fn sites_to_rescore(&self, revision: i64) -> StoreResult<Vec<SiteId>>;
    /// The next `limit` pages of a site after `after` (id order) not scored under `revision`.
    async fn pages_to_rescore(
        &self,
        site: SiteId,
        revision: i64,
        after: PageId,
        limit: i64,
    ) -> StoreResult<Vec<PageId>>;
    /// Pages not scored under `revision`, installation-wide.
    async fn rescore_pending(&self, revision: i64) -> StoreResult<i64>;
    /// Pages scored under `revision`, installation-wide.
    async fn rescore_done(&self, revision: i64) -> StoreResult<i64>;
    /// The lowest `limit` page ids of a site (previews).
    async fn site_page_ids(&self, site: SiteId, limit: i64) -> StoreResult<Vec<PageId>>;
}

pub(crate) const VERSION_COLUMNS: &str = "v.id, v.extension, v.version, v.kind, v.api_version, v.sha256, b.size_bytes, \
     v.info, v.report, v.source, v.status, v.created_by, u.email AS created_by_email, v.created_at";
pub(crate) const VERSION_FROM: &str = "extension_versions v JOIN extension_blobs b ON b.sha256 = v.sha256 \
     LEFT JOIN users u ON u.id = v.created_by";
pub(crate) const REVISION_SELECT: &str = "SELECT r.id, r.entries, r.entries_sha256, r.comment, r.source, r.created_by, \
     u.email AS created_by_email, r.created_at, \
     (SELECT MAX(a.activated_at) FROM ruleset_activations a WHERE a.revision = r.id) AS activated_at \
     FROM ruleset_revisions r LEFT JOIN users u ON u.id = r.created_by";
pub(crate) const ACTIVATION_SELECT: &str = "SELECT a.id, a.revision, a.previous_revision, a.generation, a.kind, \
     a.activated_by, u.email AS activated_by_email, a.activated_at FROM ruleset_activations a \
     LEFT JOIN users u ON u.id = a.activated_by";
/// Pages that re-scoring still has to bring to revision `$1` (never-scored pages included).
pub(crate) const STALE: &str = "(p.ruleset_revision IS NULL OR p.ruleset_revision <> $1)";

/// The shared SQL for one backend. The backend supplies `begin_write` (its write transaction) and
/// `notify_activation_dialect` / `listen_dialect` (PostgreSQL notifications; no-ops on SQLite).
macro_rules! impl_ruleset_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::RulesetStore for $store {
            async fn extension_version(&self, id: i64) -> $crate::db::StoreResult<$crate::db::ExtensionVersionRow> {
                use $crate::db::rulesets::{VERSION_COLUMNS, VERSION_FROM};
                sqlx::query_as(&format!("SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} WHERE v.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or($crate::db::StoreError::NotFound)
            }

            async fn extension_version_by_sha(&self, sha256: &str) -> $crate::db::StoreResult<Option<$crate::db::ExtensionVersionRow>> {
                use $crate::db::rulesets::{VERSION_COLUMNS, VERSION_FROM};
                Ok(sqlx::query_as(&format!("SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} WHERE v.sha256 = $1 ORDER BY v.id LIMIT 1"))
                    .bind(sha256)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn extension_version_by_name(
                &self,
                extension: &str,
                version: &str,
            ) -> $crate::db::StoreResult<Option<$crate::db::ExtensionVersionRow>> {
                use $crate::db::rulesets::{VERSION_COLUMNS, VERSION_FROM};
                Ok(sqlx::query_as(&format!(
                    "SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} WHERE v.extension = $1 AND v.version = $2"
                ))
                .bind(extension)
                .bind(version)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn extension_kind(&self, extension: &str) -> $crate::db::StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT kind FROM extension_versions WHERE extension = $1 ORDER BY id LIMIT 1")
                    .bind(extension)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_extension_versions(
                &self,
                filter: &$crate::db::ExtensionFilter,
            ) -> $crate::db::StoreResult<(i64, Vec<$crate::db::ExtensionVersionRow>)> {
                use $crate::db::rulesets::{VERSION_COLUMNS, VERSION_FROM};
                let mut clauses = vec!["1 = 1".to_string()];
                let mut values: Vec<String> = Vec::new();
                for (column, value) in [
                    ("v.extension", &filter.extension),
                    ("v.kind", &filter.kind),
                    ("v.source", &filter.source),
                    ("v.status", &filter.status),
                ] {
                    if let Some(value) = value {
                        values.push(value.clone());
                        clauses.push(format!("{column} = ${}", values.len()));
                    }
                }
                let wh = clauses.join(" AND ");
                let count_sql = format!("SELECT COUNT(*) FROM {VERSION_FROM} WHERE {wh}");
                let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
                for v in &values {
                    count = count.bind(v);
                }
                let total = count.fetch_one(&self.pool).await?;
                let n = values.len();
                let sql = format!(
                    "SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} WHERE {wh} ORDER BY v.created_at DESC, v.id DESC \
                     LIMIT ${} OFFSET ${}",
                    n + 1,
                    n + 2
                );
                let mut rows = sqlx::query_as::<_, $crate::db::ExtensionVersionRow>(&sql);
                for v in &values {
                    rows = rows.bind(v);
                }
                let rows = rows.bind(filter.limit).bind(filter.offset).fetch_all(&self.pool).await?;
                Ok((total, rows))
            }

            async fn register_extension_version(
                &self,
                new: &$crate::db::NewExtensionVersion,
            ) -> $crate::db::StoreResult<($crate::db::ExtensionVersionRow, bool)> {
                let now = $crate::time::now();
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO extension_blobs (sha256, bytes, size_bytes, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&new.sha256)
                .bind(&new.bytes)
                .bind(new.bytes.len() as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let created: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO extension_versions (extension, version, kind, api_version, sha256, info, report, source, \
                     status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'validated', $9, $10) \
                     ON CONFLICT (extension, version) DO NOTHING RETURNING id",
                )
                .bind(&new.extension)
                .bind(&new.version)
                .bind(&new.kind)
                .bind(&new.api_version)
                .bind(&new.sha256)
                .bind(sqlx::types::Json(&new.info))
                .bind(sqlx::types::Json(&new.report))
                .bind(&new.source)
                .bind(new.created_by.map(|u| u.0))
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                let row = $crate::db::RulesetStore::extension_version_by_name(self, &new.extension, &new.version)
                    .await?
                    .ok_or($crate::db::StoreError::NotFound)?;
                Ok((row, created.is_some()))
            }

            async fn extension_blob(&self, sha256: &str) -> $crate::db::StoreResult<Option<Vec<u8>>> {
                Ok(sqlx::query_scalar("SELECT bytes FROM extension_blobs WHERE sha256 = $1")
                    .bind(sha256)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn record_upload(&self, audit: &$crate::db::UploadAudit) -> $crate::db::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO extension_uploads (sha256, size_bytes, outcome, report, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&audit.sha256)
                .bind(audit.size_bytes)
                .bind(&audit.outcome)
                .bind(sqlx::types::Json(&audit.report))
                .bind(audit.created_by.map(|u| u.0))
                .bind($crate::time::now())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn list_uploads(&self, offset: i64, limit: i64) -> $crate::db::StoreResult<(i64, Vec<$crate::db::UploadRow>)> {
                let total = sqlx::query_scalar("SELECT COUNT(*) FROM extension_uploads").fetch_one(&self.pool).await?;
                let rows = sqlx::query_as(
                    "SELECT x.id, x.sha256, x.size_bytes, x.outcome, x.report, x.created_by, u.email AS created_by_email, \
                     x.created_at FROM extension_uploads x LEFT JOIN users u ON u.id = x.created_by \
                     ORDER BY x.created_at DESC, x.id DESC LIMIT $1 OFFSET $2",
                )
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                Ok((total, rows))
            }

            async fn create_revision(&self, new: &$crate::db::NewRevision) -> $crate::db::StoreResult<($crate::db::RevisionRow, bool)> {
                let created: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO ruleset_revisions (entries, entries_sha256, comment, source, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (entries_sha256) DO NOTHING RETURNING id",
                )
                .bind(sqlx::types::Json(&new.entries))
                .bind(&new.entries_sha256)
                .bind(&new.comment)
                .bind(&new.source)
                .bind(new.created_by.map(|u| u.0))
                .bind($crate::time::now())
                .fetch_optional(&self.pool)
                .await?;
                if created.is_some() {
                    Self::notify_created_dialect(&self.pool).await;
                }
                let row = sqlx::query_as(&format!("{} WHERE r.entries_sha256 = $1", $crate::db::rulesets::REVISION_SELECT))
                    .bind(&new.entries_sha256)
                    .fetch_one(&self.pool)
                    .await?;
                Ok((row, created.is_some()))
            }

            async fn revision(&self, id: i64) -> $crate::db::StoreResult<$crate::db::RevisionRow> {
                sqlx::query_as(&format!("{} WHERE r.id = $1", $crate::db::rulesets::REVISION_SELECT))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or($crate::db::StoreError::NotFound)
            }

            async fn list_revisions(&self, offset: i64, limit: i64) -> $crate::db::StoreResult<(i64, Vec<$crate::db::RevisionRow>)> {
                let total = sqlx::query_scalar("SELECT COUNT(*) FROM ruleset_revisions").fetch_one(&self.pool).await?;
                let rows = sqlx::query_as(&format!(
                    "{} ORDER BY r.created_at DESC, r.id DESC LIMIT $1 OFFSET $2",
                    $crate::db::rulesets::REVISION_SELECT
                ))
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                Ok((total, rows))
            }

            async fn active_ruleset(&self) -> $crate::db::StoreResult<Option<$crate::db::ActiveRow>> {
                Ok(sqlx::query_as("SELECT revision, generation, activated_by, activated_at FROM ruleset_active")
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn activate_revision(
                &self,
                revision: i64,
                kind: &str,
                by: Option<$crate::db::UserId>,
                only_if_unset: bool,
            ) -> $crate::db::StoreResult<$crate::db::Activated> {
                let now = $crate::time::now();
                let by = by.map(|u| u.0);
                let mut tx = self.begin_write().await?;
                let current: Option<$crate::db::ActiveRow> = sqlx::query_as(&format!(
                    "SELECT revision, generation, activated_by, activated_at FROM ruleset_active{}",
                    <$store as $crate::db::Backend>::LOCK_ROW
                ))
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(current) = current
                    && (only_if_unset || current.revision == revision)
                {
                    tx.commit().await?;
                    return Ok($crate::db::Activated { active: current, previous: Some(current.revision), changed: false });
                }
                let generation = current.map_or(1, |c| c.generation + 1);
                let previous = current.map(|c| c.revision);
                // Two instances bootstrapping a fresh database race to insert the row: the loser changes nothing.
                let written = if current.is_some() {
                    sqlx::query("UPDATE ruleset_active SET revision = $1, generation = $2, activated_by = $3, activated_at = $4")
                        .bind(revision)
                        .bind(generation)
                        .bind(by)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                } else {
                    sqlx::query(
                        "INSERT INTO ruleset_active (singleton, revision, generation, activated_by, activated_at) \
                         VALUES (TRUE, $1, $2, $3, $4) ON CONFLICT (singleton) DO NOTHING",
                    )
                    .bind(revision)
                    .bind(generation)
                    .bind(by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                };
                if written == 0 {
                    tx.commit().await?;
                    let active = $crate::db::RulesetStore::active_ruleset(self).await?.ok_or($crate::db::StoreError::NotFound)?;
                    return Ok($crate::db::Activated { active, previous, changed: false });
                }
                sqlx::query(
                    "INSERT INTO ruleset_activations (revision, previous_revision, generation, kind, activated_by, activated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(revision)
                .bind(previous)
                .bind(generation)
                .bind(kind)
                .bind(by)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                Self::notify_activation_dialect(&mut tx, revision, generation).await?;
                tx.commit().await?;
                Ok($crate::db::Activated {
                    active: $crate::db::ActiveRow { revision, generation, activated_by: by, activated_at: now },
                    previous,
                    changed: true,
                })
            }

            async fn activation_history(&self, limit: i64) -> $crate::db::StoreResult<Vec<$crate::db::ActivationRow>> {
                let mut rows: Vec<$crate::db::ActivationRow> = sqlx::query_as(&format!(
                    "{} ORDER BY a.id DESC LIMIT $1",
                    $crate::db::rulesets::ACTIVATION_SELECT
                ))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.reverse();
                Ok(rows)
            }

            async fn list_activations(&self, offset: i64, limit: i64) -> $crate::db::StoreResult<(i64, Vec<$crate::db::ActivationRow>)> {
                let total = sqlx::query_scalar("SELECT COUNT(*) FROM ruleset_activations").fetch_one(&self.pool).await?;
                let rows = sqlx::query_as(&format!(
                    "{} ORDER BY a.activated_at DESC, a.id DESC LIMIT $1 OFFSET $2",
                    $crate::db::rulesets::ACTIVATION_SELECT
                ))
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                Ok((total, rows))
            }

            async fn upsert_instance(&self, row: &$crate::db::InstanceRow) -> $crate::db::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO extension_instances (instance_id, hostname, revision, generation, state, error, heartbeat_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (instance_id) DO UPDATE SET hostname = $2, \
                     revision = $3, generation = $4, state = $5, error = $6, heartbeat_at = $7",
                )
                .bind(&row.instance_id)
                .bind(&row.hostname)
                .bind(row.revision)
                .bind(row.generation)
                .bind(&row.state)
                .bind(&row.error)
                .bind(row.heartbeat_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn remove_instance(&self, instance_id: &str) -> $crate::db::StoreResult<()> {
                sqlx::query("DELETE FROM extension_instances WHERE instance_id = $1")
                    .bind(instance_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn live_instances(&self, since: chrono::DateTime<chrono::Utc>) -> $crate::db::StoreResult<Vec<$crate::db::InstanceRow>> {
                Ok(sqlx::query_as(
                    "SELECT instance_id, hostname, revision, generation, state, error, heartbeat_at FROM extension_instances \
                     WHERE heartbeat_at >= $1 ORDER BY instance_id",
                )
                .bind(since)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn listen_for_activations(&self, wake: std::sync::Arc<tokio::sync::Notify>) -> bool {
                self.listen_dialect(wake).await
            }

            async fn sites_to_rescore(&self, revision: i64) -> $crate::db::StoreResult<Vec<$crate::db::SiteId>> {
                Ok(sqlx::query_scalar(&format!(
                    "SELECT DISTINCT p.site_id FROM pages p WHERE {} ORDER BY p.site_id",
                    $crate::db::rulesets::STALE
                ))
                .bind(revision)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn pages_to_rescore(
                &self,
                site: $crate::db::SiteId,
                revision: i64,
                after: $crate::db::PageId,
                limit: i64,
            ) -> $crate::db::StoreResult<Vec<$crate::db::PageId>> {
                Ok(sqlx::query_scalar(&format!(
                    "SELECT p.id FROM pages p WHERE {} AND p.site_id = $2 AND p.id > $3 ORDER BY p.id LIMIT $4",
                    $crate::db::rulesets::STALE
                ))
                .bind(revision)
                .bind(site)
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn rescore_pending(&self, revision: i64) -> $crate::db::StoreResult<i64> {
                Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM pages p WHERE {}", $crate::db::rulesets::STALE))
                    .bind(revision)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn rescore_done(&self, revision: i64) -> $crate::db::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM pages p WHERE p.ruleset_revision = $1")
                    .bind(revision)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn site_page_ids(&self, site: $crate::db::SiteId, limit: i64) -> $crate::db::StoreResult<Vec<$crate::db::PageId>> {
                Ok(sqlx::query_scalar("SELECT id FROM pages WHERE site_id = $1 ORDER BY id LIMIT $2")
                    .bind(site)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}
pub(crate) use impl_ruleset_store;

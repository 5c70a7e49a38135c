//! Storage: one trait per aggregate, a `Store` that is all of them, and two implementations (SQLite, PostgreSQL)
//! chosen from the database URL's scheme.
//!
//! Queries are plain runtime sqlx queries per backend. Every error leaves this module as a [`StoreError`]; unique
//! violations are mapped to a named [`Constraint`] in one place ([`error`]), so callers branch on meaning, never on
//! driver text.

mod api_keys;
mod error;
mod ids;
pub(crate) mod jobs;
pub(crate) mod keys;
pub(crate) mod pages;
pub mod postgres;
pub(crate) mod rulesets;
pub(crate) mod scans;
mod sessions;
pub(crate) mod sites;
pub mod sqlite;
pub(crate) mod usage_stats;
mod users;
pub(crate) mod webhooks;

pub use api_keys::*;
pub use error::{Constraint, StoreError, StoreResult};
pub use ids::*;
pub use jobs::{ClaimedJob, JobStore, NewJob, Retry};
pub use keys::{ApiKeyRow, ApiKeyStore, CreateKey, RotateKey};
pub use pages::{
    PageFilter, PageRecord, PageSite, PageStore, PageWrite, SeoDataRecord, StoredScore, Upserted,
    Val, search_words, title_search_text,
};
pub use rulesets::{
    Activated, ActivationRow, ActiveRow, ExtensionFilter, ExtensionVersionRow, InstanceRow,
    NewExtensionVersion, NewRevision, RevisionRow, RulesetStore, UploadAudit, UploadRow,
};
pub use scans::{NewScan, ScanFilter, ScanOutcome, ScanPageRow, ScanRow, ScanScope, ScanStore};
pub use sessions::*;
pub use sites::*;
pub use usage_stats::{UsageIncrement, UsageRow, UsageStatsStore};
pub use users::*;
pub use webhooks::{
    CreateEndpoint, DeliveryAttempt, WebhookDeliveryRow, WebhookEndpointRow, WebhookEndpointWrite,
    WebhookEvent, WebhookStore, delivery_job,
};

use crate::config::DatabaseConfig;
use std::path::PathBuf;
use std::sync::Arc;

/// What shared SQL needs to know about a backend: its sqlx database type (so one statement can run on a pool
/// or a transaction of either) and the few dialect words that differ.
pub(crate) trait Backend {
    type Db: sqlx::Database;
    /// Appended to a `SELECT` that must lock its row until commit (`FOR UPDATE` on PostgreSQL; SQLite's
    /// `BEGIN IMMEDIATE` already holds the database write lock).
    const LOCK_ROW: &'static str;
}

/// Administrative operations every backend offers.
#[async_trait::async_trait]
pub trait StoreAdmin: Send + Sync {
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;
    /// Applies pending migrations from `migrations/<backend>/` (embedded in the binary).
    async fn migrate(&self) -> StoreResult<()>;
    /// True when every embedded migration has been applied.
    async fn migrations_current(&self) -> StoreResult<bool>;
    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;
    /// Closes the pool (graceful shutdown).
    async fn close(&self);
    /// The pool's open connections and how many of them are idle (`/metrics`).
    fn pool_connections(&self) -> (u32, usize);
}

/// The whole storage surface. Capability modules take `&dyn Store` (or a narrower trait) and never see sqlx.
/// Each backend declares itself with an empty `impl Store`, which the compiler checks against this list.
pub trait Store:
    StoreAdmin
    + UserStore
    + SessionStore
    + SiteStore
    + ApiKeyAuthStore
    + ApiKeyStore
    + PageStore
    + JobStore
    + ScanStore
    + RulesetStore
    + UsageStatsStore
    + WebhookStore
{
}
pub type DynStore = Arc<dyn Store>;

/// Opens the database named by `config.url` (creating an SQLite file on first start).
pub async fn connect(config: &DatabaseConfig) -> StoreResult<DynStore> {
    let url = config.url.trim();
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(config).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(config).await?))
    } else {
        Err(StoreError::Other(format!(
            "database.url must start with sqlite:// or postgres:// (got scheme {:?})",
            url.split(':').next().unwrap_or("")
        )))
    }
}

/// Retries [`connect`] with backoff for up to `connect_retry_secs` (DB-6), logging the host, never the password.
pub async fn connect_with_retry(config: &DatabaseConfig) -> StoreResult<DynStore> {
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_secs(config.connect_retry_secs);
    let mut delay = std::time::Duration::from_millis(250);
    loop {
        match connect(config).await {
            Ok(store) => return Ok(store),
            Err(StoreError::Unavailable(reason)) if std::time::Instant::now() < deadline => {
                tracing::warn!(database = %redact_url(&config.url), %reason, "database unreachable; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(std::time::Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// The file path of an `sqlite:` URL, if it names a file.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.trim().strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(PathBuf::from(path))
    }
}

/// A database URL with its password replaced, safe for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<unparseable database url>".into(),
    }
}

/// Compares the embedded migrations with the `_sqlx_migrations` table of a pool.
async fn migrations_current<DB>(
    migrator: &sqlx::migrate::Migrator,
    pool: &sqlx::Pool<DB>,
) -> StoreResult<bool>
where
    DB: sqlx::Database,
    DB::Connection: sqlx::migrate::Migrate,
{
    use sqlx::migrate::Migrate;
    let mut conn = pool.acquire().await?;
    let applied = conn.list_applied_migrations().await?;
    Ok(migrator
        .iter()
        .all(|m| applied.iter().any(|a| a.version == m.version)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_read_from_urls() {
        assert_eq!(
            sqlite_path("sqlite://siloq.db"),
            Some(PathBuf::from("siloq.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/siloq/siloq.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/siloq/siloq.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x@y/z"), None);
    }

    #[test]
    fn passwords_never_reach_logs() {
        let redacted = redact_url("postgres://app:hunter2@db:5432/siloq");
        assert!(!redacted.contains("hunter2"));
        assert!(redacted.contains("db:5432"));
    }
}

//! The embedded SQLite backend: one file, WAL journal, foreign keys on, `busy_timeout` for writer contention.

use super::{StoreAdmin, StoreError, StoreResult};
use crate::config::DatabaseConfig;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

mod jobs;
mod pages;
mod rulesets;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(config: &DatabaseConfig) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(config.url.trim())
            .map_err(|e| StoreError::Other(format!("invalid sqlite url: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(config.busy_timeout_secs));
        let pool = SqlitePoolOptions::new()
            .max_connections(config.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(config.acquire_timeout_secs))
            .connect_with(options)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Other(msg) => StoreError::Unavailable(msg),
                other => other,
            })?;
        Ok(Self { pool })
    }

    /// A write transaction that takes the write lock up front (`BEGIN IMMEDIATE`), so read-then-write sequences
    /// wait for `busy_timeout` instead of failing on a stale snapshot.
    pub(crate) async fn begin_write(
        &self,
    ) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

#[async_trait::async_trait]
impl StoreAdmin for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> StoreResult<()> {
        Ok(MIGRATOR.run(&self.pool).await?)
    }

    async fn migrations_current(&self) -> StoreResult<bool> {
        super::migrations_current(&MIGRATOR, &self.pool).await
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    fn pool_connections(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }
}

super::users::impl_user_store!(SqliteStore);
super::sessions::impl_session_store!(SqliteStore, SqliteStore::begin_write);
super::sites::impl_site_store!(SqliteStore);
super::api_keys::impl_api_key_auth_store!(SqliteStore);
super::pages::impl_page_store!(SqliteStore);
super::jobs::impl_job_writes!(SqliteStore);
super::keys::impl_api_key_store!(SqliteStore);
super::scans::impl_scan_store!(SqliteStore);
super::rulesets::impl_ruleset_store!(SqliteStore);
super::usage_stats::impl_usage_stats_store!(SqliteStore);
super::webhooks::impl_webhook_store!(SqliteStore);

impl super::Backend for SqliteStore {
    type Db = sqlx::Sqlite;
    const LOCK_ROW: &'static str = "";
}

impl super::Store for SqliteStore {}

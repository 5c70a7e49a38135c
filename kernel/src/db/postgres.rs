//! The PostgreSQL backend for production and scale-out (many stateless instances over one database).

use super::{StoreAdmin, StoreError, StoreResult};
use crate::config::DatabaseConfig;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

mod jobs;
mod pages;
mod rulesets;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    pub async fn connect(config: &DatabaseConfig) -> StoreResult<Self> {
        let statement_timeout = format!("{}s", config.statement_timeout_secs);
        let options = PgConnectOptions::from_str(config.url.trim())
            .map_err(|e| StoreError::Other(format!("invalid postgres url: {e}")))?
            .options([("statement_timeout", statement_timeout.as_str())])
            .application_name("siloq");
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections.max(1))
            // Fail fast (DB-1): a request waits at most this long for a connection, then gets 503.
            .acquire_timeout(Duration::from_secs(config.acquire_timeout_secs))
            .test_before_acquire(true)
            .idle_timeout(Duration::from_secs(300))
            .max_lifetime(Duration::from_secs(1800))
            .connect_with(options)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Other(msg) => StoreError::Unavailable(msg),
                other => other,
            })?;
        Ok(Self { pool })
    }

    /// A write transaction; row locks (`FOR UPDATE`) serialise the read-then-write sequences that need it.
    pub(crate) async fn begin_write(
        &self,
    ) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

#[async_trait::async_trait]
impl StoreAdmin for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
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

super::users::impl_user_store!(PgStore);
super::sessions::impl_session_store!(PgStore, super::sessions::pg_begin);
super::sites::impl_site_store!(PgStore);
super::api_keys::impl_api_key_auth_store!(PgStore);
super::pages::impl_page_store!(PgStore);
super::jobs::impl_job_writes!(PgStore);
super::keys::impl_api_key_store!(PgStore);
super::scans::impl_scan_store!(PgStore);
super::rulesets::impl_ruleset_store!(PgStore);
super::usage_stats::impl_usage_stats_store!(PgStore);
super::webhooks::impl_webhook_store!(PgStore);

impl super::Backend for PgStore {
    type Db = sqlx::Postgres;
    const LOCK_ROW: &'static str = " FOR UPDATE";
}

impl super::Store for PgStore {}

//! PostgreSQL side of the ruleset store (extensions.md §6.8): an activation sends `siloq_ruleset` inside its
//! transaction (PostgreSQL delivers it at commit), a new revision sends `siloq_ruleset_created`, and every instance
//! keeps a listener that wakes its convergence loop. Notifications sent while a listener reconnects are lost; the
//! loop's 2 s poll covers that gap.

use super::PgStore;
use crate::db::StoreResult;
use sqlx::postgres::PgListener;
use std::sync::Arc;
use std::time::Duration;

pub(crate) const ACTIVATED_CHANNEL: &str = "siloq_ruleset";
pub(crate) const CREATED_CHANNEL: &str = "siloq_ruleset_created";

impl PgStore {
    pub(crate) async fn notify_activation_dialect(
        tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
        revision: i64,
        generation: i64,
    ) -> StoreResult<()> {
        let payload =
            serde_json::json!({ "revision": revision, "generation": generation }).to_string();
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(ACTIVATED_CHANNEL)
            .bind(payload)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Best effort: a lost pre-warming hint only means a later activation compiles on demand.
    pub(crate) async fn notify_created_dialect(pool: &sqlx::PgPool) {
        if let Err(e) = sqlx::query("SELECT pg_notify($1, '')")
            .bind(CREATED_CHANNEL)
            .execute(pool)
            .await
        {
            tracing::debug!(error = %e, "revision-created notification not sent");
        }
    }

    /// Spawns the listener task; it lives as long as the pool is open.
    pub(crate) async fn listen_dialect(&self, wake: Arc<tokio::sync::Notify>) -> bool {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(200);
            while !pool.is_closed() {
                match listen_once(&pool, &wake).await {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "ruleset listener lost; reconnecting");
                        // Whatever was sent meanwhile is lost: let the loop poll now.
                        wake.notify_one();
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                    }
                }
            }
        });
        true
    }
}

/// Listens until the connection fails (`Err`) or the pool closes (`Ok`).
async fn listen_once(pool: &sqlx::PgPool, wake: &tokio::sync::Notify) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener
        .listen_all([ACTIVATED_CHANNEL, CREATED_CHANNEL])
        .await?;
    loop {
        if pool.is_closed() {
            return Ok(());
        }
        // `try_recv` reports a dropped connection as `None` instead of silently reconnecting.
        match tokio::time::timeout(Duration::from_secs(5), listener.try_recv()).await {
            Err(_) => continue,
            Ok(Ok(Some(_))) => wake.notify_one(),
            Ok(Ok(None)) => return Err(sqlx::Error::PoolClosed),
            Ok(Err(e)) => return Err(e),
        }
    }
}

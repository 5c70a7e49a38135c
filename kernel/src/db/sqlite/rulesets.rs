//! SQLite side of the ruleset store: a single instance has nobody to notify, so activations are seen through the
//! in-process wake-up and the 2 s poll (extensions.md §6.8).

use super::SqliteStore;
use crate::db::StoreResult;
use std::sync::Arc;

impl SqliteStore {
    pub(crate) async fn notify_activation_dialect(
        _tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        _revision: i64,
        _generation: i64,
    ) -> StoreResult<()> {
        Ok(())
    }

    pub(crate) async fn notify_created_dialect(_pool: &sqlx::SqlitePool) {}

    pub(crate) async fn listen_dialect(&self, _wake: Arc<tokio::sync::Notify>) -> bool {
        false
    }
}

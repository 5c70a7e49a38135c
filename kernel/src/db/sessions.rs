//! Login sessions (refresh families), refresh tokens and the access-token denylist.

use super::{StoreResult, UserId};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
pub trait SessionStore: Send + Sync {
    /// Starts a login session `sid` for a user, ending at `expires_at` whatever happens later.
    async fn create_session(
        &self,
        sid: &str,
        user: UserId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// True when `jti` is on the denylist or session `sid` is revoked or past its absolute expiry.
    async fn access_token_revoked(&self, jti: &str, sid: &str) -> StoreResult<bool>;
}

/// Shared SQL of [`SessionStore`] for both backends (portable `$n` placeholders).
macro_rules! impl_session_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::SessionStore for $store {
            async fn create_session(
                &self,
                sid: &str,
                user: $crate::db::UserId,
                expires_at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<()> {
                sqlx::query("INSERT INTO auth_sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(sid)
                    .bind(user)
                    .bind($crate::time::now())
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn access_token_revoked(&self, jti: &str, sid: &str) -> $crate::db::StoreResult<bool> {
                let now = $crate::time::now();
                let revoked: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM token_denylist WHERE jti = $1) \
                         OR NOT EXISTS (SELECT 1 FROM auth_sessions WHERE id = $2 AND revoked_at IS NULL AND expires_at > $3)",
                )
                .bind(jti)
                .bind(sid)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                Ok(revoked)
            }
        }
    };
}
pub(crate) use impl_session_store;

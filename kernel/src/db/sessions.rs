//! Login sessions (refresh families), refresh tokens, the access-token denylist and failed-login counts.

use super::{StoreResult, UserId};
use chrono::{DateTime, Utc};

/// A refresh token row to insert; `token_hash` is the lowercase hex SHA-256 of the token, never the token.
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub token_hash: String,
    pub session_id: String,
    pub parent_hash: Option<String>,
    pub issued_at: DateTime<Utc>,
    /// Never later than the session's own expiry (RT-2).
    pub expires_at: DateTime<Utc>,
}

/// The session a refresh token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRef {
    pub session_id: String,
    pub user_id: UserId,
}

/// What one presentation of a refresh token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was live and is now spent; its child was stored in the same transaction.
    Rotated(SessionRef),
    /// The token had already been spent: its session is now revoked (RT-4).
    Reused(SessionRef),
    /// Unknown, expired, of an ended or revoked session, or of an inactive user. Nothing changed.
    Rejected,
}

/// Row counts removed by [`SessionStore::purge_expired_auth_state`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeCounts {
    pub denylist: u64,
    pub sessions: u64,
    pub login_failures: u64,
}

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

    /// Stores a refresh token whose expiry is capped at its session's expiry.
    async fn insert_refresh_token(&self, token: &NewRefreshToken) -> StoreResult<()>;

    /// Claims the token `presented_hash` in one conditional write (`used_at` set only where it is still unused,
    /// unexpired, its session live and its user active) and, in the same transaction, stores `child_hash` as its
    /// successor with the session's expiry. Of concurrent calls with one hash at most one returns `Rotated`;
    /// a spent token revokes its session and returns `Reused`.
    async fn rotate_refresh_token(
        &self,
        presented_hash: &str,
        child_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Rotation>;

    /// The session of a refresh token (spent or not) when that session is neither revoked nor ended.
    async fn live_refresh_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRef>>;

    /// Revokes a session (no-op when already revoked): its refresh tokens and access tokens die with it.
    async fn revoke_session(&self, sid: &str, reason: &str, now: DateTime<Utc>) -> StoreResult<()>;

    /// Puts an access token's `jti` on the denylist until `expires_at` (idempotent).
    async fn deny_access_token(&self, jti: &str, expires_at: DateTime<Utc>) -> StoreResult<()>;

    /// Records one failed login for a normalised email.
    async fn record_login_failure(&self, email: &str, at: DateTime<Utc>) -> StoreResult<()>;

    /// The newest `limit` failure times of `email` after `since`, newest first.
    async fn recent_login_failures(
        &self,
        email: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<DateTime<Utc>>>;

    /// Forgets the failed logins of `email` (after a successful login).
    async fn clear_login_failures(&self, email: &str) -> StoreResult<()>;

    /// Deletes denylist rows expired before `denylist_before`, sessions (with their refresh tokens) past their
    /// absolute expiry at `now`, and failed logins older than `failures_before`.
    async fn purge_expired_auth_state(
        &self,
        now: DateTime<Utc>,
        denylist_before: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> StoreResult<PurgeCounts>;
}

/// Opens a plain PostgreSQL transaction: under READ COMMITTED the conditional `UPDATE ... WHERE used_at IS NULL`
/// takes the row lock, and a concurrent claimer re-checks the condition after the winner commits.
pub(super) async fn pg_begin(
    store: &super::postgres::PgStore,
) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
    Ok(store.pool.begin().await?)
}

/// Shared SQL of [`SessionStore`] for both backends (portable `$n` placeholders, `RETURNING`,
/// `ON CONFLICT DO NOTHING`). `$begin` opens the write transaction of the rotation: `BEGIN IMMEDIATE` on SQLite
/// (one writer at a time), a row-locking `BEGIN` on PostgreSQL.
macro_rules! impl_session_store {
    ($store:ty, $begin:path) => {
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

            async fn insert_refresh_token(&self, t: &$crate::db::NewRefreshToken) -> $crate::db::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO refresh_tokens (token_hash, session_id, parent_hash, issued_at, expires_at) \
                     SELECT $1, id, $3, $4, CASE WHEN expires_at < $5 THEN expires_at ELSE $5 END \
                     FROM auth_sessions WHERE id = $2",
                )
                .bind(&t.token_hash)
                .bind(&t.session_id)
                .bind(&t.parent_hash)
                .bind(t.issued_at)
                .bind(t.expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn rotate_refresh_token(
                &self,
                presented_hash: &str,
                child_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<$crate::db::Rotation> {
                use $crate::db::{Rotation, SessionRef};
                let mut tx = $begin(self).await?;
                // The claim: one conditional write. Only a caller that flips `used_at` from NULL gets a row back.
                let claimed: Option<String> = sqlx::query_scalar(
                    "UPDATE refresh_tokens SET used_at = $2 \
                     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
                       AND EXISTS (SELECT 1 FROM auth_sessions s JOIN users u ON u.id = s.user_id \
                                   WHERE s.id = refresh_tokens.session_id AND s.revoked_at IS NULL \
                                     AND s.expires_at > $2 AND u.is_active \
                                     AND (u.tokens_valid_after IS NULL OR s.created_at >= u.tokens_valid_after)) \
                     RETURNING session_id",
                )
                .bind(presented_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(session_id) = claimed {
                    let (user_id, expires_at): ($crate::db::UserId, chrono::DateTime<chrono::Utc>) =
                        sqlx::query_as("SELECT user_id, expires_at FROM auth_sessions WHERE id = $1")
                            .bind(&session_id)
                            .fetch_one(&mut *tx)
                            .await?;
                    sqlx::query(
                        "INSERT INTO refresh_tokens (token_hash, session_id, parent_hash, issued_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(child_hash)
                    .bind(&session_id)
                    .bind(presented_hash)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    return Ok(Rotation::Rotated(SessionRef { session_id, user_id }));
                }
                // Not claimable: tell a spent token (reuse: revoke the session) from any other failure.
                let row: Option<(String, $crate::db::UserId, Option<chrono::DateTime<chrono::Utc>>)> = sqlx::query_as(
                    "SELECT t.session_id, s.user_id, t.used_at FROM refresh_tokens t \
                     JOIN auth_sessions s ON s.id = t.session_id WHERE t.token_hash = $1",
                )
                .bind(presented_hash)
                .fetch_optional(&mut *tx)
                .await?;
                let outcome = match row {
                    Some((session_id, user_id, Some(_used_at))) => {
                        sqlx::query(
                            "UPDATE auth_sessions SET revoked_at = $2, revoke_reason = 'refresh_token_reused' \
                             WHERE id = $1 AND revoked_at IS NULL",
                        )
                        .bind(&session_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        Rotation::Reused(SessionRef { session_id, user_id })
                    }
                    _ => Rotation::Rejected,
                };
                tx.commit().await?;
                Ok(outcome)
            }

            async fn live_refresh_session(
                &self,
                token_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<Option<$crate::db::SessionRef>> {
                Ok(sqlx::query_as(
                    "SELECT t.session_id, s.user_id FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id \
                     WHERE t.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn revoke_session(
                &self,
                sid: &str,
                reason: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<()> {
                sqlx::query("UPDATE auth_sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL")
                    .bind(sid)
                    .bind(now)
                    .bind(reason)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn deny_access_token(
                &self,
                jti: &str,
                expires_at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<()> {
                sqlx::query("INSERT INTO token_denylist (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING")
                    .bind(jti)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn record_login_failure(
                &self,
                email: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<()> {
                sqlx::query("INSERT INTO login_failures (email, failed_at) VALUES ($1, $2)")
                    .bind(email)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn recent_login_failures(
                &self,
                email: &str,
                since: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> $crate::db::StoreResult<Vec<chrono::DateTime<chrono::Utc>>> {
                Ok(sqlx::query_scalar(
                    "SELECT failed_at FROM login_failures WHERE email = $1 AND failed_at > $2 \
                     ORDER BY failed_at DESC LIMIT $3",
                )
                .bind(email)
                .bind(since)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn clear_login_failures(&self, email: &str) -> $crate::db::StoreResult<()> {
                sqlx::query("DELETE FROM login_failures WHERE email = $1")
                    .bind(email)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn purge_expired_auth_state(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                denylist_before: chrono::DateTime<chrono::Utc>,
                failures_before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::db::StoreResult<$crate::db::PurgeCounts> {
                let denylist = sqlx::query("DELETE FROM token_denylist WHERE expires_at < $1")
                    .bind(denylist_before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                // Spent refresh rows live exactly as long as their session: reuse detection needs them (LO-4).
                sqlx::query(
                    "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM auth_sessions WHERE expires_at < $1)",
                )
                .bind(now)
                .execute(&self.pool)
                .await?;
                let sessions = sqlx::query("DELETE FROM auth_sessions WHERE expires_at < $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                let login_failures = sqlx::query("DELETE FROM login_failures WHERE failed_at < $1")
                    .bind(failures_before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok($crate::db::PurgeCounts { denylist, sessions, login_failures })
            }
        }
    };
}
pub(crate) use impl_session_store;

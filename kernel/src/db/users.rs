//! Users: the `UserStore` trait, its records, and the SQL both backends share.

use super::{StoreResult, UserId};
use chrono::{DateTime, Utc};

/// A stored account. `password_hash` is a PHC string and never leaves the kernel.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub is_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub subscription_tier: String,
    pub tokens_valid_after: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What account creation needs; `email` must already be normalised (trimmed, lowercased).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub is_staff: bool,
    pub is_superuser: bool,
}

#[async_trait::async_trait]
pub trait UserStore: Send + Sync {
    /// Fails with `Conflict(UserEmail)` when the email is taken.
    async fn create_user(&self, user: &NewUser) -> StoreResult<User>;
    async fn user_by_id(&self, id: UserId) -> StoreResult<User>;
    /// `email` must be normalised.
    async fn user_by_email(&self, email: &str) -> StoreResult<User>;
    async fn update_user_names(
        &self,
        id: UserId,
        first_name: &str,
        last_name: &str,
    ) -> StoreResult<User>;
    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> StoreResult<()>;
    /// Activates or deactivates an account (operators). Deactivation also sets `tokens_valid_after` to now, so
    /// every token issued before it is dead even if the account is reactivated (PW-7).
    async fn set_user_active(&self, id: UserId, active: bool) -> StoreResult<()>;
}

pub(super) const USER_COLUMNS: &str = "id, email, password_hash, first_name, last_name, is_active, is_staff, is_superuser, \
     subscription_tier, tokens_valid_after, created_at, updated_at";

/// Implements [`UserStore`] for a backend whose `pool` field is an sqlx pool. The SQL is portable between SQLite
/// and PostgreSQL (`$n` placeholders, `RETURNING`), so both backends share one text instead of two copies.
macro_rules! impl_user_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::UserStore for $store {
            async fn create_user(&self, u: &$crate::db::NewUser) -> $crate::db::StoreResult<$crate::db::User> {
                let now = $crate::time::now();
                let sql = format!(
                    "INSERT INTO users (email, password_hash, first_name, last_name, is_staff, is_superuser, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {}",
                    $crate::db::users::USER_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(&u.email)
                    .bind(&u.password_hash)
                    .bind(&u.first_name)
                    .bind(&u.last_name)
                    .bind(u.is_staff)
                    .bind(u.is_superuser)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn user_by_id(&self, id: $crate::db::UserId) -> $crate::db::StoreResult<$crate::db::User> {
                let sql = format!("SELECT {} FROM users WHERE id = $1", $crate::db::users::USER_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?)
            }

            async fn user_by_email(&self, email: &str) -> $crate::db::StoreResult<$crate::db::User> {
                let sql = format!("SELECT {} FROM users WHERE email = $1", $crate::db::users::USER_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(email).fetch_one(&self.pool).await?)
            }

            async fn update_user_names(
                &self,
                id: $crate::db::UserId,
                first_name: &str,
                last_name: &str,
            ) -> $crate::db::StoreResult<$crate::db::User> {
                let sql = format!(
                    "UPDATE users SET first_name = $1, last_name = $2, updated_at = $3 WHERE id = $4 RETURNING {}",
                    $crate::db::users::USER_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(first_name)
                    .bind(last_name)
                    .bind($crate::time::now())
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn set_password_hash(&self, id: $crate::db::UserId, hash: &str) -> $crate::db::StoreResult<()> {
                sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                    .bind(hash)
                    .bind($crate::time::now())
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_user_active(&self, id: $crate::db::UserId, active: bool) -> $crate::db::StoreResult<()> {
                let now = $crate::time::now();
                sqlx::query(
                    "UPDATE users SET is_active = $1, updated_at = $2, \
                     tokens_valid_after = CASE WHEN $1 THEN tokens_valid_after ELSE $2 END WHERE id = $3",
                )
                .bind(active)
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}
pub(crate) use impl_user_store;

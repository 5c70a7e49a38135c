//! Sessions: every login or registration starts one (`sid`); access tokens carry it, so revoking the session
//! kills them all (api.md §5.0). A session also owns one live refresh token at a time.

use super::jwt::AccessClaims;
use super::refresh;
use crate::db::{NewRefreshToken, StoreResult, UserId};
use crate::http::AppState;

/// The credentials a sign-in answers with. `refresh` is shown once and stored only as its hash.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub claims: AccessClaims,
}

/// Starts a session for `user` and issues its first access token.
pub async fn start_session(state: &AppState, user: UserId) -> StoreResult<(String, AccessClaims)> {
    let sid = super::jwt::random_hex_id();
    let expires_at =
        crate::time::now() + chrono::Duration::seconds(state.config.auth.refresh_ttl_secs);
    state.store.create_session(&sid, user, expires_at).await?;
    Ok(state.jwt.issue_access(user, &sid))
}

/// Starts a session and issues its access token and first refresh token (register, login).
pub async fn sign_in(state: &AppState, user: UserId) -> StoreResult<Tokens> {
    let (access, claims) = start_session(state, user).await?;
    let refresh = refresh::mint();
    let now = crate::time::now();
    state
        .store
        .insert_refresh_token(&NewRefreshToken {
            token_hash: refresh::hash(&refresh),
            session_id: claims.sid.clone(),
            parent_hash: None,
            issued_at: now,
            expires_at: now + chrono::Duration::seconds(state.config.auth.refresh_ttl_secs),
        })
        .await?;
    Ok(Tokens {
        access,
        refresh,
        claims,
    })
}

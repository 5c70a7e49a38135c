//! Sessions: every login or registration starts one (`sid`); access tokens carry it, so revoking the session
//! kills them all (api.md §5.0).

use super::jwt::AccessClaims;
use crate::db::{StoreResult, UserId};
use crate::http::AppState;

/// Starts a session for `user` and issues its first access token.
pub async fn start_session(state: &AppState, user: UserId) -> StoreResult<(String, AccessClaims)> {
    let sid = super::jwt::random_hex_id();
    let expires_at =
        crate::time::now() + chrono::Duration::seconds(state.config.auth.refresh_ttl_secs);
    state.store.create_session(&sid, user, expires_at).await?;
    Ok(state.jwt.issue_access(user, &sid))
}

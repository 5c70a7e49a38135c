//! The `AuthUser` and `StaffUser` extractors of dashboard routes (api.md §2.2 "JWT check").

use super::jwt::AccessClaims;
use crate::db::User;
use crate::http::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;

/// The signed-in user of a dashboard request, with the claims of the access token that proved it.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: User,
    pub claims: AccessClaims,
}

/// A signed-in staff user (staff routes: extensions, rulesets).
#[derive(Debug, Clone)]
pub struct StaffUser(pub AuthUser);

/// The bearer credential of a request: `Some(token)` when `Authorization` starts with `Bearer ` (any case).
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case("bearer ").then(|| rest.trim())
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts).ok_or_else(ApiError::not_authenticated)?;
        if token.starts_with("sk_siloq_") {
            return Err(ApiError::token_not_valid());
        }
        let claims = state
            .jwt
            .verify_access(token)
            .ok_or_else(ApiError::token_not_valid)?;
        if state
            .store
            .access_token_revoked(&claims.jti, &claims.sid)
            .await?
        {
            return Err(ApiError::token_not_valid());
        }
        let user = match state.store.user_by_id(claims.user_id()).await {
            Ok(user) => user,
            Err(crate::db::StoreError::NotFound) => {
                return Err(unauthorized("user_not_found", "User not found"));
            }
            Err(e) => return Err(e.into()),
        };
        if !user.is_active {
            return Err(unauthorized("user_inactive", "User is inactive"));
        }
        // Tokens issued before a password change or "log out everywhere" are dead (PW-7).
        if user
            .tokens_valid_after
            .is_some_and(|cutoff| claims.iat < cutoff.timestamp())
        {
            return Err(ApiError::token_not_valid());
        }
        // The per-user limit (RL-1), keyed by the id of a user whose token passed every check.
        state
            .limits
            .check_user(user.id)
            .map_err(ApiError::throttled)?;
        Ok(Self { user, claims })
    }
}

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let auth = AuthUser::from_request_parts(parts, state).await?;
        if auth.user.is_staff || auth.user.is_superuser {
            Ok(Self(auth))
        } else {
            Err(ApiError::permission_denied())
        }
    }
}

fn unauthorized(code: &str, detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, detail)
        .header(WWW_AUTHENTICATE, "Bearer realm=\"api\"")
}

//! Site-key authentication (api.md §2.2 "Site-key check"): the `SiteKey` extractor of plugin routes, and the
//! cause-revealing variant `/auth/verify` uses.

use super::keys;
use crate::db::KeyAuth;
use crate::http::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

/// Why a key was refused. Only `/auth/verify` shows the cause; plugin routes answer one 403 for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFailure {
    Missing,
    Malformed,
    /// Unknown, revoked, or the owner is inactive.
    Invalid,
    Expired,
    /// The database could not be asked: 503, never a verdict on the key.
    Unavailable,
    /// A valid key over its per-key rate limit (RL-1): 429 with `Retry-After` of that many seconds.
    Throttled(u64),
}

/// The candidate key: the rest of `Authorization: Bearer …` when present, else `X-API-Key`.
pub fn candidate(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some((scheme, rest)) = value.split_at_checked(7)
        && scheme.eq_ignore_ascii_case("bearer ")
    {
        return Some(rest.trim().to_string());
    }
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Looks the key up and checks revocation, expiry and the owner. Never cached: a revoked key fails at once.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<KeyAuth, KeyFailure> {
    let candidate = candidate(headers).ok_or(KeyFailure::Missing)?;
    if candidate.len() > 8192 || !keys::is_well_formed(&candidate) {
        return Err(KeyFailure::Malformed);
    }
    let key = state
        .store
        .key_for_auth(&keys::hash(&candidate))
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "key lookup failed");
            KeyFailure::Unavailable
        })?
        .ok_or(KeyFailure::Invalid)?;
    if key.revoked_at.is_some() || !key.owner_active {
        return Err(KeyFailure::Invalid);
    }
    let now = crate::time::now();
    if key.expires_at.is_some_and(|at| at <= now) {
        return Err(KeyFailure::Expired);
    }
    // Per key id, after authentication: invalid keys create no limiter state; a throttled call is no usage.
    state
        .limits
        .check_key(key.key_id)
        .map_err(KeyFailure::Throttled)?;
    state.key_usage.record(key.key_id, now);
    crate::analytics::note_key(key.key_id, key.site_id);
    Ok(key)
}

/// The site key of a plugin request; any failure is the uniform 403 of KEY-4.
#[derive(Debug, Clone)]
pub struct SiteKey(pub KeyAuth);

impl FromRequestParts<AppState> for SiteKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match authenticate(state, &parts.headers).await {
            Ok(key) => Ok(Self(key)),
            Err(KeyFailure::Unavailable) => Err(ApiError::unavailable()),
            Err(KeyFailure::Throttled(wait)) => Err(ApiError::throttled(wait)),
            Err(_) => Err(ApiError::site_key_rejected()),
        }
    }
}

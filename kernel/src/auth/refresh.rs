//! Refresh tokens (security.md RT-1..RT-5) and logout (LO-1..LO-3).
//!
//! A refresh token is `siloq_rt_` + 43 base64url characters (32 CSPRNG bytes). Only its SHA-256 is stored. Every
//! use spends it and issues a child in the same transaction; presenting a spent token revokes the whole session,
//! because a spent token can only come from a copy.

use super::jwt::AccessClaims;
use crate::db::{Rotation, SessionRef, StoreResult};
use crate::http::AppState;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

pub const PREFIX: &str = "siloq_rt_";
/// Length of the base64url part: 32 bytes without padding.
const BODY_LEN: usize = 43;

/// A fresh refresh token from the OS CSPRNG.
pub fn mint() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// True for `^siloq_rt_[A-Za-z0-9_-]{43}$`. Anything else (a JWT included) is rejected without a lookup.
pub fn well_formed(token: &str) -> bool {
    token.strip_prefix(PREFIX).is_some_and(|body| {
        body.len() == BODY_LEN
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Lowercase hex SHA-256 of the token's UTF-8 bytes: the only form that is stored.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A successful rotation: a new access token and the presented token's successor, in the same session.
#[derive(Debug, Clone)]
pub struct Refreshed {
    pub access: String,
    pub refresh: String,
}

/// Spends `presented` and issues its successor. `None` for every failure (unknown, malformed, spent, expired,
/// revoked or ended session, inactive user): callers answer one 401 whatever the cause.
pub async fn refresh(
    state: &AppState,
    presented: &str,
    client_ip: IpAddr,
) -> StoreResult<Option<Refreshed>> {
    if !well_formed(presented) {
        return Ok(None);
    }
    let child = mint();
    let outcome = state
        .store
        .rotate_refresh_token(&hash(presented), &hash(&child), crate::time::now())
        .await?;
    match outcome {
        Rotation::Rotated(SessionRef {
            session_id,
            user_id,
        }) => {
            let (access, _) = state.jwt.issue_access(user_id, &session_id);
            Ok(Some(Refreshed {
                access,
                refresh: child,
            }))
        }
        Rotation::Reused(SessionRef {
            session_id,
            user_id,
        }) => {
            // Never the token itself: the ids are enough to investigate (RT-4, EH-4).
            tracing::warn!(
                security_event = "refresh_token_reused",
                user_id = user_id.0,
                session_id = %session_id,
                client_ip = %client_ip,
                "a spent refresh token was presented; its session is revoked"
            );
            Ok(None)
        }
        Rotation::Rejected => Ok(None),
    }
}

/// How a logout went: the access token's session always ends; `refresh_accepted` is false when a refresh token
/// was given that is not a live refresh token of the caller (api.md §5.4 step 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logout {
    pub refresh_accepted: bool,
}

/// Denies the access token until its `exp`, revokes its session and, when `refresh` names a live session of the
/// same user, that session too.
pub async fn logout(
    state: &AppState,
    claims: &AccessClaims,
    refresh: Option<&str>,
) -> StoreResult<Logout> {
    let now = crate::time::now();
    let refresh_session = match refresh {
        None => None,
        Some(token) if well_formed(token) => state
            .store
            .live_refresh_session(&hash(token), now)
            .await?
            .filter(|s| s.user_id == claims.user_id()),
        Some(_) => None,
    };
    let denied_until =
        chrono::DateTime::from_timestamp(claims.exp, 0).unwrap_or(now + chrono::Duration::days(1));
    state
        .store
        .deny_access_token(&claims.jti, denied_until)
        .await?;
    state
        .store
        .revoke_session(&claims.sid, "logout", now)
        .await?;
    if let Some(session) = &refresh_session {
        state
            .store
            .revoke_session(&session.session_id, "logout", now)
            .await?;
    }
    Ok(Logout {
        refresh_accepted: refresh.is_none() || refresh_session.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_are_well_formed_and_distinct() {
        let a = mint();
        assert!(well_formed(&a), "{a}");
        assert_eq!(a.len(), PREFIX.len() + BODY_LEN);
        assert_ne!(a, mint());
        assert_eq!(hash(&a).len(), 64);
    }

    #[test]
    fn other_shapes_are_rejected() {
        assert!(!well_formed(""));
        assert!(!well_formed("siloq_rt_"));
        assert!(!well_formed(&format!("siloq_rt_{}", "a".repeat(42))));
        assert!(!well_formed(&format!("siloq_rt_{}!", "a".repeat(42))));
        assert!(!well_formed(&format!("sk_siloq_{}", "a".repeat(43))));
        assert!(!well_formed("eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig"));
    }
}

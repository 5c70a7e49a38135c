//! API key operations for the dashboard (api.md §7): list, show (with unwritten usage added), create under the
//! per-site cap, rename, revoke (terminal), rotate with an optional grace period.

use super::keys;
use crate::db::{ApiKeyId, ApiKeyRow, CreateKey, NewApiKey, RotateKey, SiteId, StoreError, UserId};
use crate::http::AppState;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub const DEFAULT_KEY_NAME: &str = "Unnamed Key";

#[derive(Debug)]
pub enum KeyError {
    NotFound,
    /// `site_id` names no site of the caller.
    SiteNotFound,
    LimitReached(i64),
    /// `is_active: true` on a revoked key.
    RevokedCannotBeEnabled,
    /// `is_active: true` on an expired key.
    ExpiredCannotBeEnabled,
    RevokedCannotBeRotated,
    Store(StoreError),
}

impl From<StoreError> for KeyError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// A key in list and detail form (§4.3): never the key or its hash.
#[derive(Debug, Clone, Serialize)]
pub struct KeyView {
    pub id: ApiKeyId,
    pub site: SiteId,
    pub site_id: SiteId,
    pub name: String,
    pub key_prefix: String,
    pub is_active: bool,
    #[serde(with = "crate::time::wire")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::time::wire_opt")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::time::wire_opt")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::time::wire_opt")]
    pub last_used_at: Option<DateTime<Utc>>,
    pub usage_count: i64,
}

/// The one-time form of create and rotate answers, with the full key (KEY-3).
#[derive(Debug, Clone, Serialize)]
pub struct NewKeyView {
    pub id: ApiKeyId,
    pub name: String,
    pub key_prefix: String,
    #[serde(with = "crate::time::wire")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::time::wire_opt")]
    pub expires_at: Option<DateTime<Utc>>,
    pub is_active: bool,
    pub key: String,
}

/// The retired key in a rotate answer.
#[derive(Debug, Clone, Serialize)]
pub struct PreviousKeyView {
    pub id: ApiKeyId,
    pub is_active: bool,
    #[serde(with = "crate::time::wire_opt")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::time::wire_opt")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Stored usage plus this instance's unwritten counts; call under `key_usage.read_gate()`.
fn view(state: &AppState, row: ApiKeyRow, now: DateTime<Utc>) -> KeyView {
    let (pending, pending_at) = state
        .key_usage
        .pending(row.id)
        .map_or((0, None), |(n, at)| (n, Some(at)));
    KeyView {
        id: row.id,
        site: row.site_id,
        site_id: row.site_id,
        is_active: row.is_active(now),
        usage_count: row.usage_count + pending,
        last_used_at: row.last_used_at.max(pending_at),
        name: row.name,
        key_prefix: row.key_prefix,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    }
}

fn new_view(row: ApiKeyRow, full: String, now: DateTime<Utc>) -> NewKeyView {
    NewKeyView {
        id: row.id,
        is_active: row.is_active(now),
        name: row.name,
        key_prefix: row.key_prefix,
        created_at: row.created_at,
        expires_at: row.expires_at,
        key: full,
    }
}

/// The owner's keys, optionally of one site (a foreign or missing site gives an empty list, §7.2).
pub async fn list_keys(
    state: &AppState,
    owner: UserId,
    site: Option<SiteId>,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<KeyView>), KeyError> {
    let _gate = state.key_usage.read_gate().await;
    let (count, rows) = state.store.list_keys(owner, site, limit, offset).await?;
    let now = crate::time::now();
    Ok((
        count,
        rows.into_iter().map(|r| view(state, r, now)).collect(),
    ))
}

pub async fn get_key(state: &AppState, owner: UserId, id: ApiKeyId) -> Result<KeyView, KeyError> {
    let _gate = state.key_usage.read_gate().await;
    let row = state.store.key_for_owner(owner, id).await?;
    Ok(view(state, row, crate::time::now()))
}

/// Mints a key for one of the owner's sites; the full key is in the answer and nowhere else.
pub async fn create_key(
    state: &AppState,
    owner: UserId,
    site: SiteId,
    name: Option<String>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<NewKeyView, KeyError> {
    let minted = keys::mint();
    let new = NewApiKey {
        site_id: site,
        name: name.unwrap_or_else(|| DEFAULT_KEY_NAME.to_string()),
        key_hash: minted.hash,
        key_prefix: minted.prefix,
        expires_at,
    };
    let max = state.config.sites.max_active_keys_per_site;
    match state.store.create_key(owner, &new, max).await? {
        CreateKey::Created(row) => Ok(new_view(row, minted.full, crate::time::now())),
        CreateKey::SiteNotFound => Err(KeyError::SiteNotFound),
        CreateKey::LimitReached => Err(KeyError::LimitReached(max)),
    }
}

/// PUT/PATCH: `name` renames; `is_active: false` revokes; `true` is refused on a revoked or expired key.
pub async fn update_key(
    state: &AppState,
    owner: UserId,
    id: ApiKeyId,
    name: Option<String>,
    is_active: Option<bool>,
) -> Result<KeyView, KeyError> {
    let current = state.store.key_for_owner(owner, id).await?;
    let now = crate::time::now();
    if is_active == Some(true) {
        // Revocation is terminal, and re-enabling must not silently extend an expired credential.
        if current.revoked_at.is_some() {
            return Err(KeyError::RevokedCannotBeEnabled);
        }
        if current.is_expired(now) {
            return Err(KeyError::ExpiredCannotBeEnabled);
        }
    }
    let revoke = is_active == Some(false);
    if name.is_some() || revoke {
        state
            .store
            .update_key(owner, id, name.as_deref(), revoke)
            .await?;
    }
    get_key(state, owner, id).await
}

/// DELETE: revoke; repeating it changes nothing and answers the same.
pub async fn revoke_key(state: &AppState, owner: UserId, id: ApiKeyId) -> Result<(), KeyError> {
    state.store.update_key(owner, id, None, true).await?;
    Ok(())
}

/// A new key for the same site and name; the old one is revoked now or expires after `grace_secs`.
pub async fn rotate_key(
    state: &AppState,
    owner: UserId,
    id: ApiKeyId,
    grace_secs: i64,
) -> Result<(NewKeyView, PreviousKeyView), KeyError> {
    let minted = keys::mint();
    match state
        .store
        .rotate_key(owner, id, &minted.hash, &minted.prefix, grace_secs)
        .await?
    {
        RotateKey::Rotated { new, previous } => {
            let now = crate::time::now();
            let previous = PreviousKeyView {
                id: previous.id,
                is_active: previous.is_active(now),
                expires_at: previous.expires_at,
                revoked_at: previous.revoked_at,
            };
            Ok((new_view(*new, minted.full, now), previous))
        }
        RotateKey::NotFound => Err(KeyError::NotFound),
        RotateKey::Revoked => Err(KeyError::RevokedCannotBeRotated),
    }
}

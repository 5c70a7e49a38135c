//! `/api-keys/*` handlers (api.md §7) and the plugin's `/auth/verify` (§8).

use super::key_auth::{self, KeyFailure};
use super::key_ops::{self, DEFAULT_KEY_NAME, KeyError, KeyView, NewKeyView};
use crate::auth::extract::AuthUser;
use crate::db::{ApiKeyId, SiteId};
use crate::http::body::JsonBody;
use crate::http::pagination::{DEFAULT_PAGE_SIZE, ListQuery, MAX_PAGE_SIZE};
use crate::http::path::Id;
use crate::http::validate::{Fields, Input, Str};
use crate::http::{ApiError, ApiResult, AppState, error::message};
use axum::Json;
use axum::extract::State;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

impl From<KeyError> for ApiError {
    fn from(err: KeyError) -> Self {
        match err {
            KeyError::NotFound | KeyError::SiteNotFound => ApiError::not_found(),
            KeyError::LimitReached(max) => ApiError::non_field(&format!(
                "This site already has the maximum number of active keys ({max})."
            )),
            KeyError::RevokedCannotBeEnabled => {
                ApiError::field("is_active", "A revoked key cannot be re-enabled.")
            }
            KeyError::ExpiredCannotBeEnabled => {
                ApiError::field("is_active", "An expired key cannot be re-enabled.")
            }
            KeyError::RevokedCannotBeRotated => {
                ApiError::non_field("A revoked key cannot be rotated.")
            }
            KeyError::Store(e) => e.into(),
        }
    }
}

/// Blank or missing names fall back to the default (§7.3, §7.5).
fn key_name(name: Input<String>) -> Option<String> {
    name.value().filter(|n| !n.is_empty())
}

async fn list(
    auth: AuthUser,
    State(state): State<AppState>,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let site = match query.param("site_id") {
        None => None,
        Some(text) => {
            let raw = Map::from_iter([("site_id".to_string(), Value::from(text))]);
            let mut f = Fields::new(&raw);
            let id = f.integer("site_id", i64::MIN, i64::MAX, true, false);
            f.finish()?;
            id.value().map(SiteId)
        }
    };
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let (count, keys) =
        key_ops::list_keys(&state, auth.user.id, site, window.limit(), window.offset()).await?;
    query.envelope(window, count, keys)
}

/// The field table of §7.3, in order.
async fn create(
    auth: AuthUser,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let now = crate::time::now();
    let mut f = Fields::new(&body);
    let site_id = f.integer("site_id", i64::MIN, i64::MAX, true, false);
    if body.get("site_id").is_none() {
        f.errors.extra("error", "site_id is required");
    }
    let name = f.string("name", Str::max(255).nullable());
    let expires_at = f.datetime("expires_at", false, true);
    if let Input::Value(at) = &expires_at
        && *at <= now
    {
        f.errors.add("expires_at", "Expiry must be in the future.");
    }
    let days = f.integer("expires_in_days", 1, 3650, false, false);
    let given = |k: &str| body.get(k).is_some_and(|v| !v.is_null());
    if given("expires_at") && given("expires_in_days") {
        f.errors
            .add_non_field("Give either expires_at or expires_in_days, not both.");
    }
    f.finish()?;
    let site = SiteId(site_id.value().ok_or_else(ApiError::not_found)?);
    let expires_at = match (expires_at, days) {
        (Input::Value(at), _) => Some(at),
        (_, Input::Value(days)) => Some(now + chrono::Duration::days(days)),
        _ => None,
    };
    let key = key_ops::create_key(&state, auth.user.id, site, key_name(name), expires_at).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"message": "API key created successfully", "key": key})),
    ))
}

async fn retrieve(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
) -> ApiResult<Json<KeyView>> {
    Ok(Json(
        key_ops::get_key(&state, auth.user.id, ApiKeyId(id)).await?,
    ))
}

/// PUT and PATCH alike: every field optional (§7.5).
async fn update(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<KeyView>> {
    let mut f = Fields::new(&body);
    let name = f.string("name", Str::max(255));
    let is_active = f.boolean("is_active", false, false);
    f.finish()?;
    let name = match name {
        Input::Value(_) => Some(key_name(name).unwrap_or_else(|| DEFAULT_KEY_NAME.to_string())),
        _ => None,
    };
    let key =
        key_ops::update_key(&state, auth.user.id, ApiKeyId(id), name, is_active.value()).await?;
    Ok(Json(key))
}

async fn destroy(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    key_ops::revoke_key(&state, auth.user.id, ApiKeyId(id)).await?;
    Ok(message("API key revoked successfully"))
}

async fn rotate(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let mut f = Fields::new(&body);
    let grace = f.integer("grace_period_seconds", 0, 86_400, false, false);
    f.finish()?;
    let (key, previous): (NewKeyView, _) = key_ops::rotate_key(
        &state,
        auth.user.id,
        ApiKeyId(id),
        grace.value().unwrap_or(0),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"message": "API key rotated successfully", "key": key, "previous_key": previous}),
        ),
    ))
}

/// The four failure answers of §8: 401, `WWW-Authenticate`, and the cause in `error`/`detail`/`code`.
fn verify_failure(cause: KeyFailure) -> ApiError {
    let (code, text) = match cause {
        KeyFailure::Missing => (
            "not_authenticated",
            "Missing or invalid Authorization header. Expected: Bearer <api_key>",
        ),
        KeyFailure::Malformed => (
            "invalid_key",
            "Invalid API key format. Keys should start with sk_siloq_",
        ),
        KeyFailure::Expired => ("key_expired", "API key has expired"),
        // Unavailable and Throttled are answered before this (503, 429); listed for completeness.
        KeyFailure::Invalid | KeyFailure::Unavailable | KeyFailure::Throttled(_) => {
            ("invalid_key", "Invalid or revoked API key")
        }
    };
    ApiError::new(StatusCode::UNAUTHORIZED, code, text)
        .with("valid", false)
        .with("authenticated", false)
        .with("error", text)
        .header(WWW_AUTHENTICATE, "Bearer realm=\"api\"")
}

/// `GET|POST /auth/verify`: the plugin's connection test. The body is never read.
async fn verify(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let key = match key_auth::authenticate(&state, &headers).await {
        Ok(key) => key,
        // The database could not be asked: no verdict on the key.
        Err(KeyFailure::Unavailable) => return ApiError::unavailable().into_response(),
        Err(KeyFailure::Throttled(wait)) => return ApiError::throttled(wait).into_response(),
        Err(cause) => return verify_failure(cause).into_response(),
    };
    Json(json!({
        "valid": true,
        "authenticated": true,
        "key_type": "site",
        "site_id": key.site_id,
        "site_name": key.site_name,
        "site_url": key.site_url,
        "site": {"id": key.site_id, "name": key.site_name, "url": key.site_url, "is_active": key.site_is_active},
        "key": {
            "name": key.name,
            "key_prefix": key.key_prefix,
            "created_at": crate::time::format(&key.created_at),
            "expires_at": key.expires_at.as_ref().map(crate::time::format),
        },
    }))
    .into_response()
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api-keys", get(list).post(create))
        .route(
            "/api-keys/{id}",
            get(retrieve).put(update).patch(update).delete(destroy),
        )
        .route("/api-keys/{id}/rotate", post(rotate))
        .route("/auth/verify", get(verify).post(verify))
}

//! The `/auth/*` handlers (api.md §5): extract, validate in field-table order, call the domain, map to DTOs.
//! This is the only auth file that sees axum types.

use super::account::{self, AccountError, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, Registration};
use super::extract::AuthUser;
use super::refresh;
use super::session::Tokens;
use crate::db::User;
use crate::http::body::JsonBody;
// The client IP of RL-5: the peer, or the forwarded address when the peer is a trusted proxy.
use crate::http::client_ip::ClientIp;
use crate::http::error::message;
use crate::http::validate::{Fields, Input, Str};
use crate::http::{ApiError, ApiResult, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Value, json};

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/auth/register", post(register))
        .route("/auth/login", post(login))
        .route("/auth/token/refresh", post(refresh_token))
        .route("/auth/refresh", post(refresh_token))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me).patch(update_me))
}

/// The user object of api.md §4.1.
#[derive(Debug, Serialize)]
pub struct UserDto {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub subscription_tier: &'static str,
    #[serde(with = "crate::time::wire")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The tiers the dashboard knows; anything else stored by an operator is shown as the default.
const TIERS: [&str; 5] = ["free_trial", "pro", "builder_plus", "architect", "empire"];

impl From<&User> for UserDto {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.0,
            email: u.email.clone(),
            username: u.email.clone(),
            name: format!("{} {}", u.first_name, u.last_name)
                .trim()
                .to_string(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            is_staff: u.is_staff,
            is_superuser: u.is_superuser,
            subscription_tier: TIERS
                .into_iter()
                .find(|t| *t == u.subscription_tier)
                .unwrap_or(TIERS[0]),
            created_at: u.created_at,
        }
    }
}

fn signed_in(text: &str, user: &User, tokens: Tokens) -> Value {
    json!({
        "message": text,
        "token": tokens.access,
        "access": tokens.access,
        "refresh": tokens.refresh,
        "user": UserDto::from(user),
    })
}

fn account_error(err: AccountError) -> ApiError {
    match err {
        AccountError::EmailTaken => {
            ApiError::field("email", "A user with this email already exists.")
        }
        AccountError::InvalidCredentials => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_credentials",
            "Invalid email or password.",
        )
        .with("non_field_errors", json!(["Invalid email or password."])),
        AccountError::Throttled(secs) => ApiError::throttled(secs),
        AccountError::Hash(super::password::HashError::Busy) => ApiError::unavailable(),
        AccountError::Hash(e) => {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::internal()
        }
        AccountError::Store(e) => e.into(),
    }
}

/// Names from `name`, `first_name` and `last_name` (api.md §5.1): `name` is split in two, a non-blank explicit
/// part wins over the part from `name`. `None` means "not given" (PATCH keeps the stored value).
fn read_names(f: &mut Fields<'_>) -> (Option<String>, Option<String>) {
    let name = f.string("name", Str::max(300));
    let first = f.string("first_name", Str::max(150));
    let last = f.string("last_name", Str::max(150));
    let (from_name_first, from_name_last) = match name {
        Input::Value(n) => {
            let (a, b) = account::split_name(&n);
            (Some(a), Some(b))
        }
        _ => (None, None),
    };
    let pick = |explicit: Input<String>, from_name: Option<String>| match (explicit, from_name) {
        (Input::Value(v), _) if !v.is_empty() => Some(v),
        (_, Some(part)) => Some(part),
        (Input::Value(blank), None) => Some(blank),
        _ => None,
    };
    let first = pick(first, from_name_first);
    let last = pick(last, from_name_last);
    for part in [&first, &last].into_iter().flatten() {
        if part.chars().count() > 150 && !f.errors.has("name") {
            f.errors
                .add("name", "Ensure this field has no more than 150 characters.");
        }
    }
    (first, last)
}

async fn register(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let mut f = Fields::new(&body);
    let email = f.email("email", true);
    let password = f.string(
        "password",
        Str::max(PASSWORD_MAX_CHARS)
            .min(PASSWORD_MIN_CHARS)
            .required()
            .raw(),
    );
    let (first_name, last_name) = read_names(&mut f);
    f.finish()?;
    let (Some(email), Some(password)) = (email.value(), password.value()) else {
        return Err(ApiError::internal());
    };
    let registration = Registration {
        email,
        password,
        first_name: first_name.unwrap_or_default(),
        last_name: last_name.unwrap_or_default(),
    };
    let (user, tokens) = account::register(&state, registration)
        .await
        .map_err(account_error)?;
    Ok((
        StatusCode::CREATED,
        Json(signed_in("Registration successful", &user, tokens)),
    ))
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    account::check_login_ip(&state, ip).map_err(ApiError::throttled)?;
    let mut f = Fields::new(&body);
    let email = f.email("email", true);
    let password = f.string("password", Str::max(usize::MAX).required().raw());
    f.finish()?;
    let (Some(email), Some(password)) = (email.value(), password.value()) else {
        return Err(ApiError::internal());
    };
    let (user, tokens) = account::login(&state, &email, &password)
        .await
        .map_err(account_error)?;
    Ok(Json(signed_in("Login successful", &user, tokens)))
}

/// The one refresh failure answer, whatever the cause (RT-5).
fn refresh_rejected() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "token_not_valid",
        "Token is invalid or expired",
    )
    .header(header::WWW_AUTHENTICATE, "Bearer realm=\"api\"")
}

async fn refresh_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let mut f = Fields::new(&body);
    let presented = f.string("refresh", Str::max(usize::MAX).min(1).required());
    f.finish()?;
    let presented = presented.value().unwrap_or_default();
    let refreshed = refresh::refresh(&state, &presented, ip)
        .await?
        .ok_or_else(refresh_rejected)?;
    Ok(Json(json!({
        "access": refreshed.access,
        "refresh": refreshed.refresh,
        "token": refreshed.access,
    })))
}

/// The refresh token named by a logout body: `refresh`, else the older `refresh_token`; `null` counts as absent.
/// A value that is not a string is still "given" and fails step 1 of api.md §5.4.
fn logout_refresh(body: &serde_json::Map<String, Value>) -> Option<String> {
    ["refresh", "refresh_token"]
        .into_iter()
        .filter_map(|key| body.get(key))
        .find(|v| !v.is_null())
        .map(|v| {
            v.as_str()
                .map_or_else(String::new, |s| s.trim().to_string())
        })
}

async fn logout(
    State(state): State<AppState>,
    auth: AuthUser,
    body: Result<JsonBody, ApiError>,
) -> ApiResult<Json<Value>> {
    // A body that cannot be read does not keep the session alive: log out first, then report the body.
    let (refresh, body_error) = match body {
        Ok(JsonBody(map)) => (logout_refresh(&map), None),
        Err(e) => (None, Some(e)),
    };
    let outcome = refresh::logout(&state, &auth.claims, refresh.as_deref()).await?;
    if let Some(e) = body_error {
        return Err(e);
    }
    if !outcome.refresh_accepted {
        return Err(
            ApiError::new(StatusCode::BAD_REQUEST, "logout_failed", "Logout failed")
                .with("error", "Logout failed"),
        );
    }
    Ok(message("Logged out successfully"))
}

async fn me(auth: AuthUser) -> Json<Value> {
    Json(json!({ "user": UserDto::from(&auth.user) }))
}

async fn update_me(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let mut f = Fields::new(&body);
    let (first_name, last_name) = read_names(&mut f);
    f.finish()?;
    let user = account::update_names(&state, &auth.user, first_name, last_name).await?;
    Ok(Json(json!({ "user": UserDto::from(&user) })))
}

//! `/sites/*` handlers (api.md §6): extract, validate the field table in order, call `site_ops`, answer.

use super::site_ops::{self, SiteError, SiteView};
use super::url::normalize_site_url;
use crate::auth::extract::AuthUser;
use crate::db::{SiteData, SiteId};
use crate::http::body::JsonBody;
use crate::http::pagination::{DEFAULT_PAGE_SIZE, ListQuery, MAX_PAGE_SIZE};
use crate::http::path::Id;
use crate::http::validate::{FieldErrors, Fields, Input, Str};
use crate::http::{ApiError, ApiResult, AppState, error::message};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Map, Value};

const DUPLICATE_URL: &str = "A site with this URL already exists for your account";
const BUSINESS_TYPES: [&str; 5] = [
    "local_service",
    "ecommerce",
    "content_blog",
    "saas",
    "other",
];

impl From<SiteError> for ApiError {
    fn from(err: SiteError) -> Self {
        match err {
            SiteError::NotFound => ApiError::not_found(),
            SiteError::DuplicateUrl => {
                let mut errors = FieldErrors::default();
                errors.add("url", DUPLICATE_URL);
                errors.extra("error", DUPLICATE_URL);
                errors.into_error()
            }
            SiteError::LimitReached(max) => ApiError::non_field(&format!(
                "You have reached the maximum number of sites ({max})."
            )),
            SiteError::Store(e) => e.into(),
        }
    }
}

/// How a body is read: create and PUT require `name` and `url`; PATCH changes only what it sends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Full,
    Partial,
}

/// The fields a request sent, validated (absent fields are `None`/`Absent`).
struct SiteInput {
    name: Option<String>,
    url: Option<String>,
    wp_site_id: Input<String>,
    is_active: Option<bool>,
    business_type: Input<String>,
    primary_services: Option<Vec<String>>,
    service_areas: Option<Vec<String>>,
    target_audience: Option<String>,
    business_description: Option<String>,
    onboarding_complete: Option<bool>,
}

/// The field table of §6.2, in order.
fn read_site(body: &Map<String, Value>, mode: Mode) -> ApiResult<SiteInput> {
    let required = mode == Mode::Full;
    let mut f = Fields::new(body);
    let name_rule = Str::max(255).min(1);
    let name = f.string(
        "name",
        if required {
            name_rule.required()
        } else {
            name_rule
        },
    );
    let url = f.url("url", required, false);
    let input = SiteInput {
        name: name.value(),
        url: url.value(),
        wp_site_id: f.string("wp_site_id", Str::max(255).nullable()),
        is_active: f.boolean("is_active", false, false).value(),
        business_type: f.choice("business_type", &BUSINESS_TYPES, false, true),
        primary_services: f.string_list("primary_services", 100, 255).value(),
        service_areas: f.string_list("service_areas", 100, 255).value(),
        target_audience: f.string("target_audience", Str::max(5000)).value(),
        business_description: f.string("business_description", Str::max(5000)).value(),
        onboarding_complete: f.boolean("onboarding_complete", false, false).value(),
    };
    f.finish()?;
    Ok(input)
}

/// The defaults of §6.2 (what a create or PUT starts from).
fn defaults() -> SiteData {
    SiteData {
        name: String::new(),
        url: String::new(),
        url_normalized: String::new(),
        wp_site_id: None,
        is_active: true,
        business_type: None,
        primary_services: Vec::new(),
        service_areas: Vec::new(),
        target_audience: String::new(),
        business_description: String::new(),
        onboarding_complete: false,
    }
}

impl SiteInput {
    /// Overwrites the fields that were sent.
    fn apply(self, mut data: SiteData) -> SiteData {
        if let Some(name) = self.name {
            data.name = name;
        }
        if let Some(url) = self.url {
            data.url_normalized = normalize_site_url(&url);
            data.url = url;
        }
        match self.wp_site_id {
            Input::Value(v) => data.wp_site_id = Some(v),
            Input::Null => data.wp_site_id = None,
            Input::Absent => {}
        }
        match self.business_type {
            Input::Value(v) => data.business_type = Some(v),
            Input::Null => data.business_type = None,
            Input::Absent => {}
        }
        macro_rules! set {
            ($($field:ident),*) => {$(if let Some(v) = self.$field { data.$field = v; })*};
        }
        set!(
            is_active,
            primary_services,
            service_areas,
            target_audience,
            business_description,
            onboarding_complete
        );
        data
    }
}

async fn list(
    auth: AuthUser,
    State(state): State<AppState>,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let (count, sites) =
        site_ops::list_sites(&*state.store, auth.user.id, window.limit(), window.offset()).await?;
    query.envelope(window, count, sites)
}

async fn create(
    auth: AuthUser,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<SiteView>)> {
    let data = read_site(&body, Mode::Full)?.apply(defaults());
    let max = state.config.sites.max_sites_per_user;
    let site = site_ops::create_site(&*state.store, auth.user.id, &data, max).await?;
    Ok((StatusCode::CREATED, Json(site)))
}

async fn retrieve(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
) -> ApiResult<Json<SiteView>> {
    Ok(Json(
        site_ops::get_site(&*state.store, auth.user.id, SiteId(id)).await?,
    ))
}

async fn update(
    state: &AppState,
    auth: &AuthUser,
    id: i64,
    body: &Map<String, Value>,
    mode: Mode,
) -> ApiResult<Json<SiteView>> {
    let input = read_site(body, mode)?;
    let site = site_ops::update_site(&*state.store, auth.user.id, SiteId(id), |current| {
        // PUT replaces: fields it leaves out go back to their defaults (§6.4).
        let base = match mode {
            Mode::Full => defaults(),
            Mode::Partial => current,
        };
        input.apply(base)
    })
    .await?;
    Ok(Json(site))
}

async fn replace(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<SiteView>> {
    update(&state, &auth, id, &body, Mode::Full).await
}

async fn edit(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<SiteView>> {
    update(&state, &auth, id, &body, Mode::Partial).await
}

async fn destroy(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    site_ops::delete_site(&*state.store, auth.user.id, SiteId(id)).await?;
    Ok(message("Site deleted successfully"))
}

async fn overview(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    // Rulesets are not stored yet; `ruleset` is null until an active revision exists.
    let body = site_ops::overview(&*state.store, auth.user.id, SiteId(id), None).await?;
    Ok(Json(body))
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/sites", get(list).post(create))
        .route(
            "/sites/{id}",
            get(retrieve).put(replace).patch(edit).delete(destroy),
        )
        .route("/sites/{id}/overview", get(overview))
}

//! `/rulesets/*` handlers (api.md §14.5-14.8; extensions.md §6.4-6.7): staff only.

use super::activation::{self, Activation, ActivationError};
use super::entries::{self, EntrySpec};
use super::views;
use crate::auth::extract::StaffUser;
use crate::db::{NewRevision, StoreError};
use crate::http::body::JsonBody;
use crate::http::pagination::{DEFAULT_PAGE_SIZE, ListQuery, MAX_PAGE_SIZE};
use crate::http::path::Id;
use crate::http::validate::{Fields, Str, as_bool_value, as_integer_value};
use crate::http::{ApiError, ApiResult, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use std::time::Duration;

/// At most this many entries in a revision (50 rules, a scorer, 5 recommenders).
const MAX_ENTRIES: usize = 56;

impl From<ActivationError> for ApiError {
    fn from(err: ActivationError) -> Self {
        match err {
            ActivationError::NotFound => ApiError::not_found(),
            ActivationError::Invalid(m) => ApiError::non_field(&m),
            ActivationError::Store(e) => e.into(),
        }
    }
}

/// `GET /rulesets/`: revisions, newest first.
pub async fn list(
    State(state): State<AppState>,
    _staff: StaffUser,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let (count, rows) = state
        .store
        .list_revisions(window.offset(), window.limit())
        .await?;
    let active = state.store.active_ruleset().await?;
    query.envelope(
        window,
        count,
        rows.iter()
            .map(|r| views::revision(r, active.as_ref()))
            .collect(),
    )
}

/// `GET /rulesets/{revision}/`.
pub async fn detail(
    State(state): State<AppState>,
    _staff: StaffUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let row = state.store.revision(id).await?;
    let active = state.store.active_ruleset().await?;
    Ok(Json(views::revision(&row, active.as_ref())))
}

/// Reads the `entries` field (api.md §14.6): each item names a stored, non-quarantined version; configs and
/// overrides are objects; exactly one enabled scorer and at least one enabled rule.
pub(super) async fn read_entries(
    state: &AppState,
    value: Option<&Value>,
) -> ApiResult<Vec<EntrySpec>> {
    let items = match value {
        None => return Err(ApiError::field("entries", "This field is required.")),
        Some(Value::Null) => return Err(ApiError::field("entries", "This field may not be null.")),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(ApiError::field(
                "entries",
                &format!(
                    "Expected a list of items but got type \"{}\".",
                    json_type(other)
                ),
            ));
        }
    };
    if items.is_empty() {
        return Err(ApiError::field("entries", "This list may not be empty."));
    }
    if items.len() > MAX_ENTRIES {
        return Err(ApiError::field(
            "entries",
            &format!("Ensure this field has no more than {MAX_ENTRIES} elements."),
        ));
    }
    let mut specs = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let bad = |m: &str| ApiError::field("entries", &format!("Item {n}: {m}"));
        let Value::Object(item) = item else {
            return Err(bad("Expected a dictionary of items."));
        };
        let id = match item.get("extension_version_id") {
            None | Some(Value::Null) => {
                return Err(bad("extension_version_id: This field is required."));
            }
            Some(v) => as_integer_value(v)
                .ok_or_else(|| bad("extension_version_id: A valid integer is required."))?,
        };
        let version = match state.store.extension_version(id).await {
            Ok(v) => v,
            Err(StoreError::NotFound) => {
                return Err(bad(&format!(
                    "extension_version_id: Invalid pk \"{id}\" - object does not exist."
                )));
            }
            Err(e) => return Err(e.into()),
        };
        if version.status == "quarantined" {
            return Err(bad(&format!(
                "{} {} is quarantined.",
                version.extension, version.version
            )));
        }
        let object = |name: &str| -> ApiResult<Map<String, Value>> {
            match item.get(name) {
                None | Some(Value::Null) => Ok(Map::new()),
                Some(Value::Object(m)) => Ok(m.clone()),
                Some(other) => Err(bad(&format!(
                    "{name}: Expected a dictionary of items but got type \"{}\".",
                    json_type(other)
                ))),
            }
        };
        let config = object("config")?;
        if Value::Object(config.clone()).to_string().len() > crate::extensions::limits::CONFIG_BYTES
        {
            return Err(bad("config: the configuration is larger than 64 KiB."));
        }
        let overrides = object("overrides")?;
        let enabled = match item.get("enabled") {
            None | Some(Value::Null) => true,
            Some(v) => as_bool_value(v).ok_or_else(|| bad("enabled: Must be a valid boolean."))?,
        };
        if specs
            .iter()
            .any(|s: &EntrySpec| s.extension_version_id == id)
        {
            return Err(bad(&format!(
                "{} {} is listed twice.",
                version.extension, version.version
            )));
        }
        specs.push(EntrySpec {
            extension_version_id: id,
            extension: version.extension,
            version: version.version,
            kind: version.kind,
            sha256: version.sha256,
            enabled,
            config: Value::Object(config),
            overrides,
        });
    }
    let enabled = |kind: &str| specs.iter().filter(|s| s.enabled && s.kind == kind).count();
    if enabled("scorer") != 1 {
        return Err(ApiError::non_field(
            "A ruleset must enable exactly one scorer.",
        ));
    }
    if enabled("rule") == 0 {
        return Err(ApiError::non_field(
            "A ruleset must enable at least one rule.",
        ));
    }
    Ok(specs)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "list",
        Value::String(_) => "str",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::Bool(_) => "bool",
        Value::Object(_) => "dict",
        Value::Null => "NoneType",
    }
}

/// `POST /rulesets/`: creates a revision (201, or 200 with the identical existing one) and activates it unless
/// `"activate": false`.
pub async fn create(
    State(state): State<AppState>,
    StaffUser(staff): StaffUser,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let mut f = Fields::new(&body);
    let comment = f
        .string("comment", Str::max(500))
        .value()
        .unwrap_or_default();
    let activate = f.boolean("activate", false, false).value().unwrap_or(true);
    f.finish()?;
    let specs = read_entries(&state, body.get("entries")).await?;
    // The composition must load and pass §6.4's checks before it is stored.
    entries::build(&state, 0, &comment, &specs)
        .await
        .map_err(|e| ApiError::non_field(&e))?;
    let (value, sha) = entries::canonical(&specs);
    let (row, created) = state
        .store
        .create_revision(&NewRevision {
            entries: value,
            entries_sha256: sha,
            comment,
            source: "api".into(),
            created_by: Some(staff.user.id),
        })
        .await?;
    if created {
        tracing::info!(
            revision = row.id,
            user_id = staff.user.id.0,
            "ruleset revision created"
        );
    }
    let mut answer = if activate {
        activation_body(
            activation::activate(&state, row.id, "activate", Some(staff.user.id)).await?,
        )
    } else {
        let active = state.store.active_ruleset().await?;
        views::revision(&row, active.as_ref())
    };
    answer["created"] = Value::Bool(created);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer)))
}

fn activation_body(a: Activation) -> Value {
    let mut body = views::revision(&a.revision, Some(&a.active));
    body["generation"] = json!(a.active.generation);
    body["activated_at"] = json!(crate::time::format(&a.active.activated_at));
    body["changed"] = json!(a.changed);
    body["rescoring"] = json!({ "pages_queued": a.pages_queued });
    body["load_error"] = json!(a.load_error);
    body
}

/// `POST /rulesets/{revision}/activate/` (`?wait=N`: also wait up to N s, at most 10, for every live instance).
pub async fn activate(
    State(state): State<AppState>,
    StaffUser(staff): StaffUser,
    Id(id): Id,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let done = activation::activate(&state, id, "activate", Some(staff.user.id)).await?;
    let generation = done.active.generation;
    let mut body = activation_body(done);
    if let Some(wait) = query.param("wait").and_then(|w| w.parse::<u64>().ok()) {
        body["instances"] = wait_for_instances(&state, generation, wait.min(10)).await?;
    }
    Ok(Json(body))
}

/// `POST /rulesets/rollback/` (its body is never read).
pub async fn rollback(
    State(state): State<AppState>,
    StaffUser(staff): StaffUser,
) -> ApiResult<Json<Value>> {
    let done = activation::rollback(&state, staff.user.id).await?;
    tracing::info!(
        revision = done.revision.id,
        user_id = staff.user.id.0,
        "ruleset rolled back"
    );
    Ok(Json(activation_body(done)))
}

/// Live instances as the API shows them.
async fn instances(state: &AppState) -> ApiResult<Value> {
    let since = crate::time::now()
        - chrono::Duration::from_std(super::converge::GONE_AFTER).unwrap_or_default();
    let rows = state.store.live_instances(since).await?;
    Ok(Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "instance_id": r.instance_id, "hostname": r.hostname, "revision": r.revision,
                    "generation": r.generation, "state": r.state, "error": r.error,
                    "updated_at": crate::time::format(&r.heartbeat_at),
                })
            })
            .collect(),
    ))
}

async fn wait_for_instances(state: &AppState, generation: i64, secs: u64) -> ApiResult<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let list = instances(state).await?;
        let all = list.as_array().is_some_and(|a| {
            a.iter()
                .all(|i| i["generation"].as_i64().is_some_and(|g| g >= generation))
        });
        if all || tokio::time::Instant::now() >= deadline {
            return Ok(list);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `GET /rulesets/active/`: the active revision, every live instance, re-scoring progress.
pub async fn active(State(state): State<AppState>, _staff: StaffUser) -> ApiResult<Json<Value>> {
    let Some(active) = state.store.active_ruleset().await? else {
        return Err(ApiError::not_found());
    };
    let row = state.store.revision(active.revision).await?;
    let pending = state.store.rescore_pending(active.revision).await?;
    let done = state.store.rescore_done(active.revision).await?;
    let mut body = views::revision(&row, Some(&active));
    body["generation"] = json!(active.generation);
    body["activated_at"] = json!(crate::time::format(&active.activated_at));
    body["instances"] = instances(&state).await?;
    body["rescore_pending"] = json!(pending);
    body["rescoring"] = json!({
        "pending_pages": pending, "done_pages": done,
        "jobs_pending": state.store.pending_jobs(super::RESCORE_PAGES).await?,
        "started_at": crate::time::format(&active.activated_at),
    });
    Ok(Json(body))
}

/// `GET /rulesets/activations/`: who activated or rolled back what, and when (newest first).
pub async fn activations(
    State(state): State<AppState>,
    _staff: StaffUser,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let (count, rows) = state
        .store
        .list_activations(window.offset(), window.limit())
        .await?;
    query.envelope(window, count, rows.iter().map(views::activation).collect())
}

/// `POST /rulesets/preview/`.
pub async fn preview(
    State(state): State<AppState>,
    _staff: StaffUser,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    super::preview::run(&state, &body).await.map(Json)
}

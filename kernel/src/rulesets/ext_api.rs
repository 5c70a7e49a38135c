//! `/extensions/*` handlers (api.md §14.2, §14.3; extensions.md §6.2): staff only.

use super::registry::{self, UploadError};
use super::views;
use crate::auth::extract::StaffUser;
use crate::db::ExtensionFilter;
use crate::extensions::LoadError;
use crate::http::body::read_limited;
use crate::http::pagination::{DEFAULT_PAGE_SIZE, ListQuery, MAX_PAGE_SIZE};
use crate::http::path::Id;
use crate::http::validate::FieldErrors;
use crate::http::{ApiError, ApiResult, AppState};
use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use serde_json::Value;
use std::collections::HashSet;

/// The route's body limit is the upload limit plus this much (extensions.md §6.2 step 1).
const UPLOAD_SLACK: usize = 64 * 1024;

impl From<UploadError> for ApiError {
    fn from(err: UploadError) -> Self {
        let mut errors = FieldErrors::default();
        match err {
            UploadError::Invalid(LoadError::TooLarge { .. }) => {
                return ApiError::payload_too_large();
            }
            UploadError::Invalid(e) => {
                errors.add("module", &e.to_string());
                errors.extra("reason", e.code());
                if let LoadError::ConformanceFailed { report, .. } = &e {
                    errors.extra("report", registry::report_json(report));
                }
            }
            UploadError::Reserved => errors.add("extension", "This id is reserved."),
            UploadError::KindConflict(m) => errors.add("extension", &m),
            UploadError::VersionConflict(m) => {
                errors.add("version", &m);
                errors.extra("reason", "version_conflict");
            }
            UploadError::Busy => return ApiError::unavailable(),
            UploadError::Store(e) => return e.into(),
        }
        errors.into_error()
    }
}

/// Version ids of the active revision's entries.
pub(super) async fn active_version_ids(state: &AppState) -> ApiResult<HashSet<i64>> {
    let Some(active) = state.store.active_ruleset().await? else {
        return Ok(HashSet::new());
    };
    let revision = state.store.revision(active.revision).await?;
    Ok(super::entries::parse(&revision.entries.0)
        .unwrap_or_default()
        .iter()
        .map(|e| e.extension_version_id)
        .collect())
}

/// `GET /extensions/`: newest first, filters `kind`, `extension`, `source`, `status`.
pub async fn list_extensions(
    State(state): State<AppState>,
    _staff: StaffUser,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let param = |name: &str| {
        query
            .param(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let filter = ExtensionFilter {
        extension: param("extension"),
        kind: param("kind"),
        source: param("source"),
        status: param("status"),
        offset: window.offset(),
        limit: window.limit(),
    };
    let (count, rows) = state.store.list_extension_versions(&filter).await?;
    let active = active_version_ids(&state).await?;
    let results: Vec<Value> = rows
        .iter()
        .map(|r| views::extension_version(r, active.contains(&r.id)))
        .collect();
    query.envelope(window, count, results)
}

/// `GET /extensions/{id}/`.
pub async fn extension_detail(
    State(state): State<AppState>,
    _staff: StaffUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let row = state.store.extension_version(id).await?;
    let active = active_version_ids(&state).await?;
    Ok(Json(views::extension_version(
        &row,
        active.contains(&row.id),
    )))
}

/// `GET /extensions/uploads/`: every upload attempt, newest first (the audit trail of uploads).
pub async fn list_uploads(
    State(state): State<AppState>,
    _staff: StaffUser,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let (count, rows) = state
        .store
        .list_uploads(window.offset(), window.limit())
        .await?;
    query.envelope(window, count, rows.iter().map(views::upload).collect())
}

/// The names a multipart file part may have (`module` as in extensions.md §6.2; `component` and `file` as most
/// clients name an upload).
const FILE_PARTS: [&str; 3] = ["module", "component", "file"];

/// `POST /extensions/`: the component as the raw body (`application/wasm` or `application/octet-stream`) or as
/// the file part of a `multipart/form-data` body (see [`FILE_PARTS`]; other parts such as `notes` are ignored).
/// Both read at most the upload limit plus 64 KiB (413 beyond) and validate the same way.
pub async fn upload(
    State(state): State<AppState>,
    StaffUser(staff): StaffUser,
    req: Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (parts, body) = req.into_parts();
    let media = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|raw| {
            raw.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let multipart = media.as_deref() == Some("multipart/form-data");
    if let Some(media) = &media
        && !multipart
        && media != "application/wasm"
        && media != "application/octet-stream"
    {
        return Err(ApiError::unsupported_media_type(media));
    }
    let limit = state.config.extensions.limits.max_upload_bytes + UPLOAD_SLACK;
    let bytes = read_limited(body, limit).await?;
    let bytes = if multipart {
        component_part(Request::from_parts(parts, Body::from(bytes))).await?
    } else {
        bytes.to_vec()
    };
    if bytes.is_empty() {
        return Err(ApiError::field("module", "No file was submitted."));
    }
    let (row, created) = registry::upload(&state, staff.user.id, bytes).await?;
    if created {
        tracing::info!(extension = %row.extension, version = %row.version, sha256 = %row.sha256,
            user_id = staff.user.id.0, "extension uploaded");
    }
    let active = active_version_ids(&state).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(views::extension_version(&row, active.contains(&row.id))),
    ))
}

/// The bytes of the one file part of a multipart upload (already read within the size limit). Every problem is
/// a 400 under `module`: a malformed form, no file part, two file parts, a file part of another media type.
async fn component_part(req: Request) -> ApiResult<Vec<u8>> {
    let bad = |m: String| ApiError::field("module", &m);
    let mut form = Multipart::from_request(req, &()).await.map_err(|e| {
        bad(format!(
            "The multipart form cannot be read: {}",
            e.body_text()
        ))
    })?;
    let mut found: Option<Vec<u8>> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return Err(bad(format!(
                    "The multipart form is malformed: {}",
                    e.body_text()
                )));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if !FILE_PARTS.contains(&name.as_str()) {
            continue;
        }
        if found.is_some() {
            return Err(bad(
                "Send one component: the form has more than one file part.".into(),
            ));
        }
        if let Some(media) = field.content_type() {
            let media = media
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if media != "application/wasm" && media != "application/octet-stream" {
                return Err(bad(format!(
                    "The file part `{name}` is {media}; send the component as application/wasm or \
                     application/octet-stream."
                )));
            }
        }
        let data = field.bytes().await.map_err(|e| {
            bad(format!(
                "The multipart form is malformed: {}",
                e.body_text()
            ))
        })?;
        found = Some(data.to_vec());
    }
    found.ok_or_else(|| {
        bad("No file was submitted: send the component as a file part named `module`, `component` or `file`."
            .into())
    })
}

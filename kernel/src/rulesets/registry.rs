//! Extension versions in the database (extensions.md §6.2, §6.3, §6.10): the bundled components registered at
//! start-up, and staff uploads validated before anything is stored (the hash first, so re-uploads are
//! idempotent; then the component checks, reserved ids, kind and version conflicts, the conformance run). Every
//! upload attempt leaves an audit row, accepted or not.

use crate::db::{ExtensionVersionRow, NewExtensionVersion, StoreError, UploadAudit, UserId};
use crate::extensions::{ConformanceReport, LoadError, LoadedExtension, bundled};
use crate::http::AppState;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::time::Duration;
use tokio::sync::Semaphore;

/// One validation at a time per instance (compiling and the conformance run use the evaluation cores).
static VALIDATION: Semaphore = Semaphore::const_new(1);
/// A request that waits longer for its turn gets 503 with `Retry-After: 5`.
const VALIDATION_WAIT: Duration = Duration::from_secs(30);

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("{0}")]
    Invalid(LoadError),
    /// The id starts with `siloq.`.
    #[error("This id is reserved.")]
    Reserved,
    /// The id exists with another kind.
    #[error("{0}")]
    KindConflict(String),
    /// `(extension, version)` exists with other bytes.
    #[error("{0}")]
    VersionConflict(String),
    /// Another validation held the slot too long.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl UploadError {
    /// The outcome recorded in the audit row.
    fn outcome(&self) -> &'static str {
        match self {
            UploadError::Invalid(e) => e.code(),
            UploadError::Reserved => "reserved_id",
            UploadError::KindConflict(_) => "kind_conflict",
            UploadError::VersionConflict(_) => "version_conflict",
            UploadError::Busy => "busy",
            UploadError::Store(_) => "store_error",
        }
    }
}

/// `describe()` as stored in `extension_versions.info`.
pub fn info_json(ext: &LoadedExtension) -> Value {
    let info = ext.info();
    let lower = |d: String| d.to_ascii_lowercase();
    json!({
        "id": info.id, "name": info.name, "version": info.version, "kind": ext.kind().as_str(),
        "summary": info.summary, "sdk_version": info.sdk_version,
        "checks": info.checks.iter().map(|c| json!({
            "id": c.id, "title": c.title, "category": lower(format!("{:?}", c.category)),
            "severity": lower(format!("{:?}", c.severity)),
        })).collect::<Vec<_>>(),
        "config_schema": info.config_schema.as_deref().and_then(|s| serde_json::from_str::<Value>(s).ok()),
        "default_config": Value::Object(ext.default_config().clone()),
    })
}

/// The validation report as stored and shown (`validation_report`).
pub fn report_json(report: &ConformanceReport) -> Value {
    json!({
        "fixtures": report.runs.iter().map(|r| json!({
            "name": r.input, "ok": r.problem.is_none(), "fuel": r.fuel,
            "duration_ms": (r.duration_ms * 100.0).round() / 100.0, "peak_memory_bytes": r.peak_memory,
            "outputs": r.outputs, "problem": r.problem,
        })).collect::<Vec<_>>(),
    })
}

fn new_version(
    ext: &LoadedExtension,
    bytes: &[u8],
    report: Value,
    source: &str,
    by: Option<UserId>,
) -> NewExtensionVersion {
    NewExtensionVersion {
        extension: ext.id().to_string(),
        version: ext.version().to_string(),
        kind: ext.kind().as_str().to_string(),
        api_version: ext.api_version().to_string(),
        sha256: ext.sha256().to_string(),
        bytes: bytes.to_vec(),
        info: info_json(ext),
        report,
        source: source.to_string(),
        created_by: by,
    }
}

/// Registers the three bundled components (source `bundled`) when their `(id, version)` is new, and returns the
/// stored rows in ruleset order. A stored version with other bytes wins, with a warning (§6.10).
pub async fn register_bundled(state: &AppState) -> Result<Vec<ExtensionVersionRow>, String> {
    let mut rows = Vec::new();
    for component in bundled::ALL {
        let ext = super::entries::obtain(state, component.sha256).await?;
        let new = new_version(
            &ext,
            component.bytes,
            json!({"bundled": true}),
            "bundled",
            None,
        );
        let (row, _) = state
            .store
            .register_extension_version(&new)
            .await
            .map_err(|e| e.to_string())?;
        if row.sha256 != component.sha256 {
            tracing::warn!(
                extension = %row.extension, version = %row.version,
                "the database holds other bytes for this bundled version; the database copy is used"
            );
        }
        rows.push(row);
    }
    Ok(rows)
}

/// An upload (§6.2): answers the stored version and whether it was created now (false: known bytes).
pub async fn upload(
    state: &AppState,
    by: UserId,
    bytes: Vec<u8>,
) -> Result<(ExtensionVersionRow, bool), UploadError> {
    register(state, Some(by), "upload", bytes).await
}

/// Validates a component exactly as an upload and stores it with `source` (`upload`, or `file` for the
/// components of `extensions.ruleset_file`, which have no uploader). Idempotent by hash; every attempt leaves an
/// audit row.
pub async fn register(
    state: &AppState,
    by: Option<UserId>,
    source: &'static str,
    bytes: Vec<u8>,
) -> Result<(ExtensionVersionRow, bool), UploadError> {
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    let result = validate_and_store(state, by, source, &sha256, bytes).await;
    let (outcome, report) = match &result {
        Ok((row, true)) => ("created".to_string(), row.report.0.clone()),
        Ok((_, false)) => ("existing".to_string(), Value::Null),
        Err(UploadError::Invalid(LoadError::ConformanceFailed { report, .. })) => {
            ("conformance_failed".to_string(), report_json(report))
        }
        Err(e) => (e.outcome().to_string(), json!({"detail": e.to_string()})),
    };
    let audit = UploadAudit {
        sha256,
        size_bytes: size,
        outcome,
        report,
        created_by: by,
    };
    if let Err(e) = state.store.record_upload(&audit).await {
        tracing::warn!(error = %e, "upload audit row not written");
    }
    result
}

async fn validate_and_store(
    state: &AppState,
    by: Option<UserId>,
    source: &'static str,
    sha256: &str,
    bytes: Vec<u8>,
) -> Result<(ExtensionVersionRow, bool), UploadError> {
    if let Some(existing) = state.store.extension_version_by_sha(sha256).await? {
        return Ok((existing, false));
    }
    let Some(host) = state.extensions.host().cloned() else {
        return Err(UploadError::Invalid(LoadError::InvalidComponent(
            "this server cannot run extensions".into(),
        )));
    };
    let _turn = tokio::time::timeout(VALIDATION_WAIT, VALIDATION.acquire())
        .await
        .map_err(|_| UploadError::Busy)?
        .map_err(|_| UploadError::Busy)?;
    let bytes = std::sync::Arc::new(bytes);
    let shared = bytes.clone();
    let ext = tokio::task::spawn_blocking(move || host.load(&shared))
        .await
        .map_err(|e| UploadError::Store(StoreError::Other(format!("validation panicked: {e}"))))?
        .map_err(UploadError::Invalid)?;
    if ext.has_reserved_id() {
        return Err(UploadError::Reserved);
    }
    if let Some(kind) = state.store.extension_kind(ext.id()).await?
        && kind != ext.kind().as_str()
    {
        return Err(UploadError::KindConflict(format!(
            "{} is registered as a {kind} extension; this component is a {}.",
            ext.id(),
            ext.kind().as_str()
        )));
    }
    if let Some(row) = state
        .store
        .extension_version_by_name(ext.id(), ext.version())
        .await?
    {
        return Err(UploadError::VersionConflict(format!(
            "Version {} of {} already exists with different content.",
            row.version, row.extension
        )));
    }
    let host = state.extensions.host().cloned().ok_or(UploadError::Busy)?;
    let checked = ext.clone();
    let report = tokio::task::spawn_blocking(move || host.conformance(&checked))
        .await
        .map_err(|e| UploadError::Store(StoreError::Other(format!("validation panicked: {e}"))))?;
    if !report.passed() {
        return Err(UploadError::Invalid(LoadError::ConformanceFailed {
            message: format!(
                "the extension failed the conformance run: {}",
                report.problems().join("; ")
            ),
            report: Box::new(report),
        }));
    }
    let new = new_version(&ext, &bytes, report_json(&report), source, by);
    let (row, created) = state.store.register_extension_version(&new).await?;
    state.extensions.remember(&ext);
    if !created && row.sha256 != sha256 {
        // A concurrent upload of other bytes won the `(extension, version)` race.
        return Err(UploadError::VersionConflict(format!(
            "Version {} of {} already exists with different content.",
            row.version, row.extension
        )));
    }
    Ok((row, created))
}

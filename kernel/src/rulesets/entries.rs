//! Revision entries (extensions.md §6.4 in the list shape of api.md §14.5): an ordered list of extension versions,
//! each with its SHA-256, enabled flag, config and overrides, stored as canonical JSON (keys sorted, no spaces) so
//! identical rulesets hash alike and deduplicate by `entries_sha256`.
//!
//! A revision becomes a runnable [`Ruleset`] here: each component comes from this process's loaded set, the
//! embedded bundled bytes, or the database blob, whose bytes must hash to the entry's SHA-256 before they are
//! compiled (through the local artifact cache only; compiled code never comes from the database).

use crate::extensions::{LoadedExtension, Override, Ruleset, bundled};
use crate::http::AppState;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The `format` of stored entries.
pub const FORMAT: &str = "siloq.ruleset/1";

/// One entry of a revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntrySpec {
    pub extension_version_id: i64,
    pub extension: String,
    pub version: String,
    pub kind: String,
    pub sha256: String,
    pub enabled: bool,
    /// Merged into the extension's `default-config` (JSON merge patch).
    pub config: Value,
    /// Per-check overrides of a rule (`disabled`, `severity`, `weight`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub overrides: Map<String, Value>,
}

/// The stored JSON of a list of entries and its SHA-256 (lowercase hex).
pub fn canonical(entries: &[EntrySpec]) -> (Value, String) {
    let value = sorted(serde_json::json!({ "format": FORMAT, "entries": entries }));
    let text = value.to_string();
    (value, hex::encode(Sha256::digest(text.as_bytes())))
}

/// Object keys in lexicographic order, recursively (the crate keeps insertion order otherwise).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let ordered: BTreeMap<String, Value> =
                map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(ordered.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// The entries of a stored revision.
pub fn parse(stored: &Value) -> Result<Vec<EntrySpec>, String> {
    if stored.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(format!("the revision is not in the {FORMAT} format"));
    }
    serde_json::from_value(stored.get("entries").cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("the revision's entries cannot be read: {e}"))
}

/// Builds the runnable ruleset of a revision. Every component is loaded (or found already loaded) and the
/// composition is checked (§6.4: kinds, counts, unique check ids, overrides of declared checks, config sizes).
pub async fn build(
    state: &AppState,
    revision: i64,
    comment: &str,
    entries: &[EntrySpec],
) -> Result<Ruleset, String> {
    let mut builder = Ruleset::builder().revision(revision).comment(comment);
    for (i, entry) in entries.iter().enumerate().filter(|(_, e)| e.enabled) {
        let ext = obtain(state, &entry.sha256).await.map_err(|e| {
            format!(
                "entry {} ({}@{}): {e}",
                i + 1,
                entry.extension,
                entry.version
            )
        })?;
        let overrides: BTreeMap<String, Override> =
            serde_json::from_value(Value::Object(entry.overrides.clone()))
                .map_err(|e| format!("entry {} ({}): overrides: {e}", i + 1, entry.extension))?;
        builder = match entry.kind.as_str() {
            "rule" => builder.rule_with_overrides(ext, entry.config.clone(), overrides),
            "scorer" => builder.scorer(ext, entry.config.clone()),
            "recommender" => builder.recommender(ext, entry.config.clone()),
            other => return Err(format!("entry {}: unknown kind {other:?}", i + 1)),
        };
    }
    let runtime = state.extensions.clone();
    let host = runtime
        .host()
        .cloned()
        .ok_or_else(|| "the extension platform is not running".to_string())?;
    builder.build(&host).map_err(|e| e.0)
}

/// The loaded component with this SHA-256: already loaded in this process, or the embedded bundled bytes, or the
/// database blob, checked against the hash before it is compiled.
pub async fn obtain(state: &AppState, sha256: &str) -> Result<LoadedExtension, String> {
    if let Some(ext) = state.extensions.loaded_extension(sha256) {
        return Ok(ext);
    }
    let bytes: Vec<u8> = match bundled::ALL.iter().find(|c| c.sha256 == sha256) {
        Some(c) if !c.bytes.is_empty() => c.bytes.to_vec(),
        _ => state
            .store
            .extension_blob(sha256)
            .await
            .map_err(|e| format!("the component cannot be read from the database: {e}"))?
            .ok_or_else(|| format!("the component {sha256} is not in the database"))?,
    };
    if hex::encode(Sha256::digest(&bytes)) != sha256 {
        return Err(format!(
            "the stored bytes of {sha256} do not match their hash; refusing to load them"
        ));
    }
    let runtime = Arc::clone(&state.extensions);
    tokio::task::spawn_blocking(move || runtime.load_extension(&bytes))
        .await
        .map_err(|e| format!("loading panicked: {e}"))?
        .map_err(|e| format!("{e} ({})", e.code()))
}

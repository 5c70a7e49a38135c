//! The JSON shapes of api.md §14: extension versions, revisions, activations, upload attempts.

use crate::db::{ActivationRow, ActiveRow, ExtensionVersionRow, RevisionRow, UploadRow};
use serde_json::{Value, json};

fn user(id: Option<i64>, email: &Option<String>) -> Value {
    match id {
        Some(id) => json!({ "id": id, "email": email }),
        None => Value::Null,
    }
}

/// §14.2.
pub fn extension_version(row: &ExtensionVersionRow, in_active_revision: bool) -> Value {
    let info = &row.info.0;
    json!({
        "id": row.id, "extension": row.extension, "name": info.get("name"), "version": row.version,
        "kind": row.kind, "api_version": row.api_version, "source": row.source, "sha256": row.sha256,
        "size_bytes": row.size_bytes, "status": row.status,
        "categories": categories(info), "checks": info.get("checks"),
        "config_schema": info.get("config_schema"), "default_config": info.get("default_config"),
        "validation_report": row.report.0, "in_active_revision": in_active_revision,
        "created_by": user(row.created_by, &row.created_by_email),
        "created_at": crate::time::format(&row.created_at),
    })
}

/// The distinct categories of the declared checks, in first-seen order.
fn categories(info: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for check in info
        .get("checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(c) = check.get("category").and_then(Value::as_str)
            && !out.iter().any(|o| o == c)
        {
            out.push(c.to_string());
        }
    }
    out
}

/// §14.5.
pub fn revision(row: &RevisionRow, active: Option<&ActiveRow>) -> Value {
    let entries = row
        .entries
        .0
        .get("entries")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    json!({
        "id": row.id, "revision": row.id, "is_active": active.is_some_and(|a| a.revision == row.id),
        "comment": row.comment, "source": row.source, "entries_sha256": row.entries_sha256,
        "created_by": user(row.created_by, &row.created_by_email),
        "created_at": crate::time::format(&row.created_at),
        "activated_at": row.activated_at.as_ref().map(crate::time::format),
        "entries": entries,
    })
}

/// One row of the activation history (the audit trail of activations and rollbacks).
pub fn activation(row: &ActivationRow) -> Value {
    json!({
        "id": row.id, "revision": row.revision, "previous_revision": row.previous_revision,
        "generation": row.generation, "kind": row.kind,
        "activated_by": user(row.activated_by, &row.activated_by_email),
        "activated_at": crate::time::format(&row.activated_at),
    })
}

/// One upload attempt.
pub fn upload(row: &UploadRow) -> Value {
    json!({
        "id": row.id, "sha256": row.sha256, "size_bytes": row.size_bytes, "outcome": row.outcome,
        "report": row.report.0, "created_by": user(row.created_by, &row.created_by_email),
        "created_at": crate::time::format(&row.created_at),
    })
}

//! Operations endpoints: `/api/v1/health/`, `/healthz` (liveness) and `/readyz` (readiness), api.md §15.

use super::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let jobs = if state.lifecycle.jobs_running() {
        "ok"
    } else {
        "stopped"
    };
    let celery = if jobs == "ok" { "ok" } else { "offline" };
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({
                "status": "healthy", "version": env!("CARGO_PKG_VERSION"), "database": "ok", "jobs": jobs,
                "ruleset_revision": state.extensions.revision(), "celery": celery, "redis": "not_configured"
            })),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "unhealthy", "version": env!("CARGO_PKG_VERSION"), "database": "unavailable", "jobs": "unknown",
                "ruleset_revision": state.extensions.revision(), "celery": "offline", "redis": "not_configured",
                "detail": "Database unavailable.", "code": "service_unavailable"
            })),
        ),
    }
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database_ok = state.store.ping().await.is_ok();
    let migrations_ok = database_ok && state.store.migrations_current().await.unwrap_or(false);
    let accepting = !state.lifecycle.is_draining();
    let ruleset_ok = state.extensions.ruleset_loaded();
    let checks = json!({
        "database": if database_ok { "ok" } else { "unavailable" },
        "migrations": if migrations_ok { "ok" } else { "pending" },
        "ruleset": if ruleset_ok { "ok" } else { "loading" },
        "accepting": if accepting { "ok" } else { "draining" },
    });
    // A revision that failed to load leaves the instance serving its previous one: ready, with the failure shown.
    let sync = state.extensions.sync();
    let ruleset = json!({
        "revision": state.extensions.revision(), "generation": sync.generation,
        "target": sync.target.map(|(revision, generation)| json!({"revision": revision, "generation": generation})),
        "state": sync.state, "error": sync.combined_error(),
    });
    let mut ruleset = ruleset;
    let file = state.config.extensions.ruleset_file.trim();
    if !file.is_empty() {
        ruleset["file"] = json!({
            "path": file, "watch": state.config.extensions.watch, "revision": sync.file_revision,
            "error": sync.file_error,
        });
    }
    if database_ok && migrations_ok && accepting && ruleset_ok {
        (
            StatusCode::OK,
            Json(json!({ "status": "ready", "checks": checks, "ruleset": ruleset })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "not_ready", "checks": checks, "ruleset": ruleset, "detail": "Service not ready.",
                "code": "service_unavailable"
            })),
        )
    }
}

//! Activation, rollback and this instance's convergence (extensions.md §6.5, §6.8, api.md §14.7).
//!
//! Activation is one transaction in the store (the active row, a history row, the PostgreSQL notification at
//! commit). The instance that activated then loads the revision at once, so its answer means "this instance
//! serves it"; others follow through the notification or their 2 s poll. A revision that fails to load leaves
//! the instance on its previous snapshot, reported as `failed` with the error.

use super::entries::{self, EntrySpec};
use crate::db::{ActivationRow, ActiveRow, NewRevision, RevisionRow, StoreError, UserId};
use crate::http::AppState;
use std::sync::Arc;

/// Why an activation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    #[error("not found")]
    NotFound,
    /// A revision naming a quarantined version, or no revision to roll back to.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ActivationError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ActivationError::NotFound,
            other => ActivationError::Store(other),
        }
    }
}

/// What an activation did.
#[derive(Debug, Clone)]
pub struct Activation {
    pub revision: RevisionRow,
    pub active: ActiveRow,
    pub changed: bool,
    /// Pages queued for re-scoring (0 when nothing changed).
    pub pages_queued: i64,
    /// This instance's load error, when it could not switch (it keeps serving the previous revision).
    pub load_error: Option<String>,
}

/// At start-up: registers the bundled components, creates their revision and activates it on a fresh database
/// (source `bundled`), applies `extensions.ruleset_file` (if any), then converges on whatever is active. Failures are logged; the instance serves its
/// configured ruleset meanwhile and the convergence loop retries.
pub async fn bootstrap(state: &AppState) {
    if state.extensions.host().is_none() {
        return;
    }
    if let Err(e) = bootstrap_inner(state).await {
        tracing::warn!(error = %e, "ruleset bootstrap failed; serving the bundled ruleset");
    }
    // The ruleset file (if any) is applied before the first convergence, so the instance starts on its revision.
    super::file::sync_at_startup(state).await;
    if let Err(e) = converge_now(state).await {
        tracing::warn!(error = %e, "the active ruleset revision could not be loaded");
    }
}

async fn bootstrap_inner(state: &AppState) -> Result<(), String> {
    let rows = super::registry::register_bundled(state).await?;
    let specs: Vec<EntrySpec> = rows
        .iter()
        .map(|row| EntrySpec {
            extension_version_id: row.id,
            extension: row.extension.clone(),
            version: row.version.clone(),
            kind: row.kind.clone(),
            sha256: row.sha256.clone(),
            enabled: true,
            config: serde_json::json!({}),
            overrides: Default::default(),
        })
        .collect();
    let (value, sha) = entries::canonical(&specs);
    let (revision, _) = state
        .store
        .create_revision(&NewRevision {
            entries: value,
            entries_sha256: sha,
            comment: "bundled".into(),
            source: "bundled".into(),
            created_by: None,
        })
        .await
        .map_err(|e| e.to_string())?;
    state
        .store
        .activate_revision(revision.id, "bundled", None, true)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Makes a revision active (`kind`: `activate` or `rollback` by a staff user, `file` by the ruleset file with no
/// user). Activating the active revision changes nothing.
pub async fn activate(
    state: &AppState,
    revision: i64,
    kind: &str,
    by: Option<UserId>,
) -> Result<Activation, ActivationError> {
    let row = state.store.revision(revision).await?;
    let specs = entries::parse(&row.entries.0).map_err(ActivationError::Invalid)?;
    for spec in specs.iter().filter(|s| s.enabled) {
        let version = state
            .store
            .extension_version(spec.extension_version_id)
            .await?;
        if version.status == "quarantined" {
            return Err(ActivationError::Invalid(format!(
                "Revision {revision} uses {} {}, which is quarantined.",
                spec.extension, spec.version
            )));
        }
    }
    let activated = state
        .store
        .activate_revision(revision, kind, by, false)
        .await?;
    if activated.changed {
        tracing::info!(
            revision,
            generation = activated.active.generation,
            kind,
            user_id = by.map(|u| u.0),
            "ruleset revision activated"
        );
    }
    let load_error = converge_now(state).await.err();
    let pages_queued = if activated.changed {
        super::rescore::enqueue_all(state, revision).await?
    } else {
        0
    };
    let row = state.store.revision(revision).await?;
    Ok(Activation {
        revision: row,
        active: activated.active,
        changed: activated.changed,
        pages_queued,
        load_error,
    })
}

/// Re-activates the revision that was active before the current one, following the history: activations push,
/// rollbacks pop, so repeated rollbacks walk further back instead of toggling.
pub async fn rollback(state: &AppState, by: UserId) -> Result<Activation, ActivationError> {
    let history = state.store.activation_history(1000).await?;
    let target = rollback_target(&history).ok_or_else(|| {
        ActivationError::Invalid("There is no previous revision to roll back to.".into())
    })?;
    activate(state, target, "rollback", Some(by)).await
}

fn rollback_target(history: &[ActivationRow]) -> Option<i64> {
    let mut stack: Vec<i64> = Vec::new();
    for row in history {
        if row.kind == "rollback" {
            stack.pop();
            // The stack's top is now the revision rolled back to; keep it in step with the history.
            if stack.last() != Some(&row.revision) {
                stack.push(row.revision);
            }
        } else if stack.last() != Some(&row.revision) {
            stack.push(row.revision);
        }
    }
    stack.pop()?;
    stack.pop()
}

/// Brings this instance to the database's active revision: nothing when it already serves that generation; a
/// new snapshot swapped in whole when the revision loads; the previous snapshot and a `failed` report when it
/// does not. Loads are serialised per instance.
pub async fn converge_now(state: &AppState) -> Result<(), String> {
    let runtime = Arc::clone(&state.extensions);
    if runtime.host().is_none() {
        return Ok(());
    }
    let _one_at_a_time = runtime.converging().lock().await;
    let Some(active) = state
        .store
        .active_ruleset()
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(());
    };
    runtime.report(|c| c.target = Some((active.revision, active.generation)));
    let serving = runtime.active().map(|r| r.revision());
    if runtime.sync().generation == active.generation {
        return Ok(());
    }
    // A new generation of the revision already served (a rollback to it, say) only moves the generation.
    let loaded = if serving == Some(active.revision) {
        Ok(None)
    } else {
        load(state, active.revision).await.map(Some)
    };
    match loaded {
        Ok(ruleset) => {
            if let Some(snapshot) = ruleset.map(Arc::new).or_else(|| runtime.active()) {
                runtime.install(snapshot, active.generation);
            }
            tracing::info!(
                revision = active.revision,
                generation = active.generation,
                "serving ruleset revision"
            );
            super::converge::report_instance(state).await;
            Ok(())
        }
        Err(e) => {
            tracing::error!(revision = active.revision, error = %e,
                "ruleset revision failed to load; the previous snapshot keeps serving");
            runtime.report(|c| {
                c.state = "failed";
                c.error = Some(e.clone());
            });
            super::converge::report_instance(state).await;
            Err(e)
        }
    }
}

/// Loads a stored revision into a runnable ruleset.
pub async fn load(state: &AppState, revision: i64) -> Result<crate::extensions::Ruleset, String> {
    let row = state
        .store
        .revision(revision)
        .await
        .map_err(|e| e.to_string())?;
    let specs = entries::parse(&row.entries.0)?;
    entries::build(state, row.id, &row.comment, &specs).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(revision: i64, kind: &str) -> ActivationRow {
        ActivationRow {
            id: 0,
            revision,
            previous_revision: None,
            generation: 0,
            kind: kind.into(),
            activated_by: None,
            activated_by_email: None,
            activated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn rollbacks_walk_back_through_the_history() {
        assert_eq!(rollback_target(&[row(1, "bundled")]), None);
        let history = vec![row(1, "bundled"), row(2, "activate"), row(3, "activate")];
        assert_eq!(rollback_target(&history), Some(2));
        let mut after_one = history.clone();
        after_one.push(row(2, "rollback"));
        assert_eq!(rollback_target(&after_one), Some(1));
        after_one.push(row(1, "rollback"));
        assert_eq!(rollback_target(&after_one), None);
    }
}

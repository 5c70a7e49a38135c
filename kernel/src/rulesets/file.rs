//! `extensions.ruleset_file` applied through revisions, with hot reload (extensions.md §6.11).
//!
//! Design: the file is one more way to *activate* a revision, never a separate way to *serve* one. At start-up
//! (before the first convergence) and whenever the file or a component it names changes, [`sync`]:
//!
//! 1. reads the file and every `path` component and fingerprints them (SHA-256 of the file text and of each
//!    component); a fingerprint equal to the last one applied or refused is ignored;
//! 2. validates each `path` component exactly as an upload (`registry::register`: hash first, so known bytes
//!    are idempotent; component checks, reserved ids, kind and version conflicts, the conformance run) and stores
//!    it with source `file`, leaving an upload audit row without an uploader;
//! 3. resolves `extension` entries to registered versions (a pinned version, else the bundled one for bundled
//!    ids, else the newest validated one), checks kinds, and builds the revision entries;
//! 4. checks the composition as `POST /rulesets/` does, creates the revision (source `file`, idempotent by
//!    `entries_sha256`) and activates it unless it is active already (activation kind `file`, no user: the
//!    activation history, the log and the PostgreSQL notification are those of an API activation, and pages are
//!    queued for re-scoring).
//!
//! The runtime then serves whatever the database's active revision is, through the convergence loop every
//! instance runs (`converge`); there is no file-managed special case left in the runtime. An instance whose file
//! is invalid keeps the active revision: the error is logged, counted (`siloq_ruleset_file_syncs_total`) and
//! reported as the instance's `file_error` (its `extension_instances.error` and `/readyz`), until a later
//! change applies. API activations still work; the file wins again whenever it changes, and the watcher warns
//! once per revision when the active revision is not the file's.
//!
//! [`watch`] follows the file: `notify` watches the directories of the file and of its components (not the files
//! themselves, so editors' rename-on-save and Kubernetes' `..data` symlink swaps are seen), events are debounced
//! for 250 ms, and file metadata (size, modification time, inode, through symlinks) is compared every 5 s for file
//! systems that drop events. With `extensions.watch = false` only the start-up sync runs.

use super::entries::{self, EntrySpec};
use super::registry::{self, UploadError};
use crate::db::{ExtensionFilter, ExtensionVersionRow, NewRevision};
use crate::extensions::LoadError;
use crate::extensions::ruleset_file::{self, FileItem, FileSpec, ItemSource};
use crate::http::AppState;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tokio::sync::watch as stop_signal;

/// Events closer together than this are one change.
pub const DEBOUNCE: Duration = Duration::from_millis(250);
/// File metadata is compared this often, for file systems that drop events.
pub const METADATA_POLL: Duration = Duration::from_secs(5);

/// Each `path` component's resolved path and bytes, in file order.
type Components = Vec<(PathBuf, Vec<u8>)>;

/// The file and its components as read at one moment.
struct Snapshot {
    /// SHA-256 over the file text and every component's hash (and read errors), in file order.
    fingerprint: String,
    /// The parsed file with each component's bytes, or why it cannot be used.
    content: Result<(FileSpec, Components), String>,
    /// The directories to watch: the file's and each component's.
    dirs: BTreeSet<PathBuf>,
}

/// Why a sync did not apply.
enum SyncError {
    /// The file or a component is invalid: remembered by fingerprint, so the same content is not retried.
    Invalid(String),
    /// The database or the validation slot was unavailable: retried at the next check.
    Transient(String),
}

impl SyncError {
    fn message(&self) -> &str {
        match self {
            SyncError::Invalid(m) | SyncError::Transient(m) => m,
        }
    }
}

fn configured(state: &AppState) -> Option<PathBuf> {
    let path = state.config.extensions.ruleset_file.trim();
    (!path.is_empty() && state.extensions.host().is_some()).then(|| PathBuf::from(path))
}

fn read_snapshot(path: &Path) -> Snapshot {
    let mut hasher = Sha256::new();
    let mut dirs = BTreeSet::new();
    dirs.insert(parent(path));
    let content = (|| {
        let text = std::fs::read(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
            .inspect_err(|e| hasher.update(e.as_bytes()))?;
        hasher.update(Sha256::digest(&text));
        let text =
            String::from_utf8(text).map_err(|_| format!("{} is not UTF-8 text", path.display()))?;
        let spec = ruleset_file::parse(path, &text).map_err(|e| e.0)?;
        let mut components = Vec::new();
        let mut failure = None;
        for component in spec.component_paths() {
            dirs.insert(parent(component));
            match std::fs::read(component) {
                Ok(bytes) => {
                    hasher.update(Sha256::digest(&bytes));
                    components.push((component.to_path_buf(), bytes));
                }
                Err(e) => {
                    let message = format!("cannot read {}: {e}", component.display());
                    hasher.update(message.as_bytes());
                    failure.get_or_insert(message);
                }
            }
        }
        match failure {
            Some(message) => Err(message),
            None => Ok((spec, components)),
        }
    })();
    Snapshot {
        fingerprint: hex::encode(hasher.finalize()),
        content,
        dirs,
    }
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Size, modification time and inode of the file and its components (following symlinks), for the 5 s poll.
fn metadata_signature(path: &Path, components: &[PathBuf]) -> Vec<Option<(u64, SystemTime, u64)>> {
    use std::os::unix::fs::MetadataExt;
    std::iter::once(path)
        .chain(components.iter().map(PathBuf::as_path))
        .map(|p| {
            std::fs::metadata(p).ok().map(|m| {
                (
                    m.len(),
                    m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    m.ino(),
                )
            })
        })
        .collect()
}

/// Applies the ruleset file at start-up (whatever was applied before), before the instance first converges.
pub async fn sync_at_startup(state: &AppState) {
    if let Some(path) = configured(state) {
        sync(state, &path, true).await;
    }
}

/// Reads the file and, when its fingerprint differs from the last one seen (or `force`), applies it. Answers the
/// directories to watch and the component paths named.
async fn sync(state: &AppState, path: &Path, force: bool) -> (BTreeSet<PathBuf>, Vec<PathBuf>) {
    let owned = path.to_path_buf();
    let snapshot = match tokio::task::spawn_blocking(move || read_snapshot(&owned)).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "reading the ruleset file panicked");
            return (BTreeSet::new(), Vec::new());
        }
    };
    let components: Vec<PathBuf> = match &snapshot.content {
        Ok((_, c)) => c.iter().map(|(p, _)| p.clone()).collect(),
        Err(_) => Vec::new(),
    };
    let dirs = snapshot.dirs.clone();
    let runtime = &state.extensions;
    if !force && runtime.sync().file_fingerprint.as_deref() == Some(snapshot.fingerprint.as_str()) {
        return (dirs, components);
    }
    let fingerprint = snapshot.fingerprint.clone();
    let result = match snapshot.content {
        Ok((spec, bytes)) => apply(state, path, &spec, bytes).await,
        Err(message) => Err(SyncError::Invalid(message)),
    };
    match result {
        Ok((revision, activated)) => {
            state
                .metrics
                .ruleset_file_sync(if activated { "activated" } else { "unchanged" });
            runtime.report(|c| {
                c.file_fingerprint = Some(fingerprint);
                c.file_revision = Some(revision);
                c.file_error = None;
            });
            if activated {
                tracing::info!(file = %path.display(), revision, "ruleset file applied: revision activated");
            } else {
                tracing::info!(file = %path.display(), revision, "ruleset file applied: its revision is already active");
            }
        }
        Err(e) => {
            state.metrics.ruleset_file_sync("failed");
            let message = format!("ruleset file {}: {}", path.display(), e.message());
            tracing::error!(error = %message, "the ruleset file was not applied; the active revision keeps serving");
            let remember = matches!(e, SyncError::Invalid(_)).then_some(fingerprint);
            runtime.report(|c| {
                c.file_fingerprint = remember;
                c.file_error = Some(message);
            });
        }
    }
    super::converge::report_instance(state).await;
    (dirs, components)
}

/// Registers the components, creates the revision and activates it. Answers the revision and whether this call
/// activated it.
async fn apply(
    state: &AppState,
    path: &Path,
    spec: &FileSpec,
    mut components: Components,
) -> Result<(i64, bool), SyncError> {
    let mut specs = Vec::new();
    for item in &spec.items {
        let row = match &item.source {
            ItemSource::Path(file) => {
                let at = components.iter().position(|(p, _)| p == file);
                let bytes = at
                    .map(|i| std::mem::take(&mut components[i].1))
                    .unwrap_or_default();
                registered_component(state, item, file, bytes).await?
            }
            ItemSource::Registered { extension, version } => {
                registered_version(state, item, extension, version.as_deref()).await?
            }
        };
        if row.kind != item.kind {
            return Err(SyncError::Invalid(format!(
                "{}: {} {} is a {} extension, listed as a {}",
                item.what, row.extension, row.version, row.kind, item.kind
            )));
        }
        if row.status == "quarantined" {
            return Err(SyncError::Invalid(format!(
                "{}: {} {} is quarantined",
                item.what, row.extension, row.version
            )));
        }
        ruleset_file::overrides(path, item).map_err(|e| SyncError::Invalid(e.0))?;
        specs.push(EntrySpec {
            extension_version_id: row.id,
            extension: row.extension,
            version: row.version,
            kind: row.kind,
            sha256: row.sha256,
            enabled: true,
            config: item.config.clone(),
            overrides: item.overrides.clone(),
        });
    }
    if !specs.iter().any(|s| s.kind == "rule") {
        return Err(SyncError::Invalid(
            "a ruleset must name at least one rule".into(),
        ));
    }
    let comment = if spec.comment.is_empty() {
        format!("ruleset file {}", path.display())
    } else {
        spec.comment.clone()
    };
    // The composition must load and pass §6.4's checks before it is stored, as for `POST /rulesets/`.
    entries::build(state, 0, &comment, &specs)
        .await
        .map_err(SyncError::Invalid)?;
    let (value, sha) = entries::canonical(&specs);
    let (revision, created) = state
        .store
        .create_revision(&NewRevision {
            entries: value,
            entries_sha256: sha,
            comment,
            source: "file".into(),
            created_by: None,
        })
        .await
        .map_err(|e| SyncError::Transient(e.to_string()))?;
    if created {
        tracing::info!(revision = revision.id, file = %path.display(), "ruleset revision created from the ruleset file");
    }
    let done = super::activation::activate(state, revision.id, "file", None)
        .await
        .map_err(|e| match e {
            super::activation::ActivationError::Invalid(m) => SyncError::Invalid(m),
            other => SyncError::Transient(other.to_string()),
        })?;
    Ok((revision.id, done.changed))
}

async fn registered_component(
    state: &AppState,
    item: &FileItem,
    file: &Path,
    bytes: Vec<u8>,
) -> Result<ExtensionVersionRow, SyncError> {
    let name = format!("{} ({})", item.what, file.display());
    if bytes.len() > state.config.extensions.limits.max_upload_bytes {
        return Err(SyncError::Invalid(format!(
            "{name}: {} bytes; components may have at most {} (extensions.limits.max_upload_bytes)",
            bytes.len(),
            state.config.extensions.limits.max_upload_bytes
        )));
    }
    let (row, created) = match registry::register(state, None, "file", bytes).await {
        Ok(done) => done,
        Err(e @ (UploadError::Busy | UploadError::Store(_))) => {
            return Err(SyncError::Transient(format!("{name}: {e}")));
        }
        Err(UploadError::Invalid(LoadError::ConformanceFailed { message, .. })) => {
            return Err(SyncError::Invalid(format!("{name} is refused: {message}")));
        }
        Err(UploadError::Invalid(e)) => {
            return Err(SyncError::Invalid(format!(
                "{name} is refused ({}): {e}",
                e.code()
            )));
        }
        Err(UploadError::Reserved) => {
            return Err(SyncError::Invalid(format!(
                "{name} is refused: ids beginning with `siloq.` are reserved for bundled extensions"
            )));
        }
        Err(e) => return Err(SyncError::Invalid(format!("{name} is refused: {e}"))),
    };
    if created {
        tracing::info!(extension = %row.extension, version = %row.version, sha256 = %row.sha256,
            file = %file.display(), "ruleset-file component registered");
    }
    if let Some(version) = &item.version
        && version != &row.version
    {
        return Err(SyncError::Invalid(format!(
            "{name} is version {}, the file asks for {version}",
            row.version
        )));
    }
    Ok(row)
}

async fn registered_version(
    state: &AppState,
    item: &FileItem,
    extension: &str,
    version: Option<&str>,
) -> Result<ExtensionVersionRow, SyncError> {
    let transient = |e: crate::db::StoreError| SyncError::Transient(e.to_string());
    let found = match version {
        Some(v) => state
            .store
            .extension_version_by_name(extension, v)
            .await
            .map_err(transient)?,
        None => {
            // The bundled version when there is one (what this binary ships), else the newest validated one.
            let mut found = None;
            for source in [Some("bundled"), None] {
                let filter = ExtensionFilter {
                    extension: Some(extension.to_string()),
                    source: source.map(str::to_string),
                    status: Some("validated".into()),
                    limit: 1,
                    ..ExtensionFilter::default()
                };
                let (_, rows) = state
                    .store
                    .list_extension_versions(&filter)
                    .await
                    .map_err(transient)?;
                found = rows.into_iter().next();
                if found.is_some() {
                    break;
                }
            }
            found
        }
    };
    found.ok_or_else(|| {
        SyncError::Invalid(format!(
            "{}: no registered extension {extension}{}",
            item.what,
            version.map(|v| format!(" {v}")).unwrap_or_default()
        ))
    })
}

/// Follows the ruleset file until `stop` turns true (nothing without a file or with `extensions.watch = false`).
pub async fn watch(state: AppState, mut stop: stop_signal::Receiver<bool>) {
    let Some(path) = configured(&state) else {
        return;
    };
    if !state.config.extensions.watch {
        return;
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reads (our own included) are not changes.
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
        {
            let _ = tx.send(());
        }
    });
    let mut watcher = match watcher {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch the ruleset file; checking it every 5 s instead");
            None
        }
    };
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    // The start-up sync has run; this one only fills in what to watch (its fingerprint is known).
    let (mut dirs, mut components) = sync(&state, &path, false).await;
    let mut metadata = metadata_signature(&path, &components);
    let mut poll = tokio::time::interval(METADATA_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut warned_about: Option<i64> = None;
    loop {
        if let Some(w) = watcher.as_mut() {
            use notify::Watcher as _;
            for dir in dirs.difference(&watched.clone()) {
                match w.watch(dir, notify::RecursiveMode::NonRecursive) {
                    Ok(()) => {
                        watched.insert(dir.clone());
                    }
                    Err(e) => {
                        tracing::warn!(dir = %dir.display(), error = %e, "cannot watch a ruleset directory")
                    }
                }
            }
            for dir in watched.difference(&dirs).cloned().collect::<Vec<_>>() {
                let _ = w.unwatch(&dir);
                watched.remove(&dir);
            }
        }
        enum Wake {
            Stop,
            Event,
            Poll,
        }
        let wake = tokio::select! {
            _ = stop.wait_for(|s| *s) => Wake::Stop,
            Some(()) = rx.recv() => Wake::Event,
            _ = poll.tick() => Wake::Poll,
        };
        let changed = match wake {
            Wake::Stop => break,
            Wake::Event => {
                // Debounce: wait until no event has come for 250 ms.
                while tokio::time::timeout(DEBOUNCE, rx.recv())
                    .await
                    .is_ok_and(|e| e.is_some())
                {}
                true
            }
            Wake::Poll => {
                warn_if_diverged(&state, &path, &mut warned_about).await;
                let now = tokio::task::spawn_blocking({
                    let (path, components) = (path.clone(), components.clone());
                    move || metadata_signature(&path, &components)
                })
                .await
                .unwrap_or_default();
                // A transient failure (database down) is retried at every poll.
                now != metadata || state.extensions.sync().file_fingerprint.is_none()
            }
        };
        if changed {
            (dirs, components) = sync(&state, &path, false).await;
            metadata = metadata_signature(&path, &components);
        }
    }
}

/// Logs once per active revision when it is not the file's (another instance's file, or an API activation).
async fn warn_if_diverged(state: &AppState, path: &Path, warned_about: &mut Option<i64>) {
    let Some(file_revision) = state.extensions.sync().file_revision else {
        return;
    };
    let Ok(Some(active)) = state.store.active_ruleset().await else {
        return;
    };
    if active.revision == file_revision {
        *warned_about = None;
    } else if *warned_about != Some(active.revision) {
        tracing::warn!(
            file = %path.display(), file_revision, active_revision = active.revision,
            "the active ruleset revision is not the ruleset file's; the file wins again when it changes"
        );
        *warned_about = Some(active.revision);
    }
}

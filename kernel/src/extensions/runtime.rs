//! What a running server holds: the host, the evaluation pool and the active ruleset (extensions.md §4.5,
//! §5.1 step 2).
//!
//! Compiling the components is the expensive part of starting, so runtimes are shared per configuration within
//! a process ([`Runtime::shared`]): a server has one anyway, and a test binary that spawns many applications
//! compiles the bundled components once.

use super::bundled;
use super::cache::CacheOptions;
use super::host::{ExtensionHost, HostOptions};
use super::page::PreparedPage;
use super::pipeline::{PipelineResult, run_pipeline};
use super::pool::{Lane, Pool, PoolError};
use super::ruleset::Ruleset;
use crate::config::ExtensionsConfig;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Why the extension platform cannot start; start-up stops with this message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("extensions: {0}")]
pub struct RuntimeError(pub String);

/// The extension platform of one server.
pub struct Runtime {
    /// `None` for the CLI's one-off commands, which never score pages.
    running: Option<Running>,
    queue_wait: Duration,
}

struct Running {
    host: Arc<ExtensionHost>,
    pool: Pool,
    active: RwLock<Arc<Ruleset>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("revision", &self.revision())
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Builds a runtime: the host, the evaluation threads, and the ruleset of `extensions.ruleset_file` (or the
    /// bundled one). Refuses a binary built without its extensions. `secret` (the server secret) keys the
    /// compiled-artifact cache in `extensions.cache_dir`; without it, or with an empty directory, there is none.
    pub fn start(config: &ExtensionsConfig, secret: Option<&str>) -> Result<Runtime, RuntimeError> {
        if let Some(why) = bundled::missing_reason() {
            return Err(RuntimeError(why.to_string()));
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let threads = if config.threads == 0 {
            cores
        } else {
            config.threads
        };
        let background = if config.background_threads == 0 {
            (threads / 2).max(1)
        } else {
            config.background_threads
        };
        let host = ExtensionHost::with_options(HostOptions {
            limits: config.limits.clone(),
            threads: threads + background,
            cache: cache_options(config, secret),
            ..HostOptions::default()
        })
        .map_err(|e| RuntimeError(e.to_string()))?;
        let started = std::time::Instant::now();
        let ruleset = if config.ruleset_file.trim().is_empty() {
            Ruleset::bundled(&host)
        } else {
            Ruleset::from_file(&host, Path::new(config.ruleset_file.trim()))
        }
        .map_err(|e| RuntimeError(e.to_string()))?;
        tracing::info!(
            revision = ruleset.revision(),
            rules = ruleset.rules().len(),
            load_ms = started.elapsed().as_millis() as u64,
            "extension ruleset loaded"
        );
        let pool = Pool::start(threads, background)
            .map_err(|e| RuntimeError(format!("cannot start the evaluation threads: {e}")))?;
        Ok(Runtime {
            running: Some(Running {
                host,
                pool,
                active: RwLock::new(Arc::new(ruleset)),
            }),
            queue_wait: Duration::from_millis(config.queue_wait_ms),
        })
    }

    /// A runtime that scores nothing, for commands that never do (`siloq migrate`, `siloq user create`): they
    /// start without compiling anything, even in a binary built without its extensions.
    pub fn disabled() -> Runtime {
        Runtime {
            running: None,
            queue_wait: Duration::ZERO,
        }
    }

    /// The runtime for `config`, started on first use and shared by every caller with the same configuration.
    pub fn shared(
        config: &ExtensionsConfig,
        secret: Option<&str>,
    ) -> Result<Arc<Runtime>, RuntimeError> {
        static RUNTIMES: Mutex<Option<HashMap<String, Arc<Runtime>>>> = Mutex::new(None);
        // The secret only matters to the cache; a digest of it keeps runtimes of different secrets apart.
        let key = format!(
            "{} {}",
            serde_json::to_string(config).unwrap_or_default(),
            secret.map_or_else(String::new, |s| hex::encode(
                <sha2::Sha256 as sha2::Digest>::digest(s)
            ))
        );
        let mut runtimes = RUNTIMES.lock().unwrap_or_else(|e| e.into_inner());
        let map = runtimes.get_or_insert_with(HashMap::new);
        if let Some(runtime) = map.get(&key) {
            return Ok(runtime.clone());
        }
        let runtime = Arc::new(Runtime::start(config, secret)?);
        map.insert(key, runtime.clone());
        Ok(runtime)
    }

    pub fn host(&self) -> Option<&Arc<ExtensionHost>> {
        self.running.as_ref().map(|r| &r.host)
    }

    /// The ruleset new pipelines run under (pinned per page).
    pub fn active(&self) -> Option<Arc<Ruleset>> {
        self.running
            .as_ref()
            .map(|r| r.active.read().unwrap_or_else(|e| e.into_inner()).clone())
    }

    /// The active revision.
    pub fn revision(&self) -> Option<i64> {
        self.active().map(|r| r.revision())
    }

    /// Runs the pipeline for one page on an evaluation thread, under the ruleset active now. The interactive
    /// lane gives up after `extensions.queue_wait_ms` ([`PoolError::Busy`]); the caller then defers the page.
    pub async fn evaluate(
        &self,
        page: Arc<PreparedPage>,
        lane: Lane,
    ) -> Result<PipelineResult, PoolError> {
        let Some(running) = &self.running else {
            return Err(PoolError::Closed);
        };
        let ruleset = running
            .active
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let host = running.host.clone();
        let started = std::time::Instant::now();
        let result = running
            .pool
            .run(lane, self.queue_wait, move || {
                run_pipeline(&host, &ruleset, &page)
            })
            .await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(PoolError::Busy) => "busy",
            Err(PoolError::Panicked(_)) => "panicked",
            Err(_) => "closed",
        };
        crate::http::metrics::observe_pipeline(outcome, started.elapsed().as_secs_f64());
        result
    }
}

/// The cache a server's host uses: `extensions.cache_dir`, keyed from the secret; none when either is missing.
fn cache_options(config: &ExtensionsConfig, secret: Option<&str>) -> Option<CacheOptions> {
    let dir = config.cache_dir.trim();
    match secret {
        Some(secret) if !dir.is_empty() => Some(CacheOptions::new(dir, secret.as_bytes())),
        _ => None,
    }
}

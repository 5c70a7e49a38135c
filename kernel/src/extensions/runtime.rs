//! What a running server holds: the host, the evaluation pool and the active ruleset (extensions.md §4.5,
//! §5.1 step 2, §6.8).
//!
//! Compiling the components is the expensive part of starting, so the host, the evaluation threads and the
//! components loaded so far (by SHA-256) are shared per configuration within a process ([`Runtime::shared`]): a
//! server has one anyway, and a test binary that spawns many applications compiles the bundled components once.
//! The active ruleset is per [`Runtime`], i.e. per application, and is swapped atomically as a whole: a page
//! pins the snapshot it started with.

use super::bundled;
use super::cache::CacheOptions;
use super::host::{ExtensionHost, HostOptions};
use super::load::{LoadError, LoadedExtension};
use super::page::PreparedPage;
use super::pipeline::{PipelineResult, run_pipeline};
use super::pool::{Lane, Pool, PoolError};
use super::ruleset::Ruleset;
use super::site::{ScoredSitePage, SiteRuleEntry, SiteSnapshot, SiteVerdict};
use crate::config::ExtensionsConfig;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// How long a site judgement waits for an evaluation thread (the page-sync ceiling of extensions.md §4.6).
const SITE_QUEUE_WAIT: Duration = Duration::from_secs(30);

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
    core: Arc<Core>,
    /// The snapshot new pipelines pin; replaced whole, never edited.
    active: RwLock<Arc<Ruleset>>,
    /// The database generation the snapshot belongs to (0 before the first convergence).
    generation: Mutex<Convergence>,
    /// Serialises loads of new revisions.
    converging: tokio::sync::Mutex<()>,
    /// Wakes the convergence loop (activation notifications, in-process activations).
    wake: Arc<tokio::sync::Notify>,
    /// This process's row in `extension_instances`.
    instance_id: String,
}

/// What every runtime of one configuration shares.
struct Core {
    host: Arc<ExtensionHost>,
    pool: Pool,
    /// The bundled ruleset, what a runtime serves until it has loaded the database's active revision.
    initial: Arc<Ruleset>,
    /// Components loaded so far, by SHA-256: a revision that reuses them needs no compile or describe.
    loaded: Mutex<HashMap<String, LoadedExtension>>,
    /// The site rules (extensions.md §5.5), judged per site: the bundled ones with their default configs.
    site_rules: Arc<Vec<SiteRuleEntry>>,
}

/// How this instance stands with the active revision of the database (extensions.md §6.8).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Convergence {
    /// The generation of the snapshot being served; 0 before the first convergence.
    pub generation: i64,
    /// The revision and generation last seen in the database.
    pub target: Option<(i64, i64)>,
    /// `loading`, `ready` or `failed`.
    pub state: &'static str,
    /// Why the target could not be loaded (the previous snapshot keeps serving).
    pub error: Option<String>,
    /// Why `extensions.ruleset_file` could not be applied (the active revision keeps serving); cleared when the
    /// file applies again. Independent of `error`, which is about loading revisions.
    pub file_error: Option<String>,
    /// The fingerprint of the ruleset file and components last applied or refused as invalid (`None`: retry).
    pub file_fingerprint: Option<String>,
    /// The revision the ruleset file last produced.
    pub file_revision: Option<i64>,
}

impl Convergence {
    /// What the instance reports as its error: the load error and the ruleset-file error, when there are any.
    pub fn combined_error(&self) -> Option<String> {
        match (&self.error, &self.file_error) {
            (Some(load), Some(file)) => Some(format!("{load}; {file}")),
            (Some(e), None) | (None, Some(e)) => Some(e.clone()),
            (None, None) => None,
        }
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("revision", &self.revision())
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Builds a runtime: the host, the evaluation threads, and the bundled ruleset, served until the database's
    /// active revision is loaded (`extensions.ruleset_file` reaches the runtime through the database too, see
    /// `crate::rulesets::file`). Refuses a binary built without its extensions. `secret` (the server secret) keys the
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
        let ruleset = Ruleset::bundled(&host).map_err(|e| RuntimeError(e.to_string()))?;
        tracing::info!(
            revision = ruleset.revision(),
            rules = ruleset.rules().len(),
            load_ms = started.elapsed().as_millis() as u64,
            "extension ruleset loaded"
        );
        let site_rules = bundled::load_site_rules(&host)
            .map_err(|e| RuntimeError(e.to_string()))?
            .into_iter()
            .map(SiteRuleEntry::with_defaults)
            .collect();
        let pool = Pool::start(threads, background)
            .map_err(|e| RuntimeError(format!("cannot start the evaluation threads: {e}")))?;
        let loaded = ruleset
            .extensions()
            .map(|e| (e.sha256().to_string(), e.clone()))
            .collect();
        let core = Core {
            host,
            pool,
            initial: Arc::new(ruleset),
            loaded: Mutex::new(loaded),
            site_rules: Arc::new(site_rules),
        };
        Ok(Runtime::with_core(
            Arc::new(core),
            Duration::from_millis(config.queue_wait_ms),
        ))
    }

    fn with_core(core: Arc<Core>, queue_wait: Duration) -> Runtime {
        Runtime {
            running: Some(Running {
                active: RwLock::new(core.initial.clone()),
                generation: Mutex::new(Convergence {
                    state: "loading",
                    ..Convergence::default()
                }),
                converging: tokio::sync::Mutex::new(()),
                wake: Arc::new(tokio::sync::Notify::new()),
                instance_id: uuid::Uuid::new_v4().simple().to_string()[..12].to_string(),
                core,
            }),
            queue_wait,
        }
    }

    /// A runtime that scores nothing, for commands that never do (`siloq migrate`, `siloq user create`): they
    /// start without compiling anything, even in a binary built without its extensions.
    pub fn disabled() -> Runtime {
        Runtime {
            running: None,
            queue_wait: Duration::ZERO,
        }
    }

    /// A runtime for `config` whose host, threads and loaded components are started on first use and shared by
    /// every caller with the same configuration; its active ruleset is its own.
    pub fn shared(
        config: &ExtensionsConfig,
        secret: Option<&str>,
    ) -> Result<Arc<Runtime>, RuntimeError> {
        static CORES: Mutex<Option<HashMap<String, Arc<Core>>>> = Mutex::new(None);
        // The secret only matters to the cache; a digest of it keeps runtimes of different secrets apart.
        let key = format!(
            "{} {}",
            serde_json::to_string(config).unwrap_or_default(),
            secret.map_or_else(String::new, |s| hex::encode(
                <sha2::Sha256 as sha2::Digest>::digest(s)
            ))
        );
        let queue_wait = Duration::from_millis(config.queue_wait_ms);
        let mut cores = CORES.lock().unwrap_or_else(|e| e.into_inner());
        let map = cores.get_or_insert_with(HashMap::new);
        if let Some(core) = map.get(&key) {
            return Ok(Arc::new(Runtime::with_core(core.clone(), queue_wait)));
        }
        let runtime = Runtime::start(config, secret)?;
        if let Some(running) = &runtime.running {
            map.insert(key, running.core.clone());
        }
        Ok(Arc::new(runtime))
    }

    pub fn host(&self) -> Option<&Arc<ExtensionHost>> {
        self.running.as_ref().map(|r| &r.core.host)
    }

    /// The bundled ruleset every runtime starts with.
    pub fn initial(&self) -> Option<Arc<Ruleset>> {
        self.running.as_ref().map(|r| r.core.initial.clone())
    }

    /// A component already loaded in this process, by SHA-256 (lowercase hex).
    pub fn loaded_extension(&self, sha256: &str) -> Option<LoadedExtension> {
        let running = self.running.as_ref()?;
        let loaded = running
            .core
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        loaded.get(sha256).cloned()
    }

    /// Loads verified component bytes (through the compiled-artifact cache) and remembers the result by hash.
    /// The caller has checked that `bytes` hash to the SHA-256 it asked for; compiled code never comes from
    /// anywhere but these bytes and the local cache.
    pub fn load_extension(&self, bytes: &[u8]) -> Result<LoadedExtension, LoadError> {
        let Some(running) = &self.running else {
            return Err(LoadError::InvalidComponent(
                "the extension platform is not running".into(),
            ));
        };
        let ext = running.core.host.load(bytes)?;
        let mut loaded = running
            .core
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        Ok(loaded
            .entry(ext.sha256().to_string())
            .or_insert(ext)
            .clone())
    }

    /// Remembers a component loaded elsewhere (an upload's validation) so a revision using it needs no compile.
    pub fn remember(&self, ext: &LoadedExtension) {
        if let Some(running) = &self.running {
            let mut loaded = running
                .core
                .loaded
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            loaded
                .entry(ext.sha256().to_string())
                .or_insert_with(|| ext.clone());
        }
    }

    /// Held while a revision loads, so one instance never loads two at once.
    pub fn converging(&self) -> &tokio::sync::Mutex<()> {
        static IDLE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        self.running.as_ref().map_or(&IDLE, |r| &r.converging)
    }

    /// The convergence loop's wake-up.
    pub fn wake(&self) -> Option<Arc<tokio::sync::Notify>> {
        self.running.as_ref().map(|r| r.wake.clone())
    }

    /// This process's id in `extension_instances`; empty when nothing runs.
    pub fn instance_id(&self) -> &str {
        self.running.as_ref().map_or("", |r| r.instance_id.as_str())
    }

    /// Replaces the active snapshot as a whole; pipelines already running keep the one they pinned.
    pub fn install(&self, ruleset: Arc<Ruleset>, generation: i64) {
        if let Some(running) = &self.running {
            *running.active.write().unwrap_or_else(|e| e.into_inner()) = ruleset;
            let mut sync = running.generation.lock().unwrap_or_else(|e| e.into_inner());
            sync.generation = generation;
            sync.state = "ready";
            sync.error = None;
        }
    }

    /// False only while the instance has not loaded any revision of the database yet.
    pub fn ruleset_loaded(&self) -> bool {
        match &self.running {
            None => true,
            Some(r) => {
                r.generation
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .generation
                    > 0
            }
        }
    }

    /// How this instance stands with the database's active revision.
    pub fn sync(&self) -> Convergence {
        self.running
            .as_ref()
            .map_or_else(Convergence::default, |r| {
                r.generation
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone()
            })
    }

    /// Updates the convergence report (target seen, state, error) without touching the snapshot.
    pub fn report(&self, update: impl FnOnce(&mut Convergence)) {
        if let Some(running) = &self.running {
            update(&mut running.generation.lock().unwrap_or_else(|e| e.into_inner()));
        }
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
        self.evaluate_with(ruleset, page, lane).await
    }

    /// Runs the pipeline for one page under a given ruleset (re-scoring, previews of a candidate revision).
    pub async fn evaluate_with(
        &self,
        ruleset: Arc<Ruleset>,
        page: Arc<PreparedPage>,
        lane: Lane,
    ) -> Result<PipelineResult, PoolError> {
        let Some(running) = &self.running else {
            return Err(PoolError::Closed);
        };
        let host = running.core.host.clone();
        let started = std::time::Instant::now();
        let result = running
            .core
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

    /// Judges a whole site (extensions.md §5.5, seo-rules.md §2.8): runs the site rules over `snapshot` and
    /// computes the site health from them and the analysed pages' results. Never fails: a site rule that
    /// misbehaves becomes a diagnostic and the verdict is `degraded`.
    pub async fn judge_site(
        &self,
        snapshot: SiteSnapshot,
        pages: Vec<ScoredSitePage>,
    ) -> SiteVerdict {
        let Some(running) = &self.running else {
            return super::site::without_rules(&snapshot, &pages, "extensions are disabled");
        };
        let host = running.core.host.clone();
        let rules = running.core.site_rules.clone();
        // A scan waits longer for a thread than a page sync: there is nothing to defer it to.
        let wait = self.queue_wait.max(SITE_QUEUE_WAIT);
        let (snap, scored) = (Arc::new(snapshot), Arc::new(pages));
        let (s, p) = (snap.clone(), scored.clone());
        match running
            .core
            .pool
            .run(Lane::Interactive, wait, move || {
                super::site::judge(&host, &rules, &s, &p)
            })
            .await
        {
            Ok(verdict) => verdict,
            Err(e) => super::site::without_rules(
                &snap,
                &scored,
                &format!("the site rules could not run: {e}"),
            ),
        }
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

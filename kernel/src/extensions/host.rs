//! [`ExtensionHost`]: the engine, the linker and the limits every call runs under. One per process (tests may
//! build several); share it in an `Arc`.

use super::cache::{Cache, CacheOptions, CacheStats};
use super::call::{self, CallOutcome};
use super::conformance::ConformanceReport;
use super::ctx::CallCtx;
use super::limits::Limits;
use super::load::{self, LoadError, LoadedExtension, Pre};
use super::page::PreparedPage;
use super::wit::v1_0_0::types::{
    ExtensionInfo, Finding, Recommendation, ScoreCard, ScoreResult, ScoredIssue, SourcedFinding,
};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::Engine;
use wasmtime::component::Linker;

/// How to build a host. `Default` is production: fuel and epochs on, one evaluation thread per core.
#[derive(Debug, Clone)]
pub struct HostOptions {
    pub limits: Limits,
    /// Evaluation threads the pool is sized for (instance slots are `max(64, 4 x threads)`).
    pub threads: usize,
    /// Count fuel. Off only in tests that need to see the wall-clock deadline alone.
    pub fuel: bool,
    /// Interrupt calls at their epoch deadline. Off only in tests that need to see fuel exhaustion alone.
    pub epochs: bool,
    /// The compiled-artifact cache (extensions.md §6.9); `None` compiles every component at every load.
    pub cache: Option<CacheOptions>,
}

impl Default for HostOptions {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            fuel: true,
            epochs: true,
            cache: None,
        }
    }
}

/// The engine could not be built (a limit above its ceiling, or the platform refused the pool's reservation).
#[derive(Debug, thiserror::Error)]
#[error("extension host: {0}")]
pub struct HostError(pub String);

/// Runs extensions: compiles and links components ([`ExtensionHost::load`]) and gives every call a fresh,
/// limited store.
pub struct ExtensionHost {
    engine: Engine,
    linker: Linker<CallCtx>,
    options: HostOptions,
    cache: Option<Cache>,
}

impl std::fmt::Debug for ExtensionHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtensionHost")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ExtensionHost {
    /// A production host with these limits.
    pub fn new(limits: Limits) -> Result<Arc<Self>, HostError> {
        Self::with_options(HostOptions {
            limits,
            ..HostOptions::default()
        })
    }

    /// A host with explicit options (tests switch fuel or epochs off here).
    pub fn with_options(options: HostOptions) -> Result<Arc<Self>, HostError> {
        options.limits.check().map_err(HostError)?;
        let engine = super::engine::build(&options)
            .map_err(|e| HostError(format!("cannot build the engine: {e}")))?;
        if options.epochs {
            super::engine::start_epoch_ticker(&engine)
                .map_err(|e| HostError(format!("cannot start the epoch thread: {e}")))?;
        }
        let linker = super::linker::build(&engine)
            .map_err(|e| HostError(format!("cannot build the linker: {e}")))?;
        // The cache only saves time: a directory that cannot be used safely is reported and left alone.
        let cache = options
            .cache
            .as_ref()
            .and_then(|c| match Cache::open(&engine, &options, c) {
                Ok(cache) => Some(cache),
                Err(e) => {
                    tracing::warn!(dir = %c.dir.display(), error = %e,
                        "extension artifact cache unavailable; compiling every component");
                    None
                }
            });
        Ok(Arc::new(Self {
            engine,
            linker,
            options,
            cache,
        }))
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &Limits {
        &self.options.limits
    }

    pub fn options(&self) -> &HostOptions {
        &self.options
    }

    /// Checks, compiles, links and describes a component (extensions.md §6.2 steps 1 and 3-8; the
    /// conformance run of step 9 is not part of loading). Loading does not refuse the reserved `siloq.` ids:
    /// bundled extensions use them, and tests load hostile guests directly.
    pub fn load(&self, bytes: &[u8]) -> Result<LoadedExtension, LoadError> {
        load::load(self, bytes)
    }

    /// Upload validation (extensions.md §6.2 steps 1-9): [`ExtensionHost::load`], then the reserved `siloq.`
    /// ids are refused and the conformance corpus must pass (`conformance_failed` otherwise).
    pub fn validate_upload(
        &self,
        bytes: &[u8],
    ) -> Result<(LoadedExtension, ConformanceReport), LoadError> {
        super::conformance::validate_upload(self, bytes)
    }

    /// Runs a loaded extension on the conformance corpus of its kind (§6.2 step 9) and reports every input.
    pub fn conformance(&self, ext: &LoadedExtension) -> ConformanceReport {
        super::conformance::run(self, ext)
    }

    /// Calls `describe()` in a fresh store.
    pub fn call_describe(&self, ext: &LoadedExtension) -> CallOutcome<ExtensionInfo> {
        let limits = self.limits();
        let timeout = Duration::from_millis(limits.call_timeout_ms);
        call::run(self, ext.id(), limits, None, timeout, |store, _| {
            Ok(Ok(match &ext.0.pre {
                Pre::Rule(p) => p
                    .instantiate(&mut *store)?
                    .siloq_rules_rule_api()
                    .call_describe(&mut *store)?,
                Pre::Scorer(p) => p
                    .instantiate(&mut *store)?
                    .siloq_rules_scorer_api()
                    .call_describe(&mut *store)?,
                Pre::Recommender(p) => p
                    .instantiate(&mut *store)?
                    .siloq_rules_recommender_api()
                    .call_describe(&mut *store)?,
            }))
        })
    }

    /// Calls a rule's `evaluate` once in a fresh store under this host's limits, outside any pipeline (tests,
    /// benchmarks, `siloq ext test`). The findings are returned as the guest sent them.
    pub fn call_evaluate(
        &self,
        ext: &LoadedExtension,
        page: &Arc<PreparedPage>,
        config: &str,
    ) -> CallOutcome<Vec<Finding>> {
        let timeout = Duration::from_millis(self.limits().call_timeout_ms);
        self.evaluate_within(ext, page, config, self.limits(), timeout)
    }

    /// `evaluate` under explicit limits and a wall-clock allowance (the pipeline's page budget).
    pub(crate) fn evaluate_within(
        &self,
        ext: &LoadedExtension,
        page: &Arc<PreparedPage>,
        config: &str,
        limits: &Limits,
        timeout: Duration,
    ) -> CallOutcome<Vec<Finding>> {
        call::run(
            self,
            ext.id(),
            limits,
            Some(page),
            timeout,
            |store, page| {
                let (Pre::Rule(pre), Some(page)) = (&ext.0.pre, page) else {
                    return Err(wasmtime::format_err!(
                        "{} is not a rule extension",
                        ext.id()
                    ));
                };
                pre.instantiate(&mut *store)?
                    .siloq_rules_rule_api()
                    .call_evaluate(&mut *store, page, config)
            },
        )
    }

    /// Calls a scorer's `score` once, like [`ExtensionHost::call_evaluate`].
    pub fn call_score(
        &self,
        ext: &LoadedExtension,
        page: &Arc<PreparedPage>,
        findings: &[SourcedFinding],
        config: &str,
    ) -> CallOutcome<ScoreResult> {
        let timeout = Duration::from_millis(self.limits().call_timeout_ms);
        self.score_within(ext, page, findings, config, self.limits(), timeout)
    }

    pub(crate) fn score_within(
        &self,
        ext: &LoadedExtension,
        page: &Arc<PreparedPage>,
        findings: &[SourcedFinding],
        config: &str,
        limits: &Limits,
        timeout: Duration,
    ) -> CallOutcome<ScoreResult> {
        call::run(
            self,
            ext.id(),
            limits,
            Some(page),
            timeout,
            |store, page| {
                let (Pre::Scorer(pre), Some(page)) = (&ext.0.pre, page) else {
                    return Err(wasmtime::format_err!(
                        "{} is not a scorer extension",
                        ext.id()
                    ));
                };
                pre.instantiate(&mut *store)?
                    .siloq_rules_scorer_api()
                    .call_score(&mut *store, page, findings, config)
            },
        )
    }

    /// Calls a recommender's `recommend` once, like [`ExtensionHost::call_evaluate`].
    pub fn call_recommend(
        &self,
        ext: &LoadedExtension,
        page: &Arc<PreparedPage>,
        card: &ScoreCard,
        issues: &[ScoredIssue],
        config: &str,
    ) -> CallOutcome<Vec<Recommendation>> {
        let timeout = Duration::from_millis(self.limits().call_timeout_ms);
        self.recommend_within(ext, page, card, issues, config, self.limits(), timeout)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn recommend_within(
        &self,
        ext: &LoadedExtension,
        page: &Arc<PreparedPage>,
        card: &ScoreCard,
        issues: &[ScoredIssue],
        config: &str,
        limits: &Limits,
        timeout: Duration,
    ) -> CallOutcome<Vec<Recommendation>> {
        call::run(
            self,
            ext.id(),
            limits,
            Some(page),
            timeout,
            |store, page| {
                let (Pre::Recommender(pre), Some(page)) = (&ext.0.pre, page) else {
                    return Err(wasmtime::format_err!(
                        "{} is not a recommender extension",
                        ext.id()
                    ));
                };
                pre.instantiate(&mut *store)?
                    .siloq_rules_recommender_api()
                    .call_recommend(&mut *store, page, card, issues, config)
            },
        )
    }

    /// Cache hits, misses and rejected artifacts since start; `None` without a cache.
    pub fn cache_stats(&self) -> Option<CacheStats> {
        self.cache.as_ref().map(Cache::stats)
    }

    /// Where the cached artifact and tag of a component with this sha256 (hex) live; `None` without a cache.
    pub fn cache_paths(&self, sha256: &str) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
        self.cache.as_ref().map(|c| c.paths(sha256))
    }

    /// Compiles a checked component, through the cache when there is one.
    pub(crate) fn compile(&self, bytes: &[u8]) -> wasmtime::Result<wasmtime::component::Component> {
        match &self.cache {
            Some(cache) => cache.component(&self.engine, bytes),
            None => wasmtime::component::Component::new(&self.engine, bytes),
        }
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn linker(&self) -> &Linker<CallCtx> {
        &self.linker
    }
}

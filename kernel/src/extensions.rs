//! The extension platform host (extensions.md §4, §5): every SEO judgement (issue detection, scoring,
//! recommendations) runs in sandboxed WebAssembly components under wasmtime, and the kernel only measures,
//! schedules, validates and stores.
//!
//! Module map: `engine` (the pooling engine and its epoch ticker), `wit` (host bindings of `siloq:rules`),
//! `linker` (the import allow-list), `ctx` and `io` (what a call's store holds and the guest's stdio), `page`
//! (the prepared page lent to guests), `load` (component checks, compile, link, describe), `call` (a fresh store
//! per call and how it ended), `validate` (the output rules of §2.3), `pipeline` (rules, scorer, issues,
//! recommenders per page), `fallback` (the built-in scorer and recommender), `ruleset` and `ruleset_file` (what
//! runs), `bundled` (the embedded default extensions), `pool` (evaluation threads off the async executor),
//! `runtime` (what the server holds), `cache` (the compiled-artifact cache; its one `unsafe` call lives in
//! the `siloq-artifact-cache` crate).
//!
//! Public test and benchmark API:
//!
//! ```no_run
//! use siloq_kernel::extensions::{ExtensionHost, Limits, PreparedPage, Ruleset, run_pipeline};
//! let host = ExtensionHost::new(Limits::default()).unwrap();
//! let ruleset = Ruleset::bundled(&host).unwrap();
//! let page = PreparedPage::from_html("https://example.com/", "<title>Hi</title><p>Hello.</p>");
//! let result = run_pipeline(&host, &ruleset, &page);
//! println!("{:?} {:?}", result.card, result.diagnostics);
//! ```
//!
//! The database registry, revisions, activation, convergence, re-scoring and previews live in
//! `crate::rulesets` (§6.2-6.8); the [`Runtime`] holds the per-application snapshot they swap.
//!
//! Not built yet: cache pruning (§6.9), the circuit breaker and quarantine (§4.8).

pub mod bundled;
pub mod cache;
mod call;
pub mod conformance;
mod ctx;
pub mod diagnostic;
mod engine;
mod fallback;
mod host;
mod io;
pub mod limits;
mod linker;
mod load;
pub mod page;
pub mod pipeline;
pub mod pool;
pub mod ruleset;
pub mod ruleset_file;
pub mod runtime;
pub mod site;
pub mod validate;
pub mod wit;

pub use cache::{CacheOptions, CacheStats};
pub use call::{CallFailure, CallOutcome};
pub use conformance::{ConformanceReport, ConformanceRun};
pub use diagnostic::{Diagnostic, Kind, Reason, Stage};
pub use host::{ExtensionHost, HostError, HostOptions};
pub use limits::Limits;
pub use linker::ALLOWED_WASI_IMPORTS;
pub use load::{LoadError, LoadedExtension};
pub use page::{PageContext, PreparedPage};
pub use pipeline::{CallRecord, Issue, PipelineResult, Recommendation, ScoreCard, run_pipeline};
pub use ruleset::{Entry, Override, Ruleset, RulesetBuilder, RulesetError};
pub use runtime::{Convergence, Runtime, RuntimeError};

#[cfg(test)]
mod tests;

//! `siloq-sdk`: the crate Siloq extensions are written against (extensions.md §3).
//!
//! An extension is a WebAssembly component exporting one interface of `siloq:rules@1.0.0`: a **rule** reports
//! one finding per check it evaluates, a **scorer** turns findings into a score card, a **recommender** turns
//! scored issues into advice. Implement [`Rule`], [`Scorer`] or [`Recommender`] on a unit type and register it
//! with [`export_rule!`], [`export_scorer!`] or [`export_recommender!`]; the same code runs natively under
//! [`testing`].
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use siloq_sdk::prelude::*;
//!
//! /// Operator-tunable threshold; `{}` means the defaults.
//! #[derive(Deserialize, Serialize)]
//! #[serde(default)]
//! pub struct Config {
//!     max_chars: usize,
//! }
//!
//! impl Default for Config {
//!     fn default() -> Self {
//!         Config { max_chars: 60 }
//!     }
//! }
//!
//! pub struct TitleLength;
//!
//! impl Rule for TitleLength {
//!     type Config = Config;
//!
//!     fn info() -> RuleInfo {
//!         RuleInfo::new("acme.title-length", "Title length")
//!             .check(Check::new("acme.title.too_long", Category::Onpage, Severity::Medium, "Title too long"))
//!     }
//!
//!     fn evaluate(page: &impl PageView, config: &Config, out: &mut Report) -> Result<(), ExtensionError> {
//!         let Some(title) = page.info().seo_title else {
//!             out.not_applicable("acme.title.too_long");
//!             return Ok(());
//!         };
//!         let chars = title.chars().count();
//!         if chars <= config.max_chars {
//!             out.pass("acme.title.too_long");
//!             return Ok(());
//!         }
//!         out.fail("acme.title.too_long", format!("The title has {chars} characters; keep it under {}.", config.max_chars))
//!             .action("Shorten the title and put the main words first.")
//!             .detail("length", chars)
//!             .detail("max", config.max_chars);
//!         Ok(())
//!     }
//! }
//!
//! export_rule!(TitleLength);
//!
//! // The unit test of the example, run natively:
//! use siloq_sdk::testing::{MockPage, run_rule};
//!
//! let page = MockPage::new("https://example.test/").title("x".repeat(70));
//! let out = run_rule::<TitleLength>(&page, "{}").unwrap();
//! assert_eq!(out.credit("acme.title.too_long"), Some(0.0));
//! let out = run_rule::<TitleLength>(&page, r#"{"max_chars": 80}"#).unwrap();
//! assert_eq!(out.credit("acme.title.too_long"), Some(1.0));
//! ```
//!
//! Author crates may keep `unsafe_code = "forbid"`: the `unsafe` glue the export macros expand to comes from
//! this crate's macros, which the lint does not look into. This crate itself denies unsafe code and allows it
//! only in the generated `bindings` module.
//!
//! Native test pages are [`testing::MockPage`]s; their snapshot format is described in that type's module.

// The generated code and the export macros name the runtime as `siloq_sdk::...`, which must resolve here too.
extern crate self as siloq_sdk;

mod advice;
#[doc(hidden)]
pub mod bindings;
mod export;
mod info;
pub mod limits;
pub mod log;
mod page;
mod report;
pub mod scoring;
pub mod site;
pub mod testing;
mod traits;
mod types;
pub mod validate;

pub use advice::{Advice, AdviceBuilder, DEFAULT_ACTION, priority_for};
pub use info::{Check, RecommenderInfo, RuleInfo, ScorerInfo};
pub use limits::{
    MAX_AFFECTED, MAX_AFFECTED_BYTES, MAX_CHECKS, MAX_DESCRIBE_BYTES, MAX_DETAIL_KEY_BYTES,
    MAX_DETAIL_TEXT_BYTES, MAX_DETAILS, MAX_DETAILS_BYTES, MAX_FINDINGS, MAX_MESSAGE_BYTES,
    MAX_OUTPUT_BYTES, MAX_RECOMMENDATIONS, MAX_RECOMMENDATIONS_PER_PAGE,
};
pub use page::PageView;
pub use report::{FindingBuilder, Report};
pub use traits::{NoConfig, Recommender, Rule, Scorer};
pub use types::*;

/// Version of this SDK, reported as `sdk-version` in `describe()`.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Version of the WIT package the SDK targets.
pub const API_VERSION: &str = "1.0.0";
/// The WIT package this SDK targets.
pub const WIT_VERSION: &str = "siloq:rules@1.0.0";

/// Everything an extension usually needs: `use siloq_sdk::prelude::*;`.
pub mod prelude {
    pub use crate::export_site_rule;
    pub use crate::site::{SiteRule, SiteView};
    pub use crate::types::*;
    pub use crate::{
        Advice, Check, ExtensionError, NoConfig, PageView, Recommender, RecommenderInfo, Report,
        Rule, RuleInfo, Scorer, ScorerInfo, export_recommender, export_rule, export_scorer,
    };
}

/// Glue for the export macros and the test runners; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::export::*;
    pub use serde_json;
    pub use wit_bindgen;
}

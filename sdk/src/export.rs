//! The export macros and the glue they expand to. The glue is ordinary generic code (`__private`), shared with
//! the native test runners, so the component and `cargo test` run exactly the same path; the macros only add
//! the generated `Guest` impl and the wit-bindgen export, for `target_arch = "wasm32"` only.

use crate::advice::Advice;
use crate::info::Meta;
use crate::page::PageView;
use crate::report::Report;
use crate::traits::{Recommender, Rule, Scorer};
use crate::types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses an operator config: empty means `Default`; anything unparsable is the operator's problem.
pub fn parse_config<C: DeserializeOwned + Default>(config: &str) -> Result<C, ExtensionError> {
    if config.trim().is_empty() {
        return Ok(C::default());
    }
    serde_json::from_str(config)
        .map_err(|e| ExtensionError::InvalidConfig(format!("invalid config: {e}")))
}

pub(crate) fn meta<C: Serialize + Default>(
    version: &'static str,
    config_schema: Option<&'static str>,
) -> Meta {
    Meta {
        version,
        config_schema,
        default_config: serde_json::to_string(&C::default()).unwrap_or_else(|_| "{}".to_owned()),
    }
}

pub fn describe_rule<T: Rule>(version: &'static str) -> ExtensionInfo {
    T::info().extension_info(meta::<T::Config>(version, T::CONFIG_SCHEMA))
}

pub fn describe_scorer<T: Scorer>(version: &'static str) -> ExtensionInfo {
    T::info().extension_info(meta::<T::Config>(version, T::CONFIG_SCHEMA))
}

pub fn describe_recommender<T: Recommender>(version: &'static str) -> ExtensionInfo {
    T::info().extension_info(meta::<T::Config>(version, T::CONFIG_SCHEMA))
}

pub fn evaluate<T: Rule>(
    page: &impl PageView,
    config: &str,
) -> Result<Vec<Finding>, ExtensionError> {
    let config = parse_config::<T::Config>(config)?;
    let mut report = Report::new(T::info().checks());
    T::evaluate(page, &config, &mut report)?;
    Ok(report.finish())
}

pub fn score<T: Scorer>(
    page: &impl PageView,
    findings: &[SourcedFinding],
    config: &str,
) -> Result<ScoreResult, ExtensionError> {
    let config = parse_config::<T::Config>(config)?;
    let result = T::score(page, findings, &config)?;
    // The kernel would reject the result and fall back; saying why is more useful to the author.
    if result.points_lost.len() != findings.len() {
        return Err(ExtensionError::Internal(format!(
            "points_lost has {} entries for {} findings",
            result.points_lost.len(),
            findings.len()
        )));
    }
    Ok(result)
}

pub fn recommend<T: Recommender>(
    page: &impl PageView,
    card: &ScoreCard,
    issues: &[ScoredIssue],
    config: &str,
) -> Result<Vec<Recommendation>, ExtensionError> {
    let config = parse_config::<T::Config>(config)?;
    let mut advice = Advice::new(T::info().checks(), issues);
    T::recommend(page, card, issues, &config, &mut advice)?;
    Ok(advice.finish())
}

/// Registers a [`Rule`](crate::Rule) as the component's `siloq:rules/rule-api@1.0.0` export.
///
/// Expands to nothing outside `wasm32`, so the crate also builds natively for its unit tests. The extension
/// version in `describe()` is the invoking crate's `CARGO_PKG_VERSION`.
#[macro_export]
macro_rules! export_rule {
    ($ty:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __SiloqRuleExport;
            impl $crate::bindings::rule::exports::siloq::rules::rule_api::Guest for __SiloqRuleExport {
                fn describe() -> $crate::ExtensionInfo {
                    $crate::__private::describe_rule::<$ty>(env!("CARGO_PKG_VERSION"))
                }
                fn evaluate(
                    page: &$crate::Page,
                    config: ::std::string::String,
                ) -> ::core::result::Result<::std::vec::Vec<$crate::Finding>, $crate::ExtensionError> {
                    $crate::__private::evaluate::<$ty>(page, &config)
                }
            }
            $crate::bindings::rule::export_rule_world!(__SiloqRuleExport with_types_in $crate::bindings::rule);
        };
    };
}

/// Registers a [`Scorer`](crate::Scorer) as the component's `siloq:rules/scorer-api@1.0.0` export.
#[macro_export]
macro_rules! export_scorer {
    ($ty:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __SiloqScorerExport;
            impl $crate::bindings::scorer::exports::siloq::rules::scorer_api::Guest for __SiloqScorerExport {
                fn describe() -> $crate::ExtensionInfo {
                    $crate::__private::describe_scorer::<$ty>(env!("CARGO_PKG_VERSION"))
                }
                fn score(
                    page: &$crate::Page,
                    findings: ::std::vec::Vec<$crate::SourcedFinding>,
                    config: ::std::string::String,
                ) -> ::core::result::Result<$crate::ScoreResult, $crate::ExtensionError> {
                    $crate::__private::score::<$ty>(page, &findings, &config)
                }
            }
            $crate::bindings::scorer::export_scorer_world!(__SiloqScorerExport with_types_in $crate::bindings::scorer);
        };
    };
}

/// Registers a [`Recommender`](crate::Recommender) as the component's `siloq:rules/recommender-api@1.0.0` export.
#[macro_export]
macro_rules! export_recommender {
    ($ty:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __SiloqRecommenderExport;
            impl $crate::bindings::recommender::exports::siloq::rules::recommender_api::Guest
                for __SiloqRecommenderExport
            {
                fn describe() -> $crate::ExtensionInfo {
                    $crate::__private::describe_recommender::<$ty>(env!("CARGO_PKG_VERSION"))
                }
                fn recommend(
                    page: &$crate::Page,
                    card: $crate::ScoreCard,
                    issues: ::std::vec::Vec<$crate::ScoredIssue>,
                    config: ::std::string::String,
                ) -> ::core::result::Result<
                    ::std::vec::Vec<$crate::Recommendation>,
                    $crate::ExtensionError,
                > {
                    $crate::__private::recommend::<$ty>(page, &card, &issues, &config)
                }
            }
            $crate::bindings::recommender::export_recommender_world!(
                __SiloqRecommenderExport with_types_in $crate::bindings::recommender
            );
        };
    };
}

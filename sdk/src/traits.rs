//! The three extension kinds (extensions.md §3.2). Each is implemented on a unit type and registered with its
//! export macro; the same implementation runs in the component and natively under `testing`.

use crate::advice::Advice;
use crate::info::{RecommenderInfo, RuleInfo, ScorerInfo};
use crate::page::PageView;
use crate::report::Report;
use crate::types::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Issue detection: one finding per declared check the rule evaluated.
pub trait Rule {
    /// Parsed from the operator's JSON; an empty string means `Default`.
    type Config: DeserializeOwned + Serialize + Default;
    /// JSON Schema (draft 2020-12) documenting the config.
    const CONFIG_SCHEMA: Option<&'static str> = None;
    fn info() -> RuleInfo;
    fn evaluate(
        page: &impl PageView,
        config: &Self::Config,
        out: &mut Report,
    ) -> Result<(), ExtensionError>;
}

/// Turns the page's findings into a score card and the points each finding cost.
pub trait Scorer {
    type Config: DeserializeOwned + Serialize + Default;
    const CONFIG_SCHEMA: Option<&'static str> = None;
    fn info() -> ScorerInfo;
    fn score(
        page: &impl PageView,
        findings: &[SourcedFinding],
        config: &Self::Config,
    ) -> Result<ScoreResult, ExtensionError>;
}

/// Turns the scored issues into advice.
pub trait Recommender {
    type Config: DeserializeOwned + Serialize + Default;
    const CONFIG_SCHEMA: Option<&'static str> = None;
    fn info() -> RecommenderInfo;
    fn recommend(
        page: &impl PageView,
        card: &ScoreCard,
        issues: &[ScoredIssue],
        config: &Self::Config,
        out: &mut Advice,
    ) -> Result<(), ExtensionError>;
}

/// The config of an extension without settings: accepts any JSON object and serializes as `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoConfig {}

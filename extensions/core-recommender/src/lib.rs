//! `siloq.core-recommender`: Siloq's default recommendation policy (extensions.md §5.4, seo-rules.md §2.3,
//! §2.9): one recommendation per issue, with the finding's message and action (or "Review this issue."),
//! priority from severity (critical and high: high; medium: medium; low: low), impact equal to the points the
//! issue costs, ordered by impact, then severity, then check id, at most 50.

use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;
use siloq_sdk::priority_for;
use std::cmp::Ordering;

/// How recommendations are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// seo-rules.md §2.9: impact (descending), then severity, then check id.
    #[default]
    Impact,
    /// Priority first (high, medium, low), then impact, then check id.
    Priority,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub order: Order,
    /// At most this many recommendations (the kernel keeps 50 per page).
    pub max: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            order: Order::Impact,
            max: siloq_sdk::MAX_RECOMMENDATIONS_PER_PAGE,
        }
    }
}

const CONFIG_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "order": {"enum": ["impact", "priority"], "default": "impact"},
    "max": {"type": "integer", "minimum": 0, "maximum": 50, "default": 50}
  }
}"#;

pub struct CoreRecommender;

impl Recommender for CoreRecommender {
    type Config = Config;
    const CONFIG_SCHEMA: Option<&'static str> = Some(CONFIG_SCHEMA);

    fn info() -> RecommenderInfo {
        RecommenderInfo::new("siloq.core-recommender", "Siloq core recommender").summary(
            "One recommendation per issue: the rule's suggested fix, priority from severity, impact equal to \
             the points the issue costs, highest impact first.",
        )
    }

    fn recommend(
        _page: &impl PageView,
        _card: &ScoreCard,
        issues: &[ScoredIssue],
        config: &Config,
        out: &mut Advice,
    ) -> Result<(), ExtensionError> {
        // A hard-failed page has one issue, its gate (seo-rules.md §2.5.1), whatever else the rules reported.
        let gate = issues
            .iter()
            .find(|i| i.finding.blocking == Some(Blocking::HardFailure) && fired(i));
        let mut issues: Vec<&ScoredIssue> = match gate {
            Some(gate) => vec![gate],
            None => issues.iter().filter(|i| fired(i)).collect(),
        };
        issues.sort_by(|a, b| order(config.order, a, b));
        let max = config.max.min(siloq_sdk::MAX_RECOMMENDATIONS_PER_PAGE);
        for issue in issues.into_iter().take(max) {
            let advice = out.for_issue(issue);
            if issue.finding.message.is_empty() {
                advice.message(format!("The check {} did not pass.", issue.finding.check));
            }
        }
        Ok(())
    }
}

/// An issue is a finding that applied and scored below 1.0; anything else handed over is ignored.
fn fired(issue: &ScoredIssue) -> bool {
    issue.finding.credit.is_some_and(|c| c < 1.0)
}

/// The severity enum is declared critical..low and priority high..low, so ascending is most urgent first.
fn order(order: Order, a: &ScoredIssue, b: &ScoredIssue) -> Ordering {
    let (fa, fb) = (&a.finding, &b.finding);
    let impact = b.points_lost.total_cmp(&a.points_lost);
    let severity = fa.severity.cmp(&fb.severity);
    let priority = priority_for(fa.severity).cmp(&priority_for(fb.severity));
    let check = fa.check.cmp(&fb.check);
    match order {
        Order::Impact => impact.then(severity).then(check),
        Order::Priority => priority.then(impact).then(severity).then(check),
    }
}

export_recommender!(CoreRecommender);

#[cfg(test)]
mod tests;

//! Native test harness (extensions.md §3.7): run an extension against a [`MockPage`] (or a page snapshot) with
//! a JSON config, through the same glue the component uses, then inspect the [`Outcome`].
//!
//! What the kernel does around a call is mirrored where it changes results: a finding whose check requires a
//! capability the page lacks becomes not applicable.

mod mock;
mod site;

pub use mock::MockPage;
pub use site::{MockSite, run_site_rule};

use crate::page::PageView;
use crate::traits::{Recommender, Rule, Scorer};
use crate::types::*;

/// The runners cannot see the extension crate's version; any valid one will do for checking `describe()`.
const DESCRIBE_VERSION: &str = "0.0.0";

#[track_caller]
fn valid(info: ExtensionInfo) {
    if let Err(problem) = crate::validate::describe(&info) {
        panic!("describe() of {} is invalid: {problem}", info.id);
    }
}

/// The findings of one native rule run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    findings: Vec<Finding>,
}

impl Outcome {
    /// Every finding, in report order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub fn finding(&self, check: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.check == check)
    }

    /// The credit of `check`: `None` when it did not apply or was not reported.
    pub fn credit(&self, check: &str) -> Option<f32> {
        self.finding(check).and_then(|f| f.credit)
    }

    pub fn is_reported(&self, check: &str) -> bool {
        self.finding(check).is_some()
    }

    /// The findings that become issues: applicable, credit below 1.0.
    pub fn issues(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.credit.is_some_and(|c| c < 1.0))
            .collect()
    }

    /// The findings as the kernel hands them to a scorer, tagged with `extension`.
    pub fn sourced(&self, extension: &str) -> Vec<SourcedFinding> {
        self.findings
            .iter()
            .map(|f| SourcedFinding {
                extension: extension.to_owned(),
                finding: f.clone(),
            })
            .collect()
    }
}

/// Runs a rule natively. Misuse of `Report` (undeclared or duplicate check, reserved detail key) panics.
/// `describe()` is checked against extensions.md §2.3 first and panics when invalid.
#[track_caller]
pub fn run_rule<T: Rule>(page: &impl PageView, config: &str) -> Result<Outcome, ExtensionError> {
    valid(crate::__private::describe_rule::<T>(DESCRIBE_VERSION));
    let mut findings = crate::__private::evaluate::<T>(page, config)?;
    let capabilities = page.info().capabilities;
    let info = T::info();
    for finding in &mut findings {
        let declared = info.checks().iter().find(|c| c.id == finding.check);
        if declared.is_some_and(|c| c.requires.iter().any(|r| !capabilities.contains(r))) {
            finding.credit = None;
        }
    }
    Ok(Outcome { findings })
}

/// Runs a scorer natively.
#[track_caller]
pub fn run_scorer<T: Scorer>(
    page: &impl PageView,
    findings: &[SourcedFinding],
    config: &str,
) -> Result<ScoreResult, ExtensionError> {
    valid(crate::__private::describe_scorer::<T>(DESCRIBE_VERSION));
    crate::__private::score::<T>(page, findings, config)
}

/// Runs a recommender natively.
#[track_caller]
pub fn run_recommender<T: Recommender>(
    page: &impl PageView,
    card: &ScoreCard,
    issues: &[ScoredIssue],
    config: &str,
) -> Result<Vec<Recommendation>, ExtensionError> {
    valid(crate::__private::describe_recommender::<T>(
        DESCRIBE_VERSION,
    ));
    crate::__private::recommend::<T>(page, card, issues, config)
}

/// A finding as a scorer receives it; `credit` `None` is not applicable.
pub fn sourced(
    extension: &str,
    check: &str,
    category: Category,
    severity: Severity,
    credit: Option<f32>,
) -> SourcedFinding {
    SourcedFinding {
        extension: extension.to_owned(),
        finding: Finding {
            check: check.to_owned(),
            category,
            severity,
            credit,
            weight: None,
            message: if credit.is_some_and(|c| c < 1.0) {
                format!("{check} fired.")
            } else {
                String::new()
            },
            action: None,
            details: Vec::new(),
            affected: Vec::new(),
            blocking: None,
        },
    }
}

/// The issues the kernel builds from a score result: every applicable finding with credit below 1.0, with its
/// points lost, ordered by points lost (descending), then severity, then check id (extensions.md §2.4).
pub fn scored_issues(findings: &[SourcedFinding], result: &ScoreResult) -> Vec<ScoredIssue> {
    let mut issues: Vec<ScoredIssue> = findings
        .iter()
        .zip(&result.points_lost)
        .filter(|(f, _)| f.finding.credit.is_some_and(|c| c < 1.0))
        .map(|(f, &points_lost)| ScoredIssue {
            extension: f.extension.clone(),
            finding: f.finding.clone(),
            points_lost,
        })
        .collect();
    issues.sort_by(|a, b| {
        b.points_lost
            .total_cmp(&a.points_lost)
            .then(a.finding.severity.cmp(&b.finding.severity))
            .then(a.finding.check.cmp(&b.finding.check))
    });
    issues
}

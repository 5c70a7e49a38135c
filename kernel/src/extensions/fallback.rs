//! The built-in scorer and recommender (extensions.md §5.4): used when a revision has no scorer (by design, not
//! `degraded`), when the scorer fails or returns an invalid result, and when no recommender succeeds.
//!
//! The scorer is the kernel's native implementation of seo-rules.md §2 (`crate::scoring`), fed with the sourced
//! findings; it returns the same `score-result` shape a scorer extension returns, so the pipeline treats both
//! alike.

use super::wit::v1_0_0::types::{
    Blocking, Category, CategoryScore, Finding, Priority, Recommendation, ScoreCard, ScoreResult,
    ScoredIssue, Severity, SourcedFinding,
};
use crate::analysis::Mode;
use crate::scoring;
use std::collections::HashMap;

pub(crate) fn category_id(c: Category) -> &'static str {
    match c {
        Category::Technical => "technical",
        Category::Content => "content",
        Category::Structure => "structure",
        Category::Performance => "performance",
        Category::Onpage => "onpage",
    }
}

pub(crate) fn severity_id(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

pub(crate) fn priority_id(p: Priority) -> &'static str {
    match p {
        Priority::High => "high",
        Priority::Medium => "medium",
        Priority::Low => "low",
    }
}

/// Priority of a severity (seo-rules.md §2.3).
pub(crate) fn priority_of(s: Severity) -> Priority {
    match s {
        Severity::Critical | Severity::High => Priority::High,
        Severity::Medium => Priority::Medium,
        Severity::Low => Priority::Low,
    }
}

const CATEGORIES: [Category; 5] = [
    Category::Technical,
    Category::Content,
    Category::Structure,
    Category::Performance,
    Category::Onpage,
];

pub(crate) fn native(f: &Finding) -> scoring::Finding {
    let category = match f.category {
        Category::Technical => scoring::Category::Technical,
        Category::Content => scoring::Category::Content,
        Category::Structure => scoring::Category::Structure,
        Category::Performance => scoring::Category::Performance,
        Category::Onpage => scoring::Category::Onpage,
    };
    let severity = match f.severity {
        Severity::Critical => scoring::Severity::Critical,
        Severity::High => scoring::Severity::High,
        Severity::Medium => scoring::Severity::Medium,
        Severity::Low => scoring::Severity::Low,
    };
    let mut out = scoring::Finding::new(&f.check, category, severity, f.credit.map(f64::from));
    out.weight = f.weight.map(f64::from);
    out.gate = f.blocking.map(|b| match b {
        Blocking::HardFailure => scoring::Gate::HardFailure,
        Blocking::NotIndexable => scoring::Gate::NotIndexable,
    });
    out
}

/// Scores sourced findings with the native model. Content-only (WordPress) pages leave technical and
/// performance unscored, as seo-rules.md §2.1 says.
pub(crate) fn score(findings: &[SourcedFinding], mode: Mode) -> ScoreResult {
    let natives: Vec<scoring::Finding> = findings.iter().map(|s| native(&s.finding)).collect();
    let mode = match mode {
        Mode::WordPress => scoring::Mode::ContentOnly,
        Mode::Scan => scoring::Mode::FullPage,
    };
    let card = scoring::score(mode, &natives);
    let points: HashMap<&str, f64> = card
        .issues
        .iter()
        .map(|i| (i.rule.as_str(), i.points_lost))
        .collect();
    ScoreResult {
        card: ScoreCard {
            // Unrounded, like a scorer extension's card: the kernel rounds once, at the end.
            score: card.capped as f32,
            categories: CATEGORIES
                .iter()
                .map(|c| CategoryScore {
                    category: *c,
                    score: card
                        .category_scores
                        .get(category_id(*c))
                        .copied()
                        .flatten()
                        .map(|s| s as f32),
                })
                .collect(),
            indexable: !card.index_gate_fired,
        },
        points_lost: findings
            .iter()
            .map(|s| points.get(s.finding.check.as_str()).copied().unwrap_or(0.0) as f32)
            .collect(),
    }
}

/// One recommendation per issue: the finding's texts, priority from severity, impact = points lost.
pub(crate) fn recommend(issues: &[ScoredIssue]) -> Vec<Recommendation> {
    issues
        .iter()
        .map(|i| Recommendation {
            check: i.finding.check.clone(),
            category: i.finding.category,
            priority: priority_of(i.finding.severity),
            message: i.finding.message.clone(),
            action: i
                .finding
                .action
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| "Review this issue.".into()),
            impact: i.points_lost,
        })
        .collect()
}

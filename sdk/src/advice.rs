//! `Advice`: how a recommender writes recommendations. Each names a check that is an issue on this page or one
//! the recommender declared; strings, impact and count are kept within the kernel's caps (extensions.md §2.3).

use crate::limits::{self, misuse};
use crate::types::*;
use std::collections::BTreeMap;

/// The action written when a finding suggests none (extensions.md §5.4).
pub const DEFAULT_ACTION: &str = "Review this issue.";

/// One recommendation being written; returned by [`Advice::recommend`] for chaining.
#[derive(Debug, Clone)]
pub struct AdviceBuilder(Recommendation);

impl AdviceBuilder {
    /// What to do (cut to 1 KiB).
    pub fn action(&mut self, action: impl Into<String>) -> &mut Self {
        self.0.action = limits::cut(action.into(), limits::MAX_MESSAGE_BYTES);
        self
    }

    /// Replaces the message (cut to 1 KiB).
    pub fn message(&mut self, message: impl Into<String>) -> &mut Self {
        self.0.message = limits::cut(message.into(), limits::MAX_MESSAGE_BYTES);
        self
    }

    pub fn priority(&mut self, priority: Priority) -> &mut Self {
        self.0.priority = priority;
        self
    }

    /// Score points the page is expected to gain (clamped to 0..=100; not finite counts as 0).
    pub fn impact(&mut self, impact: f32) -> &mut Self {
        self.0.impact = if impact.is_finite() {
            impact.clamp(0.0, 100.0)
        } else {
            0.0
        };
        self
    }

    pub fn recommendation(&self) -> &Recommendation {
        &self.0
    }
}

/// The recommendations of one call, at most [`limits::MAX_RECOMMENDATIONS`].
#[derive(Debug)]
pub struct Advice {
    /// Check id to category, for the page's issues and the declared recommendation types.
    known: BTreeMap<String, Category>,
    out: Vec<AdviceBuilder>,
    discarded: AdviceBuilder,
}

impl Advice {
    /// Advice that may name `declared` checks and the checks of `issues`.
    pub fn new(declared: &[CheckInfo], issues: &[ScoredIssue]) -> Self {
        let mut known: BTreeMap<String, Category> = issues
            .iter()
            .map(|i| (i.finding.check.clone(), i.finding.category))
            .collect();
        for check in declared {
            known.entry(check.id.clone()).or_insert(check.category);
        }
        Advice {
            known,
            out: Vec::new(),
            discarded: AdviceBuilder(blank(String::new(), Category::Technical)),
        }
    }

    /// A recommendation for `check`, with its category taken from the issue or the declaration; priority
    /// medium, impact 0 and the action [`DEFAULT_ACTION`] until set.
    #[track_caller]
    pub fn recommend(
        &mut self,
        check: &str,
        priority: Priority,
        message: impl Into<String>,
    ) -> &mut AdviceBuilder {
        let Some(&category) = self.known.get(check) else {
            misuse(format_args!(
                "recommendation {check:?} is neither an issue on this page nor declared in info()"
            ));
            return &mut self.discarded;
        };
        if self.out.len() >= limits::MAX_RECOMMENDATIONS {
            misuse(format_args!(
                "more than {} recommendations in one call",
                limits::MAX_RECOMMENDATIONS
            ));
            return &mut self.discarded;
        }
        let mut builder = AdviceBuilder(blank(check.to_owned(), category));
        builder.priority(priority).message(message);
        self.out.push(builder);
        self.out.last_mut().expect("just pushed")
    }

    /// The default recommendation for an issue (extensions.md §5.4): its check, category and message, its
    /// action or [`DEFAULT_ACTION`], priority from severity and impact equal to its points lost.
    #[track_caller]
    pub fn for_issue(&mut self, issue: &ScoredIssue) -> &mut AdviceBuilder {
        let finding = &issue.finding;
        let builder = self.recommend(
            &finding.check,
            priority_for(finding.severity),
            finding.message.clone(),
        );
        builder.action(
            finding
                .action
                .clone()
                .unwrap_or_else(|| DEFAULT_ACTION.to_owned()),
        );
        builder.impact(issue.points_lost);
        builder
    }

    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// The recommendations so far, in the order written.
    pub fn recommendations(&self) -> impl Iterator<Item = &Recommendation> {
        self.out.iter().map(|b| &b.0)
    }

    /// Reorders the recommendations written so far (for example by priority, then impact).
    pub fn sort_by(
        &mut self,
        mut compare: impl FnMut(&Recommendation, &Recommendation) -> std::cmp::Ordering,
    ) {
        self.out.sort_by(|a, b| compare(&a.0, &b.0));
    }

    /// Keeps the first `n` recommendations.
    pub fn truncate(&mut self, n: usize) {
        self.out.truncate(n);
    }

    pub fn finish(self) -> Vec<Recommendation> {
        self.out.into_iter().map(|b| b.0).collect()
    }
}

/// Priority from severity (seo-rules.md §2.3): critical and high are high, medium is medium, low is low.
pub fn priority_for(severity: Severity) -> Priority {
    match severity {
        Severity::Critical | Severity::High => Priority::High,
        Severity::Medium => Priority::Medium,
        Severity::Low => Priority::Low,
    }
}

fn blank(check: String, category: Category) -> Recommendation {
    Recommendation {
        check,
        category,
        priority: Priority::Medium,
        message: String::new(),
        action: DEFAULT_ACTION.to_owned(),
        impact: 0.0,
    }
}

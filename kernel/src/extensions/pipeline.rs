//! The pipeline per page (extensions.md §5.1 steps 3-6, §5.3): rules, scorer, issues, recommenders, under one
//! ruleset revision and one wall-clock budget. Nothing an extension does fails the pipeline: every failure is a
//! [`Diagnostic`], the result is `degraded`, and the built-in scorer and recommender stand in where needed.
//!
//! Synchronous and CPU-bound: call it from an evaluation thread ([`super::pool`]), never on an async worker.

use super::call::{CallFailure, CallOutcome};
use super::diagnostic::{Diagnostic, Reason, Stage};
use super::fallback::{self, category_id, priority_id, severity_id};
use super::host::ExtensionHost;
use super::limits;
use super::page::PreparedPage;
use super::ruleset::{Entry, Ruleset};
use super::validate::{self, Problem};
use super::wit::v1_0_0::types::{
    Blocking, Category, DetailValue, Finding, Recommendation as WitRecommendation,
    ScoreCard as WitScoreCard, ScoreResult, ScoredIssue, Severity, SourcedFinding,
};
use crate::scoring::round_half_up;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The page's score card after rounding (§2.4): `score` = `round(card.score)`; each category rounded or `None`
/// when it did not apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreCard {
    pub score: i64,
    /// The scorer's score before the kernel rounded it.
    pub raw_score: f32,
    /// All five categories.
    pub categories: BTreeMap<&'static str, Option<i64>>,
    pub indexable: bool,
}

impl ScoreCard {
    /// `{"technical": 70, "content": null, ...}`.
    pub fn categories_json(&self) -> Value {
        Value::Object(
            self.categories
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.map_or(Value::Null, Value::from)))
                .collect(),
        )
    }
}

/// An issue (or a note) in the API's shape (§2.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// The check id (`type` on the wire).
    pub check: String,
    pub category: &'static str,
    pub severity: &'static str,
    pub message: String,
    /// Rounded to two decimals.
    pub points_lost: f64,
    /// The finding's details plus `credit`, `affected` and `extension`.
    pub details: Map<String, Value>,
    pub extension: String,
    pub action: Option<String>,
}

impl Issue {
    /// `{"type", "category", "severity", "message", "points_lost", "details"}`.
    pub fn to_json(&self) -> Value {
        json!({"type": self.check, "category": self.category, "severity": self.severity, "message": self.message,
               "points_lost": self.points_lost, "details": self.details})
    }
}

/// A recommendation in the API's shape (§2.4; `issue` repeats `message` for older clients).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub check: String,
    pub category: &'static str,
    pub priority: &'static str,
    pub message: String,
    pub action: String,
    /// Rounded to one decimal.
    pub impact: f64,
}

impl Recommendation {
    pub fn to_json(&self) -> Value {
        json!({"type": self.check, "category": self.category, "priority": self.priority, "message": self.message,
               "issue": self.message, "action": self.action, "impact": self.impact})
    }
}

/// One guest call of the pipeline, successful or not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    pub extension: String,
    pub version: String,
    pub stage: Stage,
    /// `None` when the call succeeded (its output may still have lost items; see the diagnostics).
    pub failure: Option<Reason>,
    pub fuel: Option<u64>,
    pub duration_ms: f64,
    pub peak_memory: usize,
}

/// Everything the pipeline produced for one page.
#[derive(Debug, Clone, Serialize)]
pub struct PipelineResult {
    pub revision: i64,
    /// `None` when no finding applied at all (every rule failed, say): the page keeps its previous score.
    pub card: Option<ScoreCard>,
    /// Findings with credit below 1 (and a weight), by points lost, then severity, then check id.
    pub issues: Vec<Issue>,
    /// Advisory findings (weight 0) with credit below 1; points lost 0.
    pub notes: Vec<Issue>,
    pub recommendations: Vec<Recommendation>,
    pub diagnostics: Vec<Diagnostic>,
    /// Some extension output was lost (a failed call, a dropped finding, a fallback for a failed scorer).
    pub degraded: bool,
    /// The page budget ran out: some rules did not run.
    pub partial: bool,
    /// The built-in scorer produced the card.
    pub fallback_scorer: bool,
    /// The built-in recommender wrote the recommendations.
    pub fallback_recommender: bool,
    /// Every finding after validation, overrides and capability checks, in revision order.
    #[serde(skip)]
    pub findings: Vec<SourcedFinding>,
    pub calls: Vec<CallRecord>,
    pub duration_ms: f64,
}

impl PipelineResult {
    /// Fuel of every call that reported it.
    pub fn total_fuel(&self) -> u64 {
        self.calls.iter().filter_map(|c| c.fuel).sum()
    }
}

struct Run<'a> {
    host: &'a ExtensionHost,
    page: &'a Arc<PreparedPage>,
    start: Instant,
    budget: Duration,
    diagnostics: Vec<Diagnostic>,
    calls: Vec<CallRecord>,
}

impl Run<'_> {
    fn left(&self) -> Duration {
        self.budget.saturating_sub(self.start.elapsed())
    }

    fn diagnose(
        &mut self,
        entry: &Entry,
        stage: Stage,
        problem: Problem,
        duration_ms: Option<f64>,
        fuel: Option<u64>,
    ) {
        self.diagnostics.push(Diagnostic {
            extension: entry.ext.id().to_string(),
            version: entry.ext.version().to_string(),
            stage,
            reason: problem.reason,
            detail: problem.detail,
            duration_ms,
            fuel,
        });
    }

    /// Records a finished call; returns its value when it succeeded.
    fn record<T>(&mut self, entry: &Entry, stage: Stage, report: CallOutcome<T>) -> Option<T> {
        let duration_ms = report.duration_ms();
        tracing::debug!(
            extension.id = entry.ext.id(),
            extension.version = entry.ext.version(),
            stage = stage.as_str(),
            fuel.consumed = report.fuel,
            duration_ms,
            outcome = report
                .outcome
                .as_ref()
                .err()
                .map_or("ok", |f| f.reason.as_str()),
            "extension call"
        );
        self.calls.push(CallRecord {
            extension: entry.ext.id().to_string(),
            version: entry.ext.version().to_string(),
            stage,
            failure: report.outcome.as_ref().err().map(|f| f.reason),
            fuel: report.fuel,
            duration_ms,
            peak_memory: report.peak_memory,
        });
        if report.logs_truncated {
            self.diagnose(
                entry,
                stage,
                Problem::new(
                    Reason::LogsTruncated,
                    "log lines or standard error beyond their caps were dropped",
                ),
                Some(duration_ms),
                report.fuel,
            );
        }
        match report.outcome {
            Ok(value) => Some(value),
            Err(CallFailure { reason, detail }) => {
                if reason == Reason::InvalidConfig {
                    tracing::warn!(extension = entry.ext.id(), %detail, "extension refused its configuration");
                }
                self.diagnose(
                    entry,
                    stage,
                    Problem::new(reason, detail),
                    Some(duration_ms),
                    report.fuel,
                );
                None
            }
        }
    }

    fn timeout(&self, entry: &Entry) -> Duration {
        Duration::from_millis(entry.limits.call_timeout_ms).min(self.left())
    }
}

fn skipped(entry: &Entry, stage: Stage) -> Diagnostic {
    Diagnostic {
        extension: entry.ext.id().to_string(),
        version: entry.ext.version().to_string(),
        stage,
        reason: Reason::PageBudgetExhausted,
        detail: "not started: the page's time budget was used up".into(),
        duration_ms: None,
        fuel: None,
    }
}

/// Applies the revision's overrides and the capability rule of §2.3 to a validated finding; `None` when an
/// override disables it.
fn adjust(entry: &Entry, page: &PreparedPage, mut f: Finding) -> Option<Finding> {
    if let Some(o) = entry.overrides.get(&f.check) {
        if o.disabled {
            return None;
        }
        if let Some(severity) = o.severity() {
            f.severity = severity;
        }
        if let Some(weight) = o.weight {
            f.weight = Some(weight);
        }
    }
    let requires = entry
        .ext
        .check(&f.check)
        .map(|c| c.requires.as_slice())
        .unwrap_or(&[]);
    if requires.iter().any(|c| !page.has(*c)) {
        f.credit = None;
    }
    Some(f)
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
    }
}

fn priority_rank(p: &str) -> u8 {
    match p {
        "high" => 0,
        "medium" => 1,
        _ => 2,
    }
}

fn detail_json(value: &DetailValue) -> Value {
    match value {
        DetailValue::Text(t) => Value::from(t.as_str()),
        DetailValue::Integer(i) => Value::from(*i),
        DetailValue::Number(n) => {
            serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number)
        }
        DetailValue::Boolean(b) => Value::from(*b),
        DetailValue::Texts(ts) => Value::from(ts.clone()),
    }
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (x * factor).round() / factor
}

fn issue(s: &SourcedFinding, points_lost: f32) -> Issue {
    let f = &s.finding;
    let mut details: Map<String, Value> = f
        .details
        .iter()
        .map(|d| (d.key.clone(), detail_json(&d.value)))
        .collect();
    details.insert(
        "credit".into(),
        f.credit
            .map_or(Value::Null, |c| round_to(f64::from(c), 4).into()),
    );
    details.insert("affected".into(), Value::from(f.affected.clone()));
    details.insert("extension".into(), Value::from(s.extension.as_str()));
    Issue {
        check: f.check.clone(),
        category: category_id(f.category),
        severity: severity_id(f.severity),
        message: f.message.clone(),
        points_lost: round_to(f64::from(points_lost), 2),
        details,
        extension: s.extension.clone(),
        action: f.action.clone(),
    }
}

fn fired(f: &Finding) -> bool {
    f.credit.is_some_and(|c| c < 1.0)
}

fn advisory(f: &Finding) -> bool {
    f.blocking.is_none() && f.weight == Some(0.0)
}

/// Runs the whole pipeline for one page under `ruleset`.
pub fn run_pipeline(
    host: &ExtensionHost,
    ruleset: &Ruleset,
    page: &Arc<PreparedPage>,
) -> PipelineResult {
    let span = tracing::debug_span!("extensions.pipeline", ruleset.revision = ruleset.revision);
    let _guard = span.enter();
    let mut run = Run {
        host,
        page,
        start: Instant::now(),
        budget: Duration::from_millis(host.limits().page_budget_ms),
        diagnostics: Vec::new(),
        calls: Vec::new(),
    };
    let mut partial = false;

    // 3. Rules, in revision order.
    let mut findings: Vec<SourcedFinding> = Vec::new();
    for entry in &ruleset.rules {
        if run.left() < Duration::from_millis(limits::RULE_START_RESERVE_MS) {
            run.diagnostics.push(skipped(entry, Stage::Rule));
            partial = true;
            continue;
        }
        let Some(raw) = evaluate(&mut run, entry) else {
            continue;
        };
        match validate::findings(raw, &entry.ext.0.checks, &entry.limits) {
            Err(problem) => run.diagnose(entry, Stage::Rule, problem, None, None),
            Ok(checked) => {
                for problem in checked.problems {
                    run.diagnose(entry, Stage::Rule, problem, None, None);
                }
                findings.extend(
                    checked
                        .value
                        .into_iter()
                        .filter_map(|f| adjust(entry, page, f))
                        .map(|finding| SourcedFinding {
                            extension: entry.ext.id().to_string(),
                            finding,
                        }),
                );
            }
        }
    }

    // 4. Score.
    let mut degraded_by_scorer = false;
    let (result, fallback_scorer) = match &ruleset.scorer {
        None => (fallback::score(&findings, page.mode()), true),
        Some(entry) => match score(&mut run, entry, &findings) {
            Some(result) => (result, false),
            None => {
                degraded_by_scorer = true;
                (fallback::score(&findings, page.mode()), true)
            }
        },
    };
    let any_applies = findings.iter().any(|s| s.finding.credit.is_some());

    // 5. Issues and notes.
    let hard_gate = findings
        .iter()
        .any(|s| s.finding.blocking == Some(Blocking::HardFailure) && fired(&s.finding));
    let mut scored: Vec<(usize, f32)> = findings
        .iter()
        .enumerate()
        .filter(|(_, s)| fired(&s.finding))
        .filter(|(_, s)| !hard_gate || s.finding.blocking == Some(Blocking::HardFailure))
        .map(|(i, _)| (i, result.points_lost.get(i).copied().unwrap_or(0.0)))
        .collect();
    scored.sort_by(|(a, pa), (b, pb)| {
        let (fa, fb) = (&findings[*a].finding, &findings[*b].finding);
        pb.total_cmp(pa)
            .then(severity_rank(fa.severity).cmp(&severity_rank(fb.severity)))
            .then(fa.check.cmp(&fb.check))
    });
    let mut issues = Vec::new();
    let mut notes = Vec::new();
    let mut scored_issues: Vec<ScoredIssue> = Vec::new();
    for (i, points) in scored {
        let s = &findings[i];
        // Notes reach the recommenders too (seo-rules.md §4.6: one recommendation per issue and note).
        let points = if advisory(&s.finding) {
            notes.push(issue(s, 0.0));
            0.0
        } else {
            issues.push(issue(s, points));
            points
        };
        scored_issues.push(ScoredIssue {
            extension: s.extension.clone(),
            finding: s.finding.clone(),
            points_lost: points,
        });
    }

    let card = any_applies.then(|| rounded(&result.card));
    let wit_card = result.card;

    // 6. Recommendations.
    let mut merged: Vec<WitRecommendation> = Vec::new();
    let mut any_recommender = false;
    if card.is_some() {
        for entry in &ruleset.recommenders {
            if run.left().is_zero() {
                run.diagnostics.push(skipped(entry, Stage::Recommender));
                partial = true;
                continue;
            }
            if let Some(recs) = recommend(&mut run, entry, &wit_card, &scored_issues) {
                any_recommender = true;
                for r in recs {
                    if !merged.iter().any(|m| m.check == r.check) {
                        merged.push(r);
                    }
                }
            }
        }
    }
    let fallback_recommender = card.is_some() && !any_recommender;
    if fallback_recommender {
        merged = fallback::recommend(&scored_issues);
    }
    let mut recommendations: Vec<Recommendation> = merged
        .into_iter()
        .map(|r| Recommendation {
            check: r.check,
            category: category_id(r.category),
            priority: priority_id(r.priority),
            message: r.message,
            action: r.action,
            impact: round_to(f64::from(r.impact), 1),
        })
        .collect();
    // api.md §4.7: by impact, then priority, then type.
    recommendations.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then(priority_rank(a.priority).cmp(&priority_rank(b.priority)))
            .then(a.check.cmp(&b.check))
    });
    recommendations.truncate(limits::RECOMMENDATIONS_PER_PAGE);

    let degraded = degraded_by_scorer
        || !any_applies
        || (!ruleset.recommenders.is_empty() && fallback_recommender)
        || run.diagnostics.iter().any(|d| d.reason.degrades());
    PipelineResult {
        revision: ruleset.revision,
        card,
        issues,
        notes,
        recommendations,
        degraded,
        partial,
        fallback_scorer,
        fallback_recommender,
        findings,
        duration_ms: run.start.elapsed().as_secs_f64() * 1000.0,
        diagnostics: run.diagnostics,
        calls: run.calls,
    }
}

fn rounded(card: &WitScoreCard) -> ScoreCard {
    let mut categories: BTreeMap<&'static str, Option<i64>> = [
        Category::Technical,
        Category::Content,
        Category::Structure,
        Category::Performance,
        Category::Onpage,
    ]
    .into_iter()
    .map(|c| (category_id(c), None))
    .collect();
    for c in &card.categories {
        categories.insert(
            category_id(c.category),
            c.score.map(|s| round_half_up(f64::from(s))),
        );
    }
    ScoreCard {
        score: round_half_up(f64::from(card.score)).clamp(0, 100),
        raw_score: card.score,
        categories,
        indexable: card.indexable,
    }
}

fn evaluate(run: &mut Run<'_>, entry: &Entry) -> Option<Vec<Finding>> {
    let timeout = run.timeout(entry);
    let report =
        run.host
            .evaluate_within(&entry.ext, run.page, &entry.config, &entry.limits, timeout);
    run.record(entry, Stage::Rule, report)
}

fn score(run: &mut Run<'_>, entry: &Entry, findings: &[SourcedFinding]) -> Option<ScoreResult> {
    if run.left().is_zero() {
        run.diagnostics.push(skipped(entry, Stage::Scorer));
        return None;
    }
    let timeout = run.timeout(entry);
    let report = run.host.score_within(
        &entry.ext,
        run.page,
        findings,
        &entry.config,
        &entry.limits,
        timeout,
    );
    let result = run.record(entry, Stage::Scorer, report)?;
    match validate::score_result(&result, findings.len()) {
        Ok(()) => Some(result),
        Err(problem) => {
            run.diagnose(entry, Stage::Scorer, problem, None, None);
            None
        }
    }
}

fn recommend(
    run: &mut Run<'_>,
    entry: &Entry,
    card: &WitScoreCard,
    issues: &[ScoredIssue],
) -> Option<Vec<WitRecommendation>> {
    let timeout = run.timeout(entry);
    let report = run.host.recommend_within(
        &entry.ext,
        run.page,
        card,
        issues,
        &entry.config,
        &entry.limits,
        timeout,
    );
    let raw = run.record(entry, Stage::Recommender, report)?;
    let allowed: HashSet<&str> = issues
        .iter()
        .map(|i| i.finding.check.as_str())
        .chain(entry.ext.0.checks.keys().map(String::as_str))
        .collect();
    match validate::recommendations(raw, &allowed, &entry.limits) {
        Err(problem) => {
            run.diagnose(entry, Stage::Recommender, problem, None, None);
            None
        }
        Ok(checked) => {
            for problem in checked.problems {
                run.diagnose(entry, Stage::Recommender, problem, None, None);
            }
            Some(checked.value)
        }
    }
}

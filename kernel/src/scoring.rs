//! The scoring model of seo-rules.md §2, natively: rule findings -> category scores -> page score with caps ->
//! `points_lost` apportioned to sum to exactly `100 - score` -> grade. This is the kernel's built-in scorer (the
//! fallback the spec requires next to WASM scorers) and the reference the extension scorer is tested against.

mod findings;

pub use findings::{Category, Finding, Gate, Severity};

use serde::Serialize;
use std::collections::BTreeMap;

/// Whether the page was synced from WordPress (content only) or fetched by the scanner (full page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    ContentOnly,
    FullPage,
}

/// An issue (or note) with the points it costs.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredIssue {
    #[serde(rename = "type")]
    pub rule: String,
    pub category: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub points_lost: f64,
    pub details: serde_json::Value,
    #[serde(skip)]
    pub action: String,
}

/// A recommendation (api.md §4.7).
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    #[serde(rename = "type")]
    pub rule: String,
    pub category: &'static str,
    pub priority: &'static str,
    pub message: String,
    pub issue: String,
    pub action: String,
    pub impact: f64,
}

/// The result of scoring one page.
#[derive(Debug, Clone)]
pub struct ScoreCard {
    pub score: i64,
    /// Base score before caps (`P`), unrounded.
    pub base: f64,
    /// Score after caps, before rounding.
    pub capped: f64,
    /// `S_c` per category id; `None` when N/A (always all five keys).
    pub category_scores: BTreeMap<&'static str, Option<f64>>,
    pub issues: Vec<ScoredIssue>,
    pub notes: Vec<ScoredIssue>,
    pub recommendations: Vec<Recommendation>,
    pub index_gate_fired: bool,
}

/// `A+` >= 95, `A` 90-94, `B` 80-89, `C` 70-79, `D` 60-69, `F` < 60.
pub fn grade(score: i64) -> &'static str {
    match score {
        95.. => "A+",
        90..=94 => "A",
        80..=89 => "B",
        70..=79 => "C",
        60..=69 => "D",
        _ => "F",
    }
}

/// `floor(x + 0.5)`.
pub fn round_half_up(x: f64) -> i64 {
    (x + 0.5).floor() as i64
}

const HARD_GATE_ORDER: [&str; 3] = ["http.status.error", "http.timeout", "http.redirect.loop"];

/// Scores one page's findings (seo-rules.md §2.4-2.7, 2.9).
pub fn score(mode: Mode, findings: &[Finding]) -> ScoreCard {
    // 1. Hard gates: score 0, the gate is the only issue.
    let hard = HARD_GATE_ORDER
        .iter()
        .filter_map(|id| {
            findings
                .iter()
                .find(|f| f.rule == *id && f.gate == Some(Gate::HardFailure) && f.fired())
        })
        .next()
        .or_else(|| {
            findings
                .iter()
                .find(|f| f.gate == Some(Gate::HardFailure) && f.fired())
        });
    if let Some(gate) = hard {
        let issue = gate.to_issue(100.0);
        return ScoreCard {
            score: 0,
            base: 0.0,
            capped: 0.0,
            category_scores: Category::ALL.iter().map(|c| (c.id(), None)).collect(),
            recommendations: vec![recommendation(&issue)],
            issues: vec![issue],
            notes: Vec::new(),
            index_gate_fired: false,
        };
    }

    // 2. Category scores over applicable weighted rules of the categories this mode scores.
    let scored = |f: &&Finding| f.is_weighted() && f.credit.is_some() && f.category.scored_in(mode);
    let mut sums: BTreeMap<Category, (f64, f64)> = BTreeMap::new();
    for f in findings.iter().filter(scored) {
        let entry = sums.entry(f.category).or_default();
        entry.0 += f.weight() * f.credit.unwrap_or(1.0);
        entry.1 += f.weight();
    }
    let category_scores: BTreeMap<Category, f64> = sums
        .iter()
        .filter(|(_, (_, w))| *w > 0.0)
        .map(|(c, (earned, w))| (*c, 100.0 * earned / w))
        .collect();
    let total_weight: f64 = category_scores.keys().map(|c| c.weight()).sum();
    let base = if total_weight > 0.0 {
        category_scores
            .iter()
            .map(|(c, s)| c.weight() * s)
            .sum::<f64>()
            / total_weight
    } else {
        100.0
    };

    // 3. Caps: the lowest active cap binds.
    let index_gates: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.gate == Some(Gate::NotIndexable) && f.fired())
        .collect();
    let critical: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.is_weighted() && f.severity == Severity::Critical && f.fired())
        .collect();
    let high: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.is_weighted()
                && f.severity == Severity::High
                && f.fired()
                && f.category.scored_in(mode)
        })
        .collect();
    let binding: Option<(f64, &Vec<&Finding>)> =
        [(40.0, &index_gates), (59.0, &critical), (89.0, &high)]
            .into_iter()
            .find(|(_, set)| !set.is_empty());
    let capped = binding.map_or(base, |(cap, _)| base.min(cap));
    let score = round_half_up(capped).clamp(0, 100);

    // 4. Points lost: raw shares, cap excess to the binding set, apportioned in hundredths.
    let mut raw: BTreeMap<String, f64> = BTreeMap::new();
    for f in findings.iter().filter(scored).filter(|f| f.fired()) {
        let (_, cat_weight) = sums[&f.category];
        let share = 100.0
            * (f.category.weight() / total_weight)
            * f.weight()
            * (1.0 - f.credit.unwrap_or(1.0))
            / cat_weight;
        *raw.entry(f.rule.clone()).or_default() += share;
    }
    for gate in &index_gates {
        raw.entry(gate.rule.clone()).or_default();
    }
    if let Some((_, set)) = binding
        && base > capped
    {
        let excess = (base - capped) / set.len() as f64;
        for f in set.iter() {
            *raw.entry(f.rule.clone()).or_default() += excess;
        }
    }
    let points = apportion(&raw, 100 - score);

    let mut issues: Vec<ScoredIssue> = Vec::new();
    let mut notes: Vec<ScoredIssue> = Vec::new();
    for f in findings.iter().filter(|f| f.fired()) {
        if f.is_advisory() || (f.gate.is_none() && !f.category.scored_in(mode)) {
            if f.is_advisory() {
                notes.push(f.to_issue(0.0));
            }
            continue;
        }
        issues.push(f.to_issue(points.get(&f.rule).copied().unwrap_or(0.0)));
    }
    sort_issues(&mut issues);
    sort_issues(&mut notes);
    let mut recommendations: Vec<Recommendation> = issues
        .iter()
        .chain(notes.iter())
        .map(recommendation)
        .collect();
    recommendations.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then(priority_rank(a.priority).cmp(&priority_rank(b.priority)))
            .then(a.rule.cmp(&b.rule))
    });
    ScoreCard {
        score,
        base,
        capped,
        category_scores: Category::ALL
            .iter()
            .map(|c| (c.id(), category_scores.get(c).copied()))
            .collect(),
        issues,
        notes,
        recommendations,
        index_gate_fired: !index_gates.is_empty(),
    }
}

/// Scales raw shares to `total` points in hundredths: floor, then the leftover hundredths one by one to the
/// largest fractional remainders (ties: ascending rule id).
fn apportion(raw: &BTreeMap<String, f64>, total: i64) -> BTreeMap<String, f64> {
    let sum: f64 = raw.values().sum();
    if total <= 0 || sum <= 0.0 {
        return raw.keys().map(|k| (k.clone(), 0.0)).collect();
    }
    let target = total * 100;
    let mut parts: Vec<(String, i64, f64)> = raw
        .iter()
        .map(|(k, v)| {
            let exact = v * target as f64 / sum;
            (k.clone(), exact.floor() as i64, exact - exact.floor())
        })
        .collect();
    let mut left = target - parts.iter().map(|p| p.1).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        parts[b]
            .2
            .total_cmp(&parts[a].2)
            .then(parts[a].0.cmp(&parts[b].0))
    });
    for &i in order.iter().cycle().take(order.len() * 2) {
        if left <= 0 {
            break;
        }
        parts[i].1 += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|(k, hundredths, _)| (k, hundredths as f64 / 100.0))
        .collect()
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        _ => 3,
    }
}

fn priority_rank(priority: &str) -> u8 {
    match priority {
        "high" => 0,
        "medium" => 1,
        _ => 2,
    }
}

/// Issues by `points_lost` descending, then severity, then type (api.md §4.6).
pub fn sort_issues(issues: &mut [ScoredIssue]) {
    issues.sort_by(|a, b| {
        b.points_lost
            .total_cmp(&a.points_lost)
            .then(severity_rank(a.severity).cmp(&severity_rank(b.severity)))
            .then(a.rule.cmp(&b.rule))
    });
}

fn recommendation(issue: &ScoredIssue) -> Recommendation {
    let priority = match issue.severity {
        "critical" | "high" => "high",
        "medium" => "medium",
        _ => "low",
    };
    Recommendation {
        rule: issue.rule.clone(),
        category: issue.category,
        priority,
        message: issue.message.clone(),
        issue: issue.message.clone(),
        action: issue.action.clone(),
        impact: issue.points_lost,
    }
}

#[cfg(test)]
mod tests;

//! The default scoring model of seo-rules.md §2, as a library: `siloq.core-scorer` is this module behind the
//! scorer export, the kernel's built-in fallback is a port of it, and a custom scorer can reuse any part.
//!
//! Over one page's findings: category scores over the applicable weighted checks (§2.4), the base score over
//! the categories the page's mode scores (§2.5.2), the lowest active cap (§2.5.3), and the points each finding
//! costs, apportioned in hundredths so the issues add up to exactly `100 − score` (§2.6). A fired hard gate
//! short-circuits all of it (§2.5.1). Nothing is rounded until the score (§2.5.4); arithmetic is `f64`
//! throughout and converted to the WIT's `f32` only in the result.

mod apportion;
pub mod site;
#[cfg(test)]
mod tests;

pub use apportion::apportion;

use crate::types::*;

/// Which categories a page is scored in (seo-rules.md §2.1, §4.7: `wordpress` = content only, `scan` = full).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A scanned page: all five categories.
    FullPage,
    /// A synced WordPress page: technical and performance are never scored.
    ContentOnly,
}

impl Mode {
    pub fn of(info: &PageInfo) -> Mode {
        match info.source {
            Source::Scan => Mode::FullPage,
            Source::Wordpress => Mode::ContentOnly,
        }
    }

    pub fn scores(self, category: Category) -> bool {
        self == Mode::FullPage || !matches!(category, Category::Technical | Category::Performance)
    }
}

/// `w` of seo-rules.md §2.3.
pub fn severity_weight(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 10.0,
        Severity::High => 5.0,
        Severity::Medium => 2.0,
        Severity::Low => 1.0,
    }
}

/// `W_c` of seo-rules.md §2.1.
pub fn category_weight(category: Category) -> f64 {
    match category {
        Category::Technical => 25.0,
        Category::Content | Category::Structure | Category::Performance => 20.0,
        Category::Onpage => 15.0,
    }
}

/// The hard gates in the order they are evaluated (§2.5.1); other hard-failure checks follow in input order.
pub const HARD_GATE_ORDER: [&str; 3] = ["http.status.error", "http.timeout", "http.redirect.loop"];

/// A page cap (§2.5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// An index gate fired: 40.
    NotIndexable,
    /// A critical non-gate check fired: 59.
    Critical,
    /// A high-severity check fired: 89.
    High,
}

impl Cap {
    pub fn ceiling(self) -> f64 {
        match self {
            Cap::NotIndexable => 40.0,
            Cap::Critical => 59.0,
            Cap::High => 89.0,
        }
    }
}

/// The check's weight: the finding's override when set, else its severity's weight.
pub fn weight(finding: &Finding) -> f64 {
    finding
        .weight
        .map_or_else(|| severity_weight(finding.severity), f64::from)
}

/// Applicable with credit below 1.0.
pub fn fired(finding: &Finding) -> bool {
    finding.credit.is_some_and(|c| c < 1.0)
}

/// Advisory (informational): weight 0, never scored, a note rather than an issue (§2.3). Gates are not advisory.
pub fn is_advisory(finding: &Finding) -> bool {
    finding.blocking.is_none() && weight(finding) <= 0.0
}

/// Counts toward a category score: neither a gate nor advisory.
pub fn is_weighted(finding: &Finding) -> bool {
    finding.blocking.is_none() && weight(finding) > 0.0
}

/// `floor(x + 0.5)` (§2.5.4).
pub fn round_score(x: f64) -> i64 {
    (x + 0.5).floor() as i64
}

/// Grade of a rounded score (§2.7): A+ ≥ 95, A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F.
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

/// Status band of a rounded score (§2.7): good ≥ 80, needs work 50–79, poor below.
pub fn band(score: i64) -> &'static str {
    match score {
        80.. => "good",
        50..=79 => "needs_work",
        _ => "poor",
    }
}

/// Every intermediate figure of one page's scoring, for scorers and tests that want more than the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub mode: Mode,
    /// `P`, before caps (0 on a hard failure).
    pub base: f64,
    /// `min(P, binding cap)`, before rounding.
    pub capped: f64,
    /// `floor(capped + 0.5)`.
    pub score: i64,
    /// `S_c` for each category in [`Category::ALL`] order; `None` when N/A.
    pub categories: [(Category, Option<f64>); 5],
    /// The lowest active cap, whether or not it lowered `P`.
    pub cap: Option<Cap>,
    /// Index of the hard gate that fired, if any.
    pub hard_failure: Option<usize>,
    /// No index gate fired.
    pub indexable: bool,
    /// Raw share of each finding (cap excess included), in input order.
    pub raw: Vec<f64>,
    /// Points lost by each finding in input order, in hundredths.
    pub hundredths: Vec<i64>,
}

impl Breakdown {
    /// The WIT result: the unrounded capped score (the kernel rounds it once), every category, points per
    /// finding.
    pub fn result(&self) -> ScoreResult {
        ScoreResult {
            card: ScoreCard {
                score: score_as_f32(self.capped, self.score),
                categories: self
                    .categories
                    .iter()
                    .map(|&(category, score)| CategoryScore {
                        category,
                        score: score.map(|s| s as f32),
                    })
                    .collect(),
                indexable: self.indexable,
            },
            points_lost: self.hundredths.iter().map(|&h| h as f32 / 100.0).collect(),
        }
    }

    /// Points lost by the finding at `index`, as reported (two decimals).
    pub fn points_lost(&self, index: usize) -> f64 {
        self.hundredths[index] as f64 / 100.0
    }

    /// `S_c` of one category.
    pub fn category(&self, category: Category) -> Option<f64> {
        self.categories
            .iter()
            .find(|(c, _)| *c == category)
            .and_then(|(_, s)| *s)
    }
}

/// Scores one page (seo-rules.md §2.4–§2.6).
pub fn score(mode: Mode, findings: &[SourcedFinding]) -> ScoreResult {
    breakdown(mode, findings).result()
}

/// Scores one page and keeps every intermediate figure.
pub fn breakdown(mode: Mode, findings: &[SourcedFinding]) -> Breakdown {
    let f = |i: usize| &findings[i].finding;
    let n = findings.len();

    // 1. Hard gates: score 0, every other check N/A, the gate is the only issue and costs 100 points.
    let hard = |i: &usize| f(*i).blocking == Some(Blocking::HardFailure) && fired(f(*i));
    let hard_failure = HARD_GATE_ORDER
        .iter()
        .find_map(|id| (0..n).filter(hard).find(|&i| f(i).check == *id))
        .or_else(|| (0..n).find(hard));
    if let Some(gate) = hard_failure {
        let mut hundredths = vec![0; n];
        hundredths[gate] = 10_000;
        let mut raw = vec![0.0; n];
        raw[gate] = 100.0;
        return Breakdown {
            mode,
            base: 0.0,
            capped: 0.0,
            score: 0,
            categories: Category::ALL.map(|c| (c, None)),
            cap: None,
            hard_failure,
            indexable: true,
            raw,
            hundredths,
        };
    }

    // 2. Category scores over the applicable weighted checks of the categories this mode scores.
    let scored =
        |i: &usize| f(*i).credit.is_some() && is_weighted(f(*i)) && mode.scores(f(*i).category);
    let mut earned = [0.0f64; 5];
    let mut weights = [0.0f64; 5];
    for i in (0..n).filter(scored) {
        let c = f(i).category as usize;
        weights[c] += weight(f(i));
        earned[c] += weight(f(i)) * f64::from(f(i).credit.unwrap_or(1.0));
    }
    let categories = Category::ALL.map(|c| {
        let k = c as usize;
        (
            c,
            (weights[k] > 0.0).then(|| 100.0 * earned[k] / weights[k]),
        )
    });
    let total_weight: f64 = categories
        .iter()
        .filter(|(_, s)| s.is_some())
        .map(|(c, _)| category_weight(*c))
        .sum();
    let base = if total_weight > 0.0 {
        categories
            .iter()
            .filter_map(|(c, s)| s.map(|s| category_weight(*c) * s))
            .sum::<f64>()
            / total_weight
    } else {
        100.0
    };

    // 3. Caps: the lowest active one binds. Index gates act in every mode; critical and high checks only in a
    //    category the mode scores (elsewhere they cost nothing, so they could not carry the cap's excess).
    let index_gates: Vec<usize> = (0..n)
        .filter(|&i| f(i).blocking == Some(Blocking::NotIndexable) && fired(f(i)))
        .collect();
    let of_severity = |severity: Severity| -> Vec<usize> {
        (0..n)
            .filter(scored)
            .filter(|&i| fired(f(i)) && f(i).severity == severity)
            .collect()
    };
    let (critical, high) = (of_severity(Severity::Critical), of_severity(Severity::High));
    let binding = [
        (Cap::NotIndexable, &index_gates),
        (Cap::Critical, &critical),
        (Cap::High, &high),
    ]
    .into_iter()
    .find(|(_, set)| !set.is_empty());
    let capped = binding.map_or(base, |(cap, _)| base.min(cap.ceiling()));
    let score = round_score(capped).clamp(0, 100);

    // 4. Raw shares, plus the cap's excess split equally among the checks that set the binding cap.
    let mut raw = vec![0.0; n];
    for i in (0..n).filter(scored).filter(|&i| fired(f(i))) {
        let c = f(i).category;
        raw[i] = 100.0
            * (category_weight(c) / total_weight)
            * weight(f(i))
            * (1.0 - f64::from(f(i).credit.unwrap_or(1.0)))
            / weights[c as usize];
    }
    if let Some((_, set)) = binding
        && base > capped
    {
        let excess = (base - capped) / set.len() as f64;
        for &i in set {
            raw[i] += excess;
        }
    }

    // 5. Apportion L = 100 − score in hundredths (ties: ascending check id).
    let keys: Vec<&str> = findings.iter().map(|s| s.finding.check.as_str()).collect();
    let hundredths = apportion(&raw, &keys, 100 - score);

    Breakdown {
        mode,
        base,
        capped,
        score,
        categories,
        cap: binding.map(|(cap, _)| cap),
        hard_failure: None,
        indexable: index_gates.is_empty(),
        raw,
        hundredths,
    }
}

/// `capped` as the WIT's `f32`, nudged by an ulp when the conversion would round to a different integer than
/// `score` (the kernel rounds the `f32`; the points were apportioned against `score`).
fn score_as_f32(capped: f64, score: i64) -> f32 {
    let mut value = capped.clamp(0.0, 100.0) as f32;
    for _ in 0..4 {
        let rounded = round_score(f64::from(value));
        if rounded == score {
            break;
        }
        value = if rounded > score {
            value.next_down()
        } else {
            value.next_up()
        };
    }
    value
}

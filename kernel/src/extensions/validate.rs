//! The rules of extensions.md §2.3 that the WIT cannot express, checked on everything a guest returns.
//!
//! Counts and total size are checked first and discard a call's whole output (`output_too_large`): never a
//! prefix, so results stay deterministic. Then each item: a finding that breaks a rule is dropped
//! (`invalid_finding`), a string over its cap is cut at a character boundary (`output_truncated`, the item is
//! kept).

use super::diagnostic::{Kind, Reason};
use super::limits::{self, Limits};
use super::page::cut;
use super::wit::v1_0_0::types::{
    CheckInfo, DetailValue, ExtensionInfo, Finding, Recommendation, ScoreResult,
};
use std::collections::{HashMap, HashSet};

/// A problem found in an output: what to record and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub reason: Reason,
    pub detail: String,
}

impl Problem {
    pub(crate) fn new(reason: Reason, detail: impl Into<String>) -> Self {
        Self {
            reason,
            detail: detail.into(),
        }
    }
}

/// An output that passed, with the notes and dropped items found on the way.
#[derive(Debug)]
pub(crate) struct Checked<T> {
    pub value: T,
    pub problems: Vec<Problem>,
}

/// Extension id: 3-64 bytes of `^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$`.
pub fn valid_extension_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id.split('.').count() >= 2
        && id.split('.').all(|part| {
            let mut bytes = part.bytes();
            bytes.next().is_some_and(|b| b.is_ascii_lowercase())
                && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Check id: 3-64 bytes of `^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`.
pub fn valid_check_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    (3..=64).contains(&id.len())
        && first.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && first
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre.release` (numeric parts without leading zeros).
pub fn valid_semver(version: &str) -> bool {
    let (core, pre) = match version.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (version, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let numeric = |n: &&str| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.len() == 1 || !n.starts_with('0'))
    };
    numbers.len() == 3
        && numbers.iter().all(numeric)
        && pre.is_none_or(|p| {
            p.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        })
}

fn opt_len(s: &Option<String>) -> usize {
    s.as_ref().map_or(0, String::len)
}

/// Size of a describe record as the host holds it (strings plus a small fixed cost per item).
fn describe_size(info: &ExtensionInfo) -> usize {
    let checks: usize = info
        .checks
        .iter()
        .map(|c| 16 + c.id.len() + c.title.len() + c.requires.len())
        .sum();
    64 + info.id.len()
        + info.name.len()
        + info.version.len()
        + info.summary.len()
        + info.sdk_version.len()
        + opt_len(&info.config_schema)
        + info.default_config.len()
        + checks
}

/// Checks a `describe()` result (§2.3 "Describe"). The message says what is wrong, for the upload answer.
pub(crate) fn describe(info: &ExtensionInfo, kind: Kind) -> Result<(), String> {
    let declared = match info.kind {
        super::wit::v1_0_0::types::ExtensionKind::Rule => Kind::Rule,
        super::wit::v1_0_0::types::ExtensionKind::Scorer => Kind::Scorer,
        super::wit::v1_0_0::types::ExtensionKind::Recommender => Kind::Recommender,
    };
    if declared != kind {
        return Err(format!(
            "describe() says kind {} but the component exports the {} interface",
            declared.as_str(),
            kind.as_str()
        ));
    }
    let size = describe_size(info);
    if size > limits::DESCRIBE_BYTES {
        return Err(format!(
            "describe() returned {size} bytes; at most {} are allowed",
            limits::DESCRIBE_BYTES
        ));
    }
    if !valid_extension_id(&info.id) {
        return Err(format!(
            "extension id {:?} is not 3-64 bytes of lowercase dotted segments (e.g. acme.local-business)",
            cut(&info.id, 80)
        ));
    }
    if !valid_semver(&info.version) {
        return Err(format!(
            "version {:?} is not a semantic version (MAJOR.MINOR.PATCH)",
            cut(&info.version, 80)
        ));
    }
    if info.checks.len() > limits::DESCRIBE_CHECKS {
        return Err(format!(
            "describe() declares {} checks; at most {} are allowed",
            info.checks.len(),
            limits::DESCRIBE_CHECKS
        ));
    }
    if kind == Kind::Scorer && !info.checks.is_empty() {
        return Err("a scorer declares no checks".into());
    }
    let mut seen = HashSet::new();
    for check in &info.checks {
        if !valid_check_id(&check.id) {
            return Err(format!(
                "check id {:?} is not 3-64 bytes like meta.description.too_short",
                cut(&check.id, 80)
            ));
        }
        if !seen.insert(check.id.as_str()) {
            return Err(format!("check id {} is declared twice", check.id));
        }
        if check.title.len() > limits::CHECK_TITLE_BYTES {
            return Err(format!(
                "the title of check {} is longer than {} bytes",
                check.id,
                limits::CHECK_TITLE_BYTES
            ));
        }
    }
    match serde_json::from_str::<serde_json::Value>(&info.default_config) {
        Ok(serde_json::Value::Object(_)) => {}
        _ => return Err("default-config is not a JSON object".into()),
    }
    if let Some(schema) = &info.config_schema
        && serde_json::from_str::<serde_json::Value>(schema).is_err()
    {
        return Err("config-schema is not valid JSON".into());
    }
    Ok(())
}

fn detail_size(value: &DetailValue) -> usize {
    match value {
        DetailValue::Text(t) => t.len(),
        DetailValue::Texts(ts) => ts.iter().map(|t| t.len() + 8).sum(),
        _ => 8,
    }
}

/// Size of a finding as lifted into the host.
pub(crate) fn finding_size(f: &Finding) -> usize {
    64 + f.check.len()
        + f.message.len()
        + opt_len(&f.action)
        + f.details
            .iter()
            .map(|d| 16 + d.key.len() + detail_size(&d.value))
            .sum::<usize>()
        + f.affected.iter().map(|a| 8 + a.len()).sum::<usize>()
}

/// Cuts `s` to `max` bytes; returns whether it was cut.
fn cut_in_place(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let keep = cut(s, max).len();
    s.truncate(keep);
    true
}

const RESERVED_DETAIL_KEYS: [&str; 3] = ["affected", "credit", "extension"];

/// Checks one rule call's findings against its extension's declared checks.
pub(crate) fn findings(
    raw: Vec<Finding>,
    declared: &HashMap<String, CheckInfo>,
    limits: &Limits,
) -> Result<Checked<Vec<Finding>>, Problem> {
    if raw.len() > limits.max_findings {
        return Err(Problem::new(
            Reason::OutputTooLarge,
            format!(
                "{} findings; at most {} per call",
                raw.len(),
                limits.max_findings
            ),
        ));
    }
    let total: usize = raw.iter().map(finding_size).sum();
    if total > limits.max_output_bytes {
        return Err(Problem::new(
            Reason::OutputTooLarge,
            format!(
                "{total} bytes of findings; at most {} per call",
                limits.max_output_bytes
            ),
        ));
    }
    let mut problems = Vec::new();
    let mut cut_any: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut kept = Vec::with_capacity(raw.len());
    for mut f in raw {
        let invalid = |why: String| Problem::new(Reason::InvalidFinding, why);
        let Some(check) = declared.get(&f.check) else {
            problems.push(invalid(format!(
                "check {:?} is not declared by the extension",
                cut(&f.check, 80)
            )));
            continue;
        };
        if !seen.insert(f.check.clone()) {
            problems.push(invalid(format!("check {} reported twice", f.check)));
            continue;
        }
        if f.category != check.category {
            problems.push(invalid(format!(
                "check {} reported in another category than declared",
                f.check
            )));
            continue;
        }
        if f.credit
            .is_some_and(|c| !c.is_finite() || !(0.0..=1.0).contains(&c))
        {
            problems.push(invalid(format!(
                "check {}: credit must be none or between 0 and 1",
                f.check
            )));
            continue;
        }
        if f.weight
            .is_some_and(|w| !w.is_finite() || !(0.0..=100.0).contains(&w))
        {
            problems.push(invalid(format!(
                "check {}: weight must be between 0 and 100",
                f.check
            )));
            continue;
        }
        if f.blocking.is_some() && f.blocking != check.blocking {
            problems.push(invalid(format!(
                "check {}: blocking kind not declared for it",
                f.check
            )));
            continue;
        }
        let bad_detail = f.details.iter().find_map(|d| {
            if RESERVED_DETAIL_KEYS.contains(&d.key.as_str()) {
                Some(format!("detail key {} is reserved", d.key))
            } else if d.key.is_empty() || d.key.len() > limits::DETAIL_KEY_BYTES {
                Some("detail keys are 1 to 64 bytes".to_string())
            } else if matches!(d.value, DetailValue::Number(n) if !n.is_finite()) {
                Some(format!("detail {} is not a finite number", d.key))
            } else {
                None
            }
        });
        if let Some(why) = bad_detail {
            problems.push(invalid(format!("check {}: {why}", f.check)));
            continue;
        }

        // Size caps: cut and keep.
        let mut was_cut = cut_in_place(&mut f.message, limits::MESSAGE_BYTES);
        if let Some(action) = &mut f.action {
            was_cut |= cut_in_place(action, limits::ACTION_BYTES);
        }
        if f.affected.len() > limits::AFFECTED_ENTRIES {
            f.affected.truncate(limits::AFFECTED_ENTRIES);
            was_cut = true;
        }
        for a in &mut f.affected {
            was_cut |= cut_in_place(a, limits::AFFECTED_BYTES);
        }
        if f.details.len() > limits::DETAILS_PER_FINDING {
            f.details.truncate(limits::DETAILS_PER_FINDING);
            was_cut = true;
        }
        let mut budget = limits::DETAILS_BYTES;
        let mut keep_details = 0;
        for d in &mut f.details {
            match &mut d.value {
                DetailValue::Text(t) => was_cut |= cut_in_place(t, limits::DETAIL_TEXT_BYTES),
                DetailValue::Texts(ts) => {
                    for t in ts.iter_mut() {
                        was_cut |= cut_in_place(t, limits::DETAIL_TEXT_BYTES);
                    }
                }
                _ => {}
            }
            let size = d.key.len() + detail_size(&d.value);
            if size > budget {
                break;
            }
            budget -= size;
            keep_details += 1;
        }
        if keep_details < f.details.len() {
            f.details.truncate(keep_details);
            was_cut = true;
        }
        if was_cut {
            cut_any.push(f.check.clone());
        }
        kept.push(f);
    }
    if !cut_any.is_empty() {
        problems.push(Problem::new(
            Reason::OutputTruncated,
            format!("strings cut to their caps in: {}", cut_any.join(", ")),
        ));
    }
    Ok(Checked {
        value: kept,
        problems,
    })
}

/// Checks a scorer's result for `findings` input findings. Any failure rejects the whole result.
pub(crate) fn score_result(result: &ScoreResult, findings: usize) -> Result<(), Problem> {
    let invalid = |why: String| Err(Problem::new(Reason::InvalidOutput, why));
    if result.points_lost.len() != findings {
        return invalid(format!(
            "points-lost has {} entries for {findings} findings",
            result.points_lost.len()
        ));
    }
    if result
        .points_lost
        .iter()
        .any(|p| !p.is_finite() || *p < 0.0)
    {
        return invalid("points-lost entries must be finite and at least 0".into());
    }
    let sum: f64 = result.points_lost.iter().map(|p| f64::from(*p)).sum();
    if sum > 100.01 {
        return invalid(format!("points-lost add up to {sum:.2}, more than 100"));
    }
    let score = result.card.score;
    if !score.is_finite() || !(0.0..=100.0).contains(&score) {
        return invalid("the score must be between 0 and 100".into());
    }
    let mut seen = HashSet::new();
    for c in &result.card.categories {
        if !seen.insert(c.category as u8) {
            return invalid("a category is listed twice".into());
        }
        if c.score
            .is_some_and(|s| !s.is_finite() || !(0.0..=100.0).contains(&s))
        {
            return invalid("category scores must be between 0 and 100".into());
        }
    }
    Ok(())
}

fn recommendation_size(r: &Recommendation) -> usize {
    32 + r.check.len() + r.message.len() + r.action.len()
}

/// Checks one recommender call's output. `allowed` holds the checks it may name: the page's issues and the
/// recommender's declared checks.
pub(crate) fn recommendations(
    raw: Vec<Recommendation>,
    allowed: &HashSet<&str>,
    limits: &Limits,
) -> Result<Checked<Vec<Recommendation>>, Problem> {
    if raw.len() > limits::RECOMMENDATIONS_PER_CALL {
        return Err(Problem::new(
            Reason::OutputTooLarge,
            format!(
                "{} recommendations; at most {} per call",
                raw.len(),
                limits::RECOMMENDATIONS_PER_CALL
            ),
        ));
    }
    let total: usize = raw.iter().map(recommendation_size).sum();
    if total > limits.max_output_bytes {
        return Err(Problem::new(
            Reason::OutputTooLarge,
            format!(
                "{total} bytes of recommendations; at most {}",
                limits.max_output_bytes
            ),
        ));
    }
    let mut problems = Vec::new();
    let mut cut_any = false;
    let mut kept = Vec::with_capacity(raw.len());
    for mut r in raw {
        if !allowed.contains(r.check.as_str()) {
            problems.push(Problem::new(
                Reason::InvalidOutput,
                format!(
                    "recommendation for {:?}, which is neither an issue of this page nor declared",
                    cut(&r.check, 80)
                ),
            ));
            continue;
        }
        if !r.impact.is_finite() || !(0.0..=100.0).contains(&r.impact) {
            problems.push(Problem::new(
                Reason::InvalidOutput,
                format!(
                    "recommendation for {}: impact must be between 0 and 100",
                    r.check
                ),
            ));
            continue;
        }
        cut_any |= cut_in_place(&mut r.message, limits::MESSAGE_BYTES);
        cut_any |= cut_in_place(&mut r.action, limits::ACTION_BYTES);
        kept.push(r);
    }
    if cut_any {
        problems.push(Problem::new(
            Reason::OutputTruncated,
            "recommendation texts cut to 1 KiB",
        ));
    }
    Ok(Checked {
        value: kept,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["acme.local-business", "siloq.core-rules", "a.b"] {
            assert!(valid_extension_id(ok) || ok.len() < 3, "{ok}");
        }
        assert!(valid_extension_id("acme.local-business"));
        for bad in ["Acme.x", "acme", "acme..x", ".acme", "acme.1x", "acme_x.y"] {
            assert!(!valid_extension_id(bad), "{bad}");
        }
        for ok in ["meta.description.too_short", "links.h1", "a.b"] {
            assert!(valid_check_id(ok), "{ok}");
        }
        for bad in ["meta", "Meta.x", "meta.", "meta.x-y", "1a.b"] {
            assert!(!valid_check_id(bad), "{bad}");
        }
        for ok in ["1.0.0", "0.1.0-alpha.1", "10.20.30"] {
            assert!(valid_semver(ok), "{ok}");
        }
        for bad in ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0.0"] {
            assert!(!valid_semver(bad), "{bad}");
        }
    }
}

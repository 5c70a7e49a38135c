//! Judging a site (extensions.md §5.5, seo-rules.md §2.8): every site rule runs once over the lent site in a
//! fresh store; its output is checked like a page rule's (§2.3); what survives becomes [`SiteFinding`]s, and the
//! health is computed from them and the analysed pages. Nothing a site rule does fails the judgement: a failed
//! call or a dropped finding is a [`Diagnostic`] and the verdict is `degraded`.
//!
//! Synchronous and CPU-bound: run it on an evaluation thread.

use super::call::SiteRuleExtension;
use super::health;
use super::lend::PreparedSite;
use super::model::{ScoredSitePage, SiteFinding, SiteSnapshot, SiteVerdict};
use crate::extensions::diagnostic::{Diagnostic, Reason, Stage};
use crate::extensions::fallback::{category_id, severity_id};
use crate::extensions::host::ExtensionHost;
use crate::extensions::validate;
use crate::extensions::wit::v1_0_0::types::{DetailValue, Finding, Severity};
use serde_json::{Map, Value};

/// A site rule with the config it runs with.
#[derive(Debug, Clone)]
pub struct SiteRuleEntry {
    pub ext: SiteRuleExtension,
    /// The effective config (JSON object text).
    pub config: String,
}

impl SiteRuleEntry {
    /// The extension with its default config.
    pub fn with_defaults(ext: SiteRuleExtension) -> SiteRuleEntry {
        let config = ext.default_config().to_string();
        SiteRuleEntry { ext, config }
    }
}

fn severity_weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 10.0,
        Severity::High => 5.0,
        Severity::Medium => 2.0,
        Severity::Low => 1.0,
    }
}

fn detail_json(v: &DetailValue) -> Value {
    match v {
        DetailValue::Text(t) => Value::from(t.as_str()),
        DetailValue::Integer(i) => Value::from(*i),
        DetailValue::Number(n) => {
            serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number)
        }
        DetailValue::Boolean(b) => Value::from(*b),
        DetailValue::Texts(ts) => Value::from(ts.clone()),
    }
}

fn site_finding(extension: &str, f: &Finding) -> Option<SiteFinding> {
    let credit = f64::from(f.credit?);
    let mut details: Map<String, Value> = f
        .details
        .iter()
        .map(|d| (d.key.clone(), detail_json(&d.value)))
        .collect();
    details.insert("scope".into(), Value::from("site"));
    details.insert(
        "credit".into(),
        Value::from((credit * 10_000.0).round() / 10_000.0),
    );
    details.insert("affected".into(), Value::from(f.affected.clone()));
    details.insert("extension".into(), Value::from(extension));
    let weight = f.weight.map_or(severity_weight(f.severity), f64::from);
    details.insert("weight".into(), Value::from(weight));
    Some(SiteFinding {
        check: f.check.clone(),
        category: category_id(f.category).to_string(),
        severity: severity_id(f.severity).to_string(),
        credit,
        weight,
        message: f.message.clone(),
        action: f.action.clone(),
        affected: f.affected.clone(),
        details,
        extension: extension.to_string(),
        impact: 0.0,
    })
}

/// Runs `rules` over the snapshot and computes the verdict.
pub fn judge(
    host: &ExtensionHost,
    rules: &[SiteRuleEntry],
    snapshot: &SiteSnapshot,
    pages: &[ScoredSitePage],
) -> SiteVerdict {
    let span = tracing::debug_span!("extensions.site", pages = snapshot.pages.len());
    let _guard = span.enter();
    let site = PreparedSite::new(snapshot);
    let mut findings: Vec<SiteFinding> = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let diagnose = |diagnostics: &mut Vec<Diagnostic>,
                    entry: &SiteRuleEntry,
                    reason: Reason,
                    detail: String,
                    duration_ms: Option<f64>,
                    fuel: Option<u64>| {
        diagnostics.push(Diagnostic {
            extension: entry.ext.id().to_string(),
            version: entry.ext.version().to_string(),
            stage: Stage::Rule,
            reason,
            detail,
            duration_ms,
            fuel,
        })
    };
    for entry in rules {
        let report = entry.ext.call_check(host, &site, &entry.config);
        let duration_ms = report.duration_ms();
        tracing::debug!(
            extension.id = entry.ext.id(),
            extension.version = entry.ext.version(),
            stage = "site_rule",
            fuel.consumed = report.fuel,
            duration_ms,
            "site rule call"
        );
        if report.logs_truncated {
            diagnose(
                &mut diagnostics,
                entry,
                Reason::LogsTruncated,
                "log lines beyond the per-call cap were dropped".into(),
                Some(duration_ms),
                report.fuel,
            );
        }
        let raw = match report.outcome {
            Ok(raw) => raw,
            Err(failure) => {
                diagnose(
                    &mut diagnostics,
                    entry,
                    failure.reason,
                    failure.detail,
                    Some(duration_ms),
                    report.fuel,
                );
                continue;
            }
        };
        match validate::findings(raw, entry.ext.checks(), host.limits()) {
            Err(problem) => diagnose(
                &mut diagnostics,
                entry,
                problem.reason,
                problem.detail,
                Some(duration_ms),
                report.fuel,
            ),
            Ok(checked) => {
                for problem in checked.problems {
                    diagnose(
                        &mut diagnostics,
                        entry,
                        problem.reason,
                        problem.detail,
                        None,
                        None,
                    );
                }
                findings.extend(
                    checked
                        .value
                        .iter()
                        .filter_map(|f| site_finding(entry.ext.id(), f)),
                );
            }
        }
    }
    // Check ids are unique across a ruleset; sums run in ascending id order (seo-rules.md §5.6).
    findings.sort_by(|a, b| a.check.cmp(&b.check));
    findings.dedup_by(|b, a| a.check == b.check);
    let health = health::health(snapshot, pages, &mut findings);
    let degraded = diagnostics.iter().any(|d| d.reason.degrades());
    SiteVerdict {
        findings,
        health,
        diagnostics,
        degraded,
    }
}

/// The verdict when no site rule could run at all (no evaluation thread, a runtime without extensions): the
/// health from the pages alone, `degraded`, with one diagnostic saying why.
pub fn without_rules(snapshot: &SiteSnapshot, pages: &[ScoredSitePage], why: &str) -> SiteVerdict {
    let health = health::health(snapshot, pages, &mut []);
    SiteVerdict {
        findings: Vec::new(),
        health,
        diagnostics: vec![Diagnostic {
            extension: "siloq.core-site-rules".into(),
            version: String::new(),
            stage: Stage::Rule,
            reason: Reason::HostError,
            detail: why.to_string(),
            duration_ms: None,
            fuel: None,
        }],
        degraded: true,
    }
}

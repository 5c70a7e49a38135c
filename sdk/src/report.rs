//! `Report`: how a rule states the outcome of each declared check (extensions.md §3.3). Category, default
//! severity and blocking kind come from the declaration; every string, count and size is cut to the kernel's
//! caps (§2.3) as it is added, so what a unit test sees is exactly what the kernel keeps.

use crate::limits::{self, misuse};
use crate::types::*;
use std::collections::BTreeMap;

/// One finding being reported; returned by [`Report::fail`] and friends for chaining.
#[derive(Debug, Clone)]
pub struct FindingBuilder {
    finding: Finding,
    details_bytes: usize,
}

impl FindingBuilder {
    fn new(check: &CheckInfo, credit: Option<f32>, message: String) -> Self {
        FindingBuilder {
            finding: Finding {
                check: check.id.clone(),
                category: check.category,
                severity: check.severity,
                credit,
                weight: None,
                message: limits::cut(message, limits::MAX_MESSAGE_BYTES),
                action: None,
                details: Vec::new(),
                affected: Vec::new(),
                blocking: check.blocking,
            },
            details_bytes: 0,
        }
    }

    /// How to fix it, in one or two sentences (cut to 1 KiB).
    pub fn action(&mut self, action: impl Into<String>) -> &mut Self {
        self.finding.action = Some(limits::cut(action.into(), limits::MAX_MESSAGE_BYTES));
        self
    }

    /// Replaces the message (cut to 1 KiB).
    pub fn message(&mut self, message: impl Into<String>) -> &mut Self {
        self.finding.message = limits::cut(message.into(), limits::MAX_MESSAGE_BYTES);
        self
    }

    /// Adds a typed detail; a repeated key replaces the earlier value. Keys are cut to 64 bytes and text to
    /// 512 bytes; a detail beyond the 32nd, or one that would take the finding's details over 4 KiB, is dropped.
    #[track_caller]
    pub fn detail(&mut self, key: impl Into<String>, value: impl Into<DetailValue>) -> &mut Self {
        let key = limits::cut(key.into(), limits::MAX_DETAIL_KEY_BYTES);
        if limits::RESERVED_DETAIL_KEYS.contains(&key.as_str()) {
            // The kernel drops a finding that uses a reserved key; losing only the detail is kinder.
            misuse(format_args!(
                "check {}: detail key {key:?} is reserved by the kernel",
                self.finding.check
            ));
            return self;
        }
        let value = match value.into() {
            DetailValue::Text(t) => {
                DetailValue::Text(limits::cut(t, limits::MAX_DETAIL_TEXT_BYTES))
            }
            DetailValue::Texts(ts) => DetailValue::Texts(
                ts.into_iter()
                    .map(|t| limits::cut(t, limits::MAX_DETAIL_TEXT_BYTES))
                    .collect(),
            ),
            DetailValue::Number(n) if !n.is_finite() => {
                misuse(format_args!(
                    "check {}: detail {key:?} is not a finite number ({n})",
                    self.finding.check
                ));
                return self;
            }
            other => other,
        };
        let detail = Detail { key, value };
        let size = limits::detail_bytes(&detail);
        let details = &mut self.finding.details;
        let (index, freed) = match details.iter().position(|d| d.key == detail.key) {
            Some(i) => (Some(i), limits::detail_bytes(&details[i])),
            None => (None, 0),
        };
        if self.details_bytes - freed + size > limits::MAX_DETAILS_BYTES {
            return self;
        }
        match index {
            Some(i) => details[i] = detail,
            None if details.len() < limits::MAX_DETAILS => details.push(detail),
            None => return self,
        }
        self.details_bytes = self.details_bytes - freed + size;
        self
    }

    /// Overrides the declared default severity for this page.
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.finding.severity = severity;
        self
    }

    /// Overrides the scorer's weight for this finding (clamped to 0..=100; not finite is ignored).
    pub fn weight(&mut self, weight: f32) -> &mut Self {
        if weight.is_finite() {
            self.finding.weight = Some(weight.clamp(0.0, 100.0));
        }
        self
    }

    /// A selector, URL or snippet that shows where the problem is (cut to 512 bytes; at most 20 are kept).
    pub fn affected(&mut self, affected: impl Into<String>) -> &mut Self {
        if self.finding.affected.len() < limits::MAX_AFFECTED {
            self.finding
                .affected
                .push(limits::cut(affected.into(), limits::MAX_AFFECTED_BYTES));
        }
        self
    }

    /// The finding as it stands.
    pub fn finding(&self) -> &Finding {
        &self.finding
    }

    /// A rough measure of the lifted size, for the 256 KiB per-call cap: every string's bytes plus 16 per field.
    fn output_bytes(&self) -> usize {
        let f = &self.finding;
        16 * 10
            + f.check.len()
            + f.message.len()
            + f.action.as_ref().map_or(0, String::len)
            + self.details_bytes
            + 16 * f.details.len()
            + f.affected.iter().map(|a| a.len() + 16).sum::<usize>()
    }
}

/// The findings of one evaluation: at most one per declared check, at most [`limits::MAX_FINDINGS`].
#[derive(Debug)]
pub struct Report {
    declared: Vec<CheckInfo>,
    index: BTreeMap<String, usize>,
    /// Per declared check, the position of its finding once reported.
    reported: Vec<Option<usize>>,
    findings: Vec<FindingBuilder>,
    /// Where rejected reports go in the component, so the caller's chain still has something to write to.
    discarded: FindingBuilder,
}

impl Report {
    /// A report for the given declared checks (the export macro passes `T::info().checks()`).
    pub fn new(checks: &[CheckInfo]) -> Self {
        let placeholder = CheckInfo {
            id: String::new(),
            title: String::new(),
            category: Category::Technical,
            severity: Severity::Low,
            requires: Vec::new(),
            blocking: None,
        };
        Report {
            index: checks
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i))
                .collect(),
            reported: vec![None; checks.len()],
            declared: checks.to_vec(),
            findings: Vec::new(),
            discarded: FindingBuilder::new(&placeholder, None, String::new()),
        }
    }

    /// The check passed: credit 1.0.
    #[track_caller]
    pub fn pass(&mut self, check: &str) -> &mut FindingBuilder {
        self.report(check, Some(1.0), String::new())
    }

    /// The check does not apply to this page: no credit, leaves every denominator.
    #[track_caller]
    pub fn not_applicable(&mut self, check: &str) -> &mut FindingBuilder {
        self.report(check, None, String::new())
    }

    /// Partial credit in 0.0..=1.0 (clamped; a value that is not finite counts as 0.0).
    #[track_caller]
    pub fn partial(
        &mut self,
        check: &str,
        credit: f32,
        message: impl Into<String>,
    ) -> &mut FindingBuilder {
        if !credit.is_finite() {
            misuse(format_args!(
                "check {check:?}: credit {credit} is not finite"
            ));
        }
        let credit = if credit.is_finite() {
            credit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.report(check, Some(credit), message.into())
    }

    /// The check failed: credit 0.0.
    #[track_caller]
    pub fn fail(&mut self, check: &str, message: impl Into<String>) -> &mut FindingBuilder {
        self.report(check, Some(0.0), message.into())
    }

    /// Whether `check` was reported already.
    pub fn is_reported(&self, check: &str) -> bool {
        self.index
            .get(check)
            .is_some_and(|&i| self.reported[i].is_some())
    }

    /// The findings so far, in report order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().map(|b| &b.finding)
    }

    /// The findings to return, kept within the per-call output cap.
    #[track_caller]
    pub fn finish(self) -> Vec<Finding> {
        let mut total = 0;
        let mut out = Vec::with_capacity(self.findings.len());
        for builder in self.findings {
            total += builder.output_bytes();
            if total > limits::MAX_OUTPUT_BYTES {
                // The kernel would discard the whole output; dropping the tail keeps the rest.
                misuse(format_args!(
                    "the findings exceed the {} byte output cap",
                    limits::MAX_OUTPUT_BYTES
                ));
                break;
            }
            out.push(builder.finding);
        }
        out
    }

    #[track_caller]
    fn report(&mut self, check: &str, credit: Option<f32>, message: String) -> &mut FindingBuilder {
        let Some(&declared) = self.index.get(check) else {
            misuse(format_args!("check {check:?} is not declared in info()"));
            return self.discard();
        };
        if self.reported[declared].is_some() {
            misuse(format_args!("check {check:?} is reported twice"));
            return self.discard();
        }
        if self.findings.len() >= limits::MAX_FINDINGS {
            misuse(format_args!(
                "check {check:?}: more than {} findings in one call",
                limits::MAX_FINDINGS
            ));
            return self.discard();
        }
        self.reported[declared] = Some(self.findings.len());
        self.findings.push(FindingBuilder::new(
            &self.declared[declared],
            credit,
            message,
        ));
        self.findings.last_mut().expect("just pushed")
    }

    fn discard(&mut self) -> &mut FindingBuilder {
        self.discarded.finding.details.clear();
        self.discarded.finding.affected.clear();
        self.discarded.details_bytes = 0;
        &mut self.discarded
    }
}

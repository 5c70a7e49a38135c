//! What the kernel records when an extension misbehaves (extensions.md §4.7): one [`Diagnostic`] per failed
//! call or rejected output, stored with the page result.

use serde::{Deserialize, Serialize};

/// The three kinds of extension, one per exported interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Rule,
    Scorer,
    Recommender,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rule => "rule",
            Kind::Scorer => "scorer",
            Kind::Recommender => "recommender",
        }
    }
}

/// Where in the pipeline a call happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// `describe()`, at load time.
    Describe,
    Rule,
    Scorer,
    Recommender,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Describe => "describe",
            Stage::Rule => "rule",
            Stage::Scorer => "scorer",
            Stage::Recommender => "recommender",
        }
    }
}

/// Why a call or part of its output was not used. The wire names are the snake-case variant names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The guest trapped: panic, `unreachable`, out-of-bounds access, stack overflow.
    Trap,
    /// The epoch deadline was reached.
    Timeout,
    /// The call used up its fuel.
    FuelExhausted,
    /// Memory growth beyond the cap was denied.
    MemoryLimit,
    /// The guest called `wasi:cli/exit`.
    ExitCalled,
    /// `extension-error.invalid-config`.
    InvalidConfig,
    /// `extension-error.internal`.
    ExtensionError,
    /// Output over a count or total-size cap: the whole output of the call was discarded.
    OutputTooLarge,
    /// A string over its cap was cut; the item was kept.
    OutputTruncated,
    /// A finding broke a rule of §2.3 and was dropped; the others were kept.
    InvalidFinding,
    /// A score result or recommendation broke a rule of §2.3.
    InvalidOutput,
    /// The page's time budget ran out before this call could start.
    PageBudgetExhausted,
    /// Log lines or standard error beyond their caps were dropped.
    LogsTruncated,
    /// A bug in the kernel while running the call.
    HostError,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Trap => "trap",
            Reason::Timeout => "timeout",
            Reason::FuelExhausted => "fuel_exhausted",
            Reason::MemoryLimit => "memory_limit",
            Reason::ExitCalled => "exit_called",
            Reason::InvalidConfig => "invalid_config",
            Reason::ExtensionError => "extension_error",
            Reason::OutputTooLarge => "output_too_large",
            Reason::OutputTruncated => "output_truncated",
            Reason::InvalidFinding => "invalid_finding",
            Reason::InvalidOutput => "invalid_output",
            Reason::PageBudgetExhausted => "page_budget_exhausted",
            Reason::LogsTruncated => "logs_truncated",
            Reason::HostError => "host_error",
        }
    }

    /// Notes (logs cut, a string cut) keep the extension's output whole; every other reason lost some of it and
    /// marks the page result `degraded`.
    pub fn degrades(self) -> bool {
        !matches!(self, Reason::LogsTruncated | Reason::OutputTruncated)
    }
}

/// One recorded problem: `{"extension", "version", "stage", "reason", "detail", "duration_ms", "fuel"}`.
/// `detail` may quote standard error; it is meant for staff only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub extension: String,
    pub version: String,
    pub stage: Stage,
    pub reason: Reason,
    pub detail: String,
    /// Wall time of the call; `None` for problems found without a call (a skipped rule).
    pub duration_ms: Option<f64>,
    /// Fuel the call used; `None` for timeouts and calls that did not finish.
    pub fuel: Option<u64>,
}

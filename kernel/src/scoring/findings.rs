//! Rule outcomes as the scorer reads them.

use super::{Mode, ScoredIssue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Technical,
    Content,
    Structure,
    Performance,
    Onpage,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Self::Technical,
        Self::Content,
        Self::Structure,
        Self::Performance,
        Self::Onpage,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Technical => "technical",
            Self::Content => "content",
            Self::Structure => "structure",
            Self::Performance => "performance",
            Self::Onpage => "onpage",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }

    /// `W_c` (seo-rules.md §2.1).
    pub fn weight(self) -> f64 {
        match self {
            Self::Technical => 25.0,
            Self::Content | Self::Structure | Self::Performance => 20.0,
            Self::Onpage => 15.0,
        }
    }

    /// Technical and performance are never scored for synced WordPress content.
    pub fn scored_in(self, mode: Mode) -> bool {
        mode == Mode::FullPage || matches!(self, Self::Content | Self::Structure | Self::Onpage)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    /// Context only: weight 0, produces a note.
    Advisory,
}

impl Severity {
    /// Severity weights of §2.3.
    pub fn weight(self) -> f64 {
        match self {
            Self::Critical => 10.0,
            Self::High => 5.0,
            Self::Medium => 2.0,
            Self::Low => 1.0,
            Self::Advisory => 0.0,
        }
    }

    /// The wire name; advisory rules are declared `low`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low | Self::Advisory => "low",
        }
    }
}

/// Gates carry no category weight; they act through the page caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    HardFailure,
    NotIndexable,
}

/// One rule's outcome on one page. `credit: None` is N/A.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub gate: Option<Gate>,
    pub credit: Option<f64>,
    /// Replaces the severity's weight (a finding's `weight`, or a ruleset override); `Some(0.0)` makes it advisory.
    pub weight: Option<f64>,
    pub message: String,
    pub action: String,
    pub details: serde_json::Value,
}

impl Finding {
    /// An evaluated finding with no message (a pass, typically).
    pub fn new(rule: &str, category: Category, severity: Severity, credit: Option<f64>) -> Self {
        Self {
            rule: rule.into(),
            category,
            severity,
            gate: None,
            credit,
            weight: None,
            message: String::new(),
            action: String::new(),
            details: serde_json::json!({}),
        }
    }

    /// Evaluated with credit below 1.
    pub fn fired(&self) -> bool {
        self.credit.is_some_and(|c| c < 1.0)
    }

    /// Counts toward a category score: not a gate, not advisory (weight 0).
    pub fn is_weighted(&self) -> bool {
        self.gate.is_none() && self.weight() > 0.0
    }

    /// Context only: produces a note, never an issue.
    pub fn is_advisory(&self) -> bool {
        self.gate.is_none() && self.weight() == 0.0
    }

    /// The override when set, else the severity's weight.
    pub fn weight(&self) -> f64 {
        self.weight.unwrap_or_else(|| self.severity.weight())
    }

    pub(super) fn to_issue(&self, points_lost: f64) -> ScoredIssue {
        ScoredIssue {
            rule: self.rule.clone(),
            category: self.category.id(),
            severity: if self.gate.is_some() {
                "critical"
            } else {
                self.severity.id()
            },
            message: self.message.clone(),
            points_lost,
            details: self.details.clone(),
            action: self.action.clone(),
        }
    }
}

//! Site scope (extensions.md §5.5; seo-rules.md §1.3, §2.8, §2.9, §4.4): the scanner's picture of a whole site
//! ([`SiteSnapshot`]) is lent to site-rule extensions as the read-only `site` resource; their findings and the
//! analysed pages' results make the site health of §2.8 ([`SiteVerdict`]).
//!
//! Module map: `model` (the plain-Rust snapshot the scanner fills and the verdict it gets back), `facts` (page
//! facts from a document model), `robots` (robots.txt validation and the RFC 9309 verdict), `lend` (the host side
//! of the `site` resource), `call` (loading a site-rule component and one call in a fresh store), `judge` (the
//! calls, their checks and the verdict), `health` (§2.8 and §2.9).
//!
//! Entry point for servers: [`Runtime::judge_site`](super::Runtime::judge_site). Tests and tools can call
//! [`judge`] with a host and the bundled site rules ([`super::bundled::load_site_rules`]).

mod call;
mod facts;
pub mod health;
mod judge;
mod lend;
mod model;
pub mod robots;

pub use call::{SITE_RULE_EXPORT, SiteRuleExtension};
pub use judge::{SiteRuleEntry, judge, without_rules};
pub use lend::{PreparedSite, SiteRef};
pub use model::*;

use super::fallback;
use super::pipeline::PipelineResult;
use super::wit::v1_0_0::types::Blocking;
use crate::analysis::Mode;
use crate::scoring;

impl ScoredSitePage {
    /// What site health needs of one page's pipeline result. The numbers (`P`, the capped value, `S_c` and the
    /// points lost) come from the default scoring model of seo-rules.md §2 over the pipeline's findings, so the
    /// cap factor of §2.8 is exact whatever scorer wrote the page's card. `provisional`: unpublished (synced
    /// drafts), left out of health.
    pub fn from_pipeline(
        url: &str,
        result: &PipelineResult,
        mode: Mode,
        provisional: bool,
    ) -> ScoredSitePage {
        let natives: Vec<scoring::Finding> = result
            .findings
            .iter()
            .map(|s| fallback::native(&s.finding))
            .collect();
        let mode = match mode {
            Mode::WordPress => scoring::Mode::ContentOnly,
            Mode::Scan => scoring::Mode::FullPage,
        };
        let card = scoring::score(mode, &natives);
        let hard_failure = result.findings.iter().any(|s| {
            s.finding.blocking == Some(Blocking::HardFailure)
                && s.finding.credit.is_some_and(|c| c < 1.0)
        });
        ScoredSitePage {
            url: url.to_string(),
            score: card.score,
            base: card.base,
            capped: card.capped,
            categories: card
                .category_scores
                .iter()
                .map(|(c, s)| ((*c).to_string(), *s))
                .collect(),
            issues: card
                .issues
                .iter()
                .map(|i| ScoredPageIssue {
                    check: i.rule.clone(),
                    category: i.category.to_string(),
                    severity: i.severity.to_string(),
                    message: i.message.clone(),
                    action: Some(i.action.clone()).filter(|a| !a.is_empty()),
                    points_lost: i.points_lost,
                })
                .collect(),
            index_gate: card.index_gate_fired,
            hard_failure,
            provisional,
        }
    }
}

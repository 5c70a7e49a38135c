//! `siloq.core-scorer`: Siloq's default scoring model (seo-rules.md §2) as a scorer extension.
//!
//! All arithmetic lives in `siloq_sdk::scoring`, so a custom scorer can reuse it and the kernel's built-in
//! fallback has one reference to port; this crate only picks the mode from the page and exports it.

use siloq_sdk::prelude::*;
use siloq_sdk::scoring::{self, Mode};

pub struct CoreScorer;

impl Scorer for CoreScorer {
    type Config = NoConfig;

    fn info() -> ScorerInfo {
        ScorerInfo::new("siloq.core-scorer", "Siloq core scorer").summary(
            "Siloq's default scoring model: weighted categories, gates and page caps, and the points each issue \
             costs, adding up to 100 minus the score.",
        )
    }

    fn score(
        page: &impl PageView,
        findings: &[SourcedFinding],
        _config: &NoConfig,
    ) -> Result<ScoreResult, ExtensionError> {
        Ok(scoring::score(Mode::of(&page.info()), findings))
    }
}

export_scorer!(CoreScorer);

#[cfg(test)]
mod tests;

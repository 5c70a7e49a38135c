//! `siloq.core-scorer`: Siloq's default scoring model (seo-rules.md §2) as a scorer extension.

use siloq_sdk::prelude::*;

pub struct CoreScorer;

impl Scorer for CoreScorer {
    type Config = NoConfig;

    fn info() -> ScorerInfo {
        ScorerInfo::new("siloq.core-scorer", "Siloq core scorer")
            .summary("Siloq's default scoring model: weighted categories, page caps and points lost per issue.")
    }

    fn score(
        _page: &impl PageView,
        findings: &[SourcedFinding],
        _config: &NoConfig,
    ) -> Result<ScoreResult, ExtensionError> {
        // Phase 1 placeholder: the scoring model lands next.
        Ok(ScoreResult {
            card: ScoreCard {
                score: 100.0,
                categories: Vec::new(),
                indexable: true,
            },
            points_lost: vec![0.0; findings.len()],
        })
    }
}

export_scorer!(CoreScorer);

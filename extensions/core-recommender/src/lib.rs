//! `siloq.core-recommender`: Siloq's default recommendation policy as a recommender extension.

use siloq_sdk::prelude::*;

pub struct CoreRecommender;

impl Recommender for CoreRecommender {
    type Config = NoConfig;

    fn info() -> RecommenderInfo {
        RecommenderInfo::new("siloq.core-recommender", "Siloq core recommender")
            .summary("One recommendation per issue, ordered by priority and impact.")
    }

    fn recommend(
        _page: &impl PageView,
        _card: &ScoreCard,
        issues: &[ScoredIssue],
        _config: &NoConfig,
        out: &mut Advice,
    ) -> Result<(), ExtensionError> {
        for issue in issues {
            out.for_issue(issue);
        }
        Ok(())
    }
}

export_recommender!(CoreRecommender);

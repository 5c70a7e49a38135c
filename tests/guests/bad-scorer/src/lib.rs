//! `bad-scorer` (extensions.md §10 case 15): a scorer that fails in the ways §2.3 forbids. The config's `mode`
//! selects the failure; in every case the kernel must use its built-in fallback scorer and mark the result
//! `degraded`:
//!
//! * `nan` (default): `card.score` is NaN;
//! * `short`: `points-lost` has one entry fewer than there are findings;
//! * `negative`: one `points-lost` entry is below zero;
//! * `over`: `card.score` is 150;
//! * `trap`: the scorer panics;
//! * `error`: the scorer returns `extension-error.internal`.

use raw_kit::*;

struct BadScorer;

impl ScorerGuest for BadScorer {
    fn describe() -> ExtensionInfo {
        info("test.bad-scorer", ExtensionKind::Scorer, Vec::new())
    }

    fn score(
        _page: &Page,
        findings: Vec<SourcedFinding>,
        config: String,
    ) -> Result<ScoreResult, ExtensionError> {
        let mut result = ScoreResult {
            card: ScoreCard {
                score: 50.0,
                categories: Vec::new(),
                indexable: true,
            },
            points_lost: vec![0.0; findings.len()],
        };
        match mode(&config, "nan").as_str() {
            "short" => {
                result.points_lost.pop();
                if findings.is_empty() {
                    // Nothing to drop: a list longer than the input is just as wrong.
                    result.points_lost = vec![0.0, 0.0];
                }
            }
            "negative" => match result.points_lost.first_mut() {
                Some(first) => *first = -1.0,
                None => result.points_lost.push(-1.0),
            },
            "over" => result.card.score = 150.0,
            "trap" => panic!("bad-scorer: trap mode"),
            "error" => {
                return Err(ExtensionError::Internal(
                    "bad-scorer: error mode".to_string(),
                ));
            }
            _ => result.card.score = f32::NAN,
        }
        Ok(result)
    }
}

raw_kit::export_scorer!(BadScorer);

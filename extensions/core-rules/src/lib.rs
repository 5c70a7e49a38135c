//! `siloq.core-rules`: Siloq's first-release page rule catalogue (seo-rules.md §3, every page rule marked R1),
//! written against `siloq-sdk` like any other extension.
//!
//! One module per scoring category. Each declares its checks (`checks()`), its operator-tunable thresholds
//! (`Config`, one section of this extension's config) and evaluates them (`evaluate`). Every check reports on
//! every page: pass, fail, partial credit or not applicable, because the scorer needs the denominators.
//!
//! Page getters are host calls that copy data into the guest, so each is fetched at most once per page through
//! [`ctx::Ctx`] and shared by every module.

use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;

mod content;
pub mod ctx;
mod onpage;
mod performance;
mod structure;
mod technical;

use ctx::Ctx;

/// The whole configuration: one section per category; `{}` means every default threshold of seo-rules.md §3.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    pub technical: technical::Config,
    pub onpage: onpage::Config,
    pub content: content::Config,
    pub structure: structure::Config,
    pub performance: performance::Config,
}

/// The bundled page rule set.
pub struct CoreRules;

impl Rule for CoreRules {
    type Config = Config;

    fn info() -> RuleInfo {
        let checks = technical::checks()
            .into_iter()
            .chain(onpage::checks())
            .chain(content::checks())
            .chain(structure::checks())
            .chain(performance::checks());
        checks.fold(
            RuleInfo::new("siloq.core-rules", "Siloq core rules")
                .summary("Siloq's default page checks: technical, on-page, content, structure and performance."),
            RuleInfo::check,
        )
    }

    fn evaluate(
        page: &impl PageView,
        config: &Config,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let ctx = Ctx::new(page);
        technical::evaluate(&ctx, &config.technical, out);
        onpage::evaluate(&ctx, &config.onpage, out);
        content::evaluate(&ctx, &config.content, out);
        structure::evaluate(&ctx, &config.structure, out);
        performance::evaluate(&ctx, &config.performance, out);
        Ok(())
    }
}

export_rule!(CoreRules);

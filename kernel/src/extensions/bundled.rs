//! The three default extensions, compiled from source by `kernel/build.rs` and embedded with their SHA-256
//! (extensions.md §6.10, §9).

use super::host::ExtensionHost;
use super::load::LoadedExtension;
use super::ruleset::RulesetError;

/// One embedded component.
#[derive(Debug, Clone, Copy)]
pub struct BundledComponent {
    /// File name under which it was built, e.g. `core-rules.wasm`.
    pub file: &'static str,
    /// The component; empty in a binary built with `SILOQ_EXTENSIONS_SKIP`.
    pub bytes: &'static [u8],
    /// SHA-256 of `bytes`, lowercase hex.
    pub sha256: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// Every bundled component, in ruleset order.
pub const ALL: [BundledComponent; 3] = [CORE_RULES, CORE_SCORER, CORE_RECOMMENDER];

/// The bundled site rules (extensions.md §5.5), judged per site rather than per page.
pub const SITE_RULES: [BundledComponent; 1] = [CORE_SITE_RULES];

/// Why this binary cannot score pages, when it was built without its extensions.
pub fn missing_reason() -> Option<&'static str> {
    SKIPPED.then_some(
        "this binary was built with SILOQ_EXTENSIONS_SKIP and embeds no extensions, so it cannot score pages; \
         rebuild without it (the wasm32-wasip2 target is installed automatically with rustup)",
    )
}

/// The bundled extensions, loaded.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub rules: LoadedExtension,
    pub scorer: LoadedExtension,
    pub recommender: LoadedExtension,
}

impl Loaded {
    /// The bundled extension with this id.
    pub fn by_id(&self, id: &str) -> Option<&LoadedExtension> {
        [&self.rules, &self.scorer, &self.recommender]
            .into_iter()
            .find(|e| e.id() == id)
    }
}

/// Loads the three components (validated like any other component).
pub fn load(host: &ExtensionHost) -> Result<Loaded, RulesetError> {
    if let Some(why) = missing_reason() {
        return Err(RulesetError(why.to_string()));
    }
    let one = |c: BundledComponent| {
        host.load(c.bytes)
            .map_err(|e| RulesetError(format!("bundled {}: {} ({})", c.file, e, e.code())))
    };
    Ok(Loaded {
        rules: one(CORE_RULES)?,
        scorer: one(CORE_SCORER)?,
        recommender: one(CORE_RECOMMENDER)?,
    })
}

/// Loads the bundled site-rule components (validated like any other component).
pub fn load_site_rules(
    host: &ExtensionHost,
) -> Result<Vec<super::site::SiteRuleExtension>, RulesetError> {
    if let Some(why) = missing_reason() {
        return Err(RulesetError(why.to_string()));
    }
    SITE_RULES
        .iter()
        .map(|c| {
            super::site::SiteRuleExtension::load(host, c.bytes)
                .map_err(|e| RulesetError(format!("bundled {}: {} ({})", c.file, e, e.code())))
        })
        .collect()
}

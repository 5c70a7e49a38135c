//! `bad-describe-reserved-id` (extensions.md §10 case 13): claims the id `siloq.fake`; the prefix `siloq.` is reserved for bundled extensions. The kernel checks `describe()` when it loads a component
//! (§2.3, §6.2 step 8) and must refuse this one as `invalid_component`, with a message saying why.

use raw_kit::*;

struct Lying;

impl RuleGuest for Lying {
    fn describe() -> ExtensionInfo {
        let ran = check("test.fake.ran", Category::Technical, Severity::Low);
        info("siloq.fake", ExtensionKind::Rule, vec![ran])
    }

    fn evaluate(_page: &Page, _config: String) -> Result<Vec<Finding>, ExtensionError> {
        Ok(Vec::new())
    }
}

raw_kit::export_rule!(Lying);

//! `bad-describe-kind` (extensions.md §10 case 13): a rule export whose `describe()` says it is a scorer. The kernel checks `describe()` when it loads a component
//! (§2.3, §6.2 step 8) and must refuse this one as `invalid_component`, with a message saying why.

use raw_kit::*;

struct Lying;

impl RuleGuest for Lying {
    fn describe() -> ExtensionInfo {
        info("test.bad-describe-kind", ExtensionKind::Scorer, Vec::new())
    }

    fn evaluate(_page: &Page, _config: String) -> Result<Vec<Finding>, ExtensionError> {
        Ok(Vec::new())
    }
}

raw_kit::export_rule!(Lying);

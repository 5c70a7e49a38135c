//! `bad-describe-duplicate-checks` (extensions.md §10 case 13): declares the check `test.dup.same` twice. The kernel checks `describe()` when it loads a component
//! (§2.3, §6.2 step 8) and must refuse this one as `invalid_component`, with a message saying why.

use raw_kit::*;

struct Lying;

impl RuleGuest for Lying {
    fn describe() -> ExtensionInfo {
        let same = || check("test.dup.same", Category::Technical, Severity::Low);
        info(
            "test.bad-describe-duplicate-checks",
            ExtensionKind::Rule,
            vec![same(), same()],
        )
    }

    fn evaluate(_page: &Page, _config: String) -> Result<Vec<Finding>, ExtensionError> {
        Ok(Vec::new())
    }
}

raw_kit::export_rule!(Lying);

//! `bad-describe-huge` (extensions.md §10 case 13): a `describe()` of about 1 MiB (the cap is 64 KiB): 500 checks with 2 KiB titles. The kernel checks `describe()` when it loads a component
//! (§2.3, §6.2 step 8) and must refuse this one as `invalid_component`, with a message saying why.

use raw_kit::*;

struct Lying;

impl RuleGuest for Lying {
    fn describe() -> ExtensionInfo {
        let checks = (0..500)
            .map(|i| CheckInfo {
                title: "t".repeat(2048),
                ..check(
                    &format!("test.huge_describe.c{i:03}"),
                    Category::Technical,
                    Severity::Low,
                )
            })
            .collect();
        info("test.bad-describe-huge", ExtensionKind::Rule, checks)
    }

    fn evaluate(_page: &Page, _config: String) -> Result<Vec<Finding>, ExtensionError> {
        Ok(Vec::new())
    }
}

raw_kit::export_rule!(Lying);

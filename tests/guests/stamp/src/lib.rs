//! `stamp`: declares the check `test.stamp` and fails it on every page. A page scored by a ruleset that contains
//! it carries an issue of type `test.stamp`, which proves the extension was loaded and run.

use siloq_sdk::prelude::*;

pub struct Stamp;

impl Rule for Stamp {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.stamp", "Stamp").check(Check::new(
            "test.stamp",
            Category::Technical,
            Severity::Low,
            "Stamped",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        out.fail("test.stamp", "Stamped by the test guest.")
            .action("Nothing to do: this is a test marker.");
        Ok(())
    }
}

export_rule!(Stamp);

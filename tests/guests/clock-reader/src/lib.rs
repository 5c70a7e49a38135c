//! `clock-reader` (extensions.md §10 cases 8 and 9): reads the wall clock with `SystemTime::now`, which imports
//! `wasi:clocks`. The import is outside the kernel's allow-list (§4.3), so the component is refused when it is
//! loaded, with an error naming the interface, and never runs.

use siloq_sdk::prelude::*;

pub struct Forbidden;

impl Rule for Forbidden {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.clock-reader", "clock-reader").check(Check::new(
            "test.clock_reader.ran",
            Category::Technical,
            Severity::Low,
            "clock-reader ran",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        out.fail("test.clock_reader.ran", format!("The time is {now}."));
        Ok(())
    }
}

export_rule!(Forbidden);

//! `os-random` (extensions.md §10 cases 8 and 9): seeds from the operating system with `getrandom`, which imports
//! `wasi:random/random`. The import is outside the kernel's allow-list (§4.3), so the component is refused when it
//! is loaded, with an error naming the interface, and never runs.

use siloq_sdk::prelude::*;

pub struct Forbidden;

impl Rule for Forbidden {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.os-random", "os-random").check(Check::new(
            "test.os_random.ran",
            Category::Technical,
            Severity::Low,
            "os-random ran",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let mut seed = [0u8; 8];
        let outcome = match getrandom::fill(&mut seed) {
            Ok(()) => format!("Got the seed {}.", u64::from_le_bytes(seed)),
            Err(e) => format!("No randomness: {e}"),
        };
        out.fail("test.os_random.ran", outcome);
        Ok(())
    }
}

export_rule!(Forbidden);

//! `spin` (extensions.md §10 case 1): `evaluate` never returns. The kernel must stop the call with `timeout`
//! (epoch deadline) or `fuel_exhausted`, whichever comes first, within 60 ms, and score the page on the rest.

use siloq_sdk::prelude::*;

pub struct Spin;

impl Rule for Spin {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.spin", "Spin").check(Check::new(
            "test.spin.ran",
            Category::Technical,
            Severity::Low,
            "Spin ran",
        ))
    }

    #[allow(clippy::empty_loop)]
    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        _out: &mut Report,
    ) -> Result<(), ExtensionError> {
        loop {}
    }
}

export_rule!(Spin);

//! `panic` (extensions.md §10 case 4): `panic!("boom")`. The call ends with `trap` and the diagnostic's detail
//! quotes the panic message from standard error; the next call starts from a fresh instance and panics the same
//! way (no poisoning, no state).

use siloq_sdk::prelude::*;

pub struct Panic;

impl Rule for Panic {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.panic", "Panic").check(Check::new(
            "test.panic.ran",
            Category::Technical,
            Severity::Low,
            "Panic ran",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        _out: &mut Report,
    ) -> Result<(), ExtensionError> {
        panic!("boom")
    }
}

export_rule!(Panic);

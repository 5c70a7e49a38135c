//! `exit` (extensions.md §10 case 16): `std::process::exit(0)` inside `evaluate`, which calls `wasi:cli/exit`. The
//! kernel links that interface only to end the call: the result is the diagnostic `exit_called`, never success.

use siloq_sdk::prelude::*;

pub struct Exit;

impl Rule for Exit {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.exit", "Exit").check(Check::new(
            "test.exit.ran",
            Category::Technical,
            Severity::Low,
            "Exit ran",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        _out: &mut Report,
    ) -> Result<(), ExtensionError> {
        std::process::exit(0)
    }
}

export_rule!(Exit);

//! `fs-reader` (extensions.md §10 cases 8 and 9): reads `/etc/passwd` with `std::fs`, which imports
//! `wasi:filesystem`. The import is outside the kernel's allow-list (§4.3), so the component is refused when it is
//! loaded, with an error naming the interface, and never runs.

use siloq_sdk::prelude::*;

pub struct Forbidden;

impl Rule for Forbidden {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.fs-reader", "fs-reader").check(Check::new(
            "test.fs_reader.ran",
            Category::Technical,
            Severity::Low,
            "fs-reader ran",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let outcome = match std::fs::read("/etc/passwd") {
            Ok(bytes) => format!("Read {} bytes of /etc/passwd.", bytes.len()),
            Err(e) => format!("Could not read /etc/passwd: {e}"),
        };
        out.fail("test.fs_reader.ran", outcome);
        Ok(())
    }
}

export_rule!(Forbidden);

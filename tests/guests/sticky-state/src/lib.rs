//! `sticky-state` (extensions.md §10 case 5): counts its calls in a static and reports the count as the detail
//! `calls` of a failing finding. Every call runs in a fresh instance, so the count is 1 on every call.

use siloq_sdk::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

static CALLS: AtomicU32 = AtomicU32::new(0);

pub struct StickyState;

impl Rule for StickyState {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.sticky-state", "Sticky state").check(Check::new(
            "test.sticky_state.calls",
            Category::Technical,
            Severity::Low,
            "Calls seen by this instance",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let calls = CALLS.fetch_add(1, Ordering::Relaxed) + 1;
        out.fail(
            "test.sticky_state.calls",
            format!("This instance has seen {calls} call(s)."),
        )
        .detail("calls", calls);
        Ok(())
    }
}

export_rule!(StickyState);

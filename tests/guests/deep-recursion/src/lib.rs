//! `deep-recursion` (extensions.md §10 case 3): recurses 10,000,000 calls deep. The wasm stack limit (512 KiB)
//! stops it long before; the call ends with `trap` (stack overflow or out-of-bounds), quickly, and the
//! evaluation thread survives.

use siloq_sdk::prelude::*;
use std::hint::black_box;

pub struct DeepRecursion;

#[inline(never)]
fn depth(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        black_box(depth(black_box(n - 1))) + 1
    }
}

impl Rule for DeepRecursion {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.deep-recursion", "Deep recursion").check(Check::new(
            "test.deep_recursion.ran",
            Category::Technical,
            Severity::Low,
            "Deep recursion ran",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let reached = depth(black_box(10_000_000));
        out.fail(
            "test.deep_recursion.ran",
            format!("Recursed {reached} calls deep without being stopped."),
        );
        Ok(())
    }
}

export_rule!(DeepRecursion);

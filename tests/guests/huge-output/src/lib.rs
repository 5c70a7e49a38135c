//! `huge-output` (extensions.md §10 case 6): output beyond the caps of §2.3, which the SDK's `Report` would clip,
//! so the kernel's own checks are what is tested. The config's `mode` selects the variant:
//!
//! * `message-20mib` (default): one failing finding whose message is 20 MiB → `output_too_large`;
//! * `findings-201`: 201 findings (one over the cap) → `output_too_large`, all discarded;
//! * `message-2kib`: one finding with a 2 KiB message → `output_truncated`, kept and cut to 1 KiB.

use raw_kit::*;

struct HugeOutput;

const CATEGORY: Category = Category::Technical;
const SEVERITY: Severity = Severity::Low;

fn check_id(i: usize) -> String {
    format!("test.huge_output.c{i:03}")
}

impl RuleGuest for HugeOutput {
    fn describe() -> ExtensionInfo {
        let checks = (0..201)
            .map(|i| check(&check_id(i), CATEGORY, SEVERITY))
            .collect();
        info("test.huge-output", ExtensionKind::Rule, checks)
    }

    fn evaluate(_page: &Page, config: String) -> Result<Vec<Finding>, ExtensionError> {
        let fail = |i: usize, message: String| Finding {
            message,
            ..finding(&check_id(i), CATEGORY, SEVERITY, Some(0.0), "")
        };
        Ok(match mode(&config, "message-20mib").as_str() {
            "findings-201" => (0..201)
                .map(|i| fail(i, "One finding too many.".to_string()))
                .collect(),
            "message-2kib" => vec![fail(0, "é".repeat(1024))],
            // Built once and moved into the finding: a copy would need 40 MiB, over the memory cap.
            _ => vec![fail(0, "x".repeat(20 << 20))],
        })
    }
}

raw_kit::export_rule!(HugeOutput);

//! Every limit of extensions.md §4.6 as a named constant, and the adjustable ones as [`Limits`]
//! (`[extensions.limits]` in the configuration). Operators may lower a limit freely and raise it only up to its
//! ceiling; [`Limits::check`] refuses anything else at startup.

use serde::{Deserialize, Serialize};

const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;

// Adjustable limits: default and ceiling.
pub const MAX_UPLOAD_BYTES: usize = 4 * MIB;
pub const MAX_UPLOAD_BYTES_CEILING: usize = 16 * MIB;
pub const MEMORY_BYTES: usize = 32 * MIB;
pub const MEMORY_BYTES_CEILING: usize = 128 * MIB;
pub const STACK_BYTES: usize = 512 * KIB;
pub const STACK_BYTES_CEILING: usize = MIB;
pub const FUEL_PER_CALL: u64 = 200_000_000;
pub const FUEL_PER_CALL_CEILING: u64 = 1_000_000_000;
pub const CALL_TIMEOUT_MS: u64 = 50;
pub const CALL_TIMEOUT_MS_CEILING: u64 = 500;
pub const PAGE_BUDGET_MS: u64 = 250;
pub const PAGE_BUDGET_MS_CEILING: u64 = 2_000;
pub const MAX_FINDINGS: usize = 200;
pub const MAX_FINDINGS_CEILING: usize = 1_000;
pub const MAX_OUTPUT_BYTES: usize = 256 * KIB;
pub const MAX_OUTPUT_BYTES_CEILING: usize = MIB;
pub const COMPILE_TIMEOUT_MS: u64 = 10_000;
pub const COMPILE_TIMEOUT_MS_CEILING: u64 = 60_000;
pub const QUEUE_WAIT_MS: u64 = 5_000;
pub const QUEUE_WAIT_MS_CEILING: u64 = 30_000;

// Fixed limits.
/// Epoch tick: deadlines are counted in these.
pub const EPOCH_TICK_MS: u64 = 10;
/// No rule starts once less than this much of the page budget is left, so the scorer always gets its turn.
pub const RULE_START_RESERVE_MS: u64 = 60;
pub const INSTANCES_PER_STORE: usize = 16;
pub const MEMORIES_PER_STORE: usize = 4;
pub const TABLES_PER_STORE: usize = 16;
pub const TABLE_ELEMENTS: usize = 10_000;
pub const RECOMMENDATIONS_PER_CALL: usize = 100;
pub const RECOMMENDATIONS_PER_PAGE: usize = 50;
pub const MAX_RULES: usize = 50;
pub const MAX_RECOMMENDERS: usize = 5;

// Output strings (§2.3).
pub const MESSAGE_BYTES: usize = KIB;
pub const ACTION_BYTES: usize = KIB;
pub const DETAILS_PER_FINDING: usize = 32;
pub const DETAIL_KEY_BYTES: usize = 64;
pub const DETAIL_TEXT_BYTES: usize = 512;
pub const DETAILS_BYTES: usize = 4 * KIB;
pub const AFFECTED_ENTRIES: usize = 20;
pub const AFFECTED_BYTES: usize = 512;
pub const CONFIG_BYTES: usize = 64 * KIB;
pub const DESCRIBE_BYTES: usize = 64 * KIB;
pub const DESCRIBE_CHECKS: usize = 500;
pub const CHECK_TITLE_BYTES: usize = 120;

// Logs.
pub const LOG_LINES: usize = 20;
pub const LOG_LINE_BYTES: usize = 512;
pub const STDERR_BYTES: usize = 4 * KIB;
/// Standard error quoted in a failed call's diagnostic (the panic message).
pub const STDERR_IN_DIAGNOSTIC: usize = 512;

// Page input caps.
pub const PAGE_HEADINGS: usize = 1_000;
pub const PAGE_LINKS: usize = 5_000;
pub const PAGE_IMAGES: usize = 2_000;
pub const PAGE_SUBRESOURCES: usize = 2_000;
pub const PAGE_FORMS: usize = 200;
pub const PAGE_JSON_LD_BLOCKS: usize = 100;
pub const PAGE_JSON_LD_BYTES: usize = 64 * KIB;
pub const PAGE_PARAGRAPHS: usize = 10_000;
pub const PAGE_SENTENCES: usize = 20_000;
pub const PAGE_SENTENCE_BYTES: usize = 2 * KIB;
pub const PAGE_HEADERS: usize = 200;
pub const PAGE_META_TAGS: usize = 500;
pub const PAGE_WP_META: usize = 200;
pub const PAGE_WP_META_BYTES: usize = 4 * KIB;
pub const PAGE_TEXT_BYTES: usize = 256 * KIB;
pub const PAGE_HTML_BYTES: usize = MIB;
pub const PAGE_FACT_BYTES: usize = 64 * KIB;
pub const HELPER_INPUT_BYTES: usize = 64 * KIB;

/// The adjustable limits (`[extensions.limits]`). `Default` is the table of §4.6.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest component accepted (uploads, ruleset files).
    pub max_upload_bytes: usize,
    /// Linear memory per instance.
    pub memory_bytes: usize,
    /// WebAssembly stack.
    pub stack_bytes: usize,
    /// Fuel per call (about one unit per instruction).
    pub fuel_per_call: u64,
    /// Wall time per call; shortened to what is left of the page budget.
    pub call_timeout_ms: u64,
    /// Wall time per page for the whole pipeline.
    pub page_budget_ms: u64,
    /// Findings per rule call.
    pub max_findings: usize,
    /// Output of one call, measured after it is lifted into the host.
    pub max_output_bytes: usize,
    /// Compiling one component.
    pub compile_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_upload_bytes: MAX_UPLOAD_BYTES,
            memory_bytes: MEMORY_BYTES,
            stack_bytes: STACK_BYTES,
            fuel_per_call: FUEL_PER_CALL,
            call_timeout_ms: CALL_TIMEOUT_MS,
            page_budget_ms: PAGE_BUDGET_MS,
            max_findings: MAX_FINDINGS,
            max_output_bytes: MAX_OUTPUT_BYTES,
            compile_timeout_ms: COMPILE_TIMEOUT_MS,
        }
    }
}

impl Limits {
    /// Refuses values above their ceilings and zeros (a zero budget would fail every call).
    pub fn check(&self) -> Result<(), String> {
        let checks: [(&str, u64, u64); 9] = [
            (
                "max_upload_bytes",
                self.max_upload_bytes as u64,
                MAX_UPLOAD_BYTES_CEILING as u64,
            ),
            (
                "memory_bytes",
                self.memory_bytes as u64,
                MEMORY_BYTES_CEILING as u64,
            ),
            (
                "stack_bytes",
                self.stack_bytes as u64,
                STACK_BYTES_CEILING as u64,
            ),
            ("fuel_per_call", self.fuel_per_call, FUEL_PER_CALL_CEILING),
            (
                "call_timeout_ms",
                self.call_timeout_ms,
                CALL_TIMEOUT_MS_CEILING,
            ),
            (
                "page_budget_ms",
                self.page_budget_ms,
                PAGE_BUDGET_MS_CEILING,
            ),
            (
                "max_findings",
                self.max_findings as u64,
                MAX_FINDINGS_CEILING as u64,
            ),
            (
                "max_output_bytes",
                self.max_output_bytes as u64,
                MAX_OUTPUT_BYTES_CEILING as u64,
            ),
            (
                "compile_timeout_ms",
                self.compile_timeout_ms,
                COMPILE_TIMEOUT_MS_CEILING,
            ),
        ];
        for (name, value, ceiling) in checks {
            if value == 0 {
                return Err(format!("extensions.limits.{name} must be above 0"));
            }
            if value > ceiling {
                return Err(format!(
                    "extensions.limits.{name} ({value}) is above its ceiling ({ceiling})"
                ));
            }
        }
        Ok(())
    }

    /// Epoch ticks for a wall-clock allowance: at least one tick, rounded up.
    pub(crate) fn ticks(ms: u64) -> u64 {
        ms.div_ceil(EPOCH_TICK_MS).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_ceilings_bind() {
        assert!(Limits::default().check().is_ok());
        let high = Limits {
            fuel_per_call: FUEL_PER_CALL_CEILING + 1,
            ..Limits::default()
        };
        assert!(high.check().unwrap_err().contains("fuel_per_call"));
        let zero = Limits {
            call_timeout_ms: 0,
            ..Limits::default()
        };
        assert!(zero.check().is_err());
    }

    #[test]
    fn ticks_round_up() {
        assert_eq!(Limits::ticks(50), 5);
        assert_eq!(Limits::ticks(41), 5);
        assert_eq!(Limits::ticks(1), 1);
        assert_eq!(Limits::ticks(0), 1);
    }
}

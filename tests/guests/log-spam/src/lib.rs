//! `log-spam` (extensions.md §10 case 7): 10,000 log lines of 1 KiB through the host's `log`, and 1 MiB written to
//! standard error. The kernel keeps 20 lines and 4 KiB of standard error, notes `logs_truncated`, and otherwise
//! lets the call succeed: the one finding (a failing `test.log_spam.done`) is kept.

use siloq_sdk::prelude::*;
use std::io::Write;

pub struct LogSpam;

impl Rule for LogSpam {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.log-spam", "Log spam").check(Check::new(
            "test.log_spam.done",
            Category::Technical,
            Severity::Low,
            "Log spam finished",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let line = "l".repeat(1020);
        for i in 0..10_000u32 {
            siloq_sdk::log::info!("{i:04}{line}");
        }
        let chunk = vec![b'e'; 64 << 10];
        let mut stderr = std::io::stderr();
        for _ in 0..16 {
            let _ = stderr.write_all(&chunk);
        }
        out.fail(
            "test.log_spam.done",
            "Logged 10,000 lines and 1 MiB of standard error.",
        );
        Ok(())
    }
}

export_rule!(LogSpam);

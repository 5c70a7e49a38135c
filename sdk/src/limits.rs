//! The output caps of extensions.md §2.3 / §4.6, mirrored from the kernel so a guest meets them before returning
//! (a rule that passes its unit tests is never cut in production), and the cutting helpers the builders share.

/// Findings per rule call.
pub const MAX_FINDINGS: usize = 200;
/// `finding.message`, `finding.action`, `recommendation.message`, `recommendation.action`.
pub const MAX_MESSAGE_BYTES: usize = 1024;
/// Details per finding.
pub const MAX_DETAILS: usize = 32;
/// One detail key.
pub const MAX_DETAIL_KEY_BYTES: usize = 64;
/// One text detail value (and each entry of a `texts` value).
pub const MAX_DETAIL_TEXT_BYTES: usize = 512;
/// All details of one finding, measured by [`detail_bytes`].
pub const MAX_DETAILS_BYTES: usize = 4096;
/// `affected` entries per finding.
pub const MAX_AFFECTED: usize = 20;
/// One `affected` entry.
pub const MAX_AFFECTED_BYTES: usize = 512;
/// Recommendations per recommender call.
pub const MAX_RECOMMENDATIONS: usize = 100;
/// Recommendations per page after merging (the kernel keeps this many).
pub const MAX_RECOMMENDATIONS_PER_PAGE: usize = 50;
/// All output of one call, measured in the host.
pub const MAX_OUTPUT_BYTES: usize = 256 * 1024;
/// Checks in `describe()`.
pub const MAX_CHECKS: usize = 500;
/// The whole `describe()` record.
pub const MAX_DESCRIBE_BYTES: usize = 64 * 1024;
/// A check title.
pub const MAX_TITLE_BYTES: usize = 120;
/// One log line (the kernel keeps 20 lines per call).
pub const MAX_LOG_LINE_BYTES: usize = 512;
/// Keys the kernel adds to every issue's `details`; a finding must not use them.
pub const RESERVED_DETAIL_KEYS: [&str; 3] = ["affected", "credit", "extension"];

/// Cuts `s` to at most `max` bytes at a character boundary (never splits a UTF-8 sequence).
pub fn cut(mut s: String, max: usize) -> String {
    if s.len() > max {
        let end = (0..=max)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        s.truncate(end);
    }
    s
}

/// The size a detail counts against [`MAX_DETAILS_BYTES`]: key bytes plus value bytes, where text counts its
/// UTF-8 length, a list the sum of its entries, an integer or number 8 and a boolean 1.
pub fn detail_bytes(detail: &crate::Detail) -> usize {
    use crate::DetailValue::*;
    detail.key.len()
        + match &detail.value {
            Text(t) => t.len(),
            Texts(ts) => ts.iter().map(String::len).sum(),
            Integer(_) | Number(_) => 8,
            Boolean(_) => 1,
        }
}

/// Whether a misuse (undeclared check, duplicate, reserved key) panics: in native builds, so tests catch it;
/// in the component the first report wins and the kernel records a diagnostic, as §3.3 requires.
pub(crate) const STRICT: bool = cfg!(not(target_arch = "wasm32"));

/// Reports a misuse: a panic naming it in native builds, nothing in the component.
#[track_caller]
pub(crate) fn misuse(message: std::fmt::Arguments<'_>) {
    if STRICT {
        panic!("siloq-sdk: {message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_respects_char_boundaries() {
        assert_eq!(cut("héllo".into(), 2), "h");
        assert_eq!(cut("héllo".into(), 3), "hé");
        assert_eq!(cut("abc".into(), 5), "abc");
        assert_eq!(cut("€".into(), 2), "");
    }
}

//! Text helpers shared by the content, on-page and structure checks: the spec's `fold` (seo-rules.md, terms)
//! and the 4.1 token rule.
//!
//! Folding goes through the kernel's `normalize` so that rules compare exactly what the kernel folded (the
//! keyphrase, for instance). Two shortcuts keep host calls and copies down: ASCII text folds locally (NFKC,
//! case folding and mark removal reduce to lowercasing there), and many short texts are folded in one call,
//! joined by a private-use separator that folding leaves alone.

use siloq_sdk::FindingBuilder;
use siloq_sdk::prelude::*;

/// Reports a check from its credit: a pass when 1, else a failure or partial credit with the formatted
/// message and the action. Evaluates to the finding builder, for details.
#[macro_export]
macro_rules! judge {
    ($out:expr, $id:expr, $credit:expr, $action:expr, $($message:tt)+) => {{
        let credit: f32 = $credit;
        if credit >= 1.0 {
            $out.pass($id)
        } else if credit <= 0.0 {
            $out.fail($id, format!($($message)+)).action($action)
        } else {
            $out.partial($id, credit, format!($($message)+)).action($action)
        }
    }};
}

/// `affected` references beyond the kernel's 20 are dropped; the full count goes into `affected_total`.
const MAX_AFFECTED: usize = 20;

/// Adds every reference of a list to a finding.
pub trait AffectedAll {
    /// The first 20 references as `affected`, and `affected_total` when there is any.
    fn affected_all<S: Into<String>>(&mut self, items: impl IntoIterator<Item = S>) -> &mut Self;
}

impl AffectedAll for FindingBuilder {
    fn affected_all<S: Into<String>>(&mut self, items: impl IntoIterator<Item = S>) -> &mut Self {
        let mut total = 0usize;
        for item in items {
            if total < MAX_AFFECTED {
                self.affected(item);
            }
            total += 1;
        }
        if total > 0 {
            self.detail("affected_total", total);
        }
        self
    }
}

/// The helpers of the `page` resource read at most 64 KiB; batches and chunks stay below that.
const HOST_INPUT_BYTES: usize = 60 * 1024;
/// Joins the texts of a batch; NFKC, case folding and mark removal all leave a private-use character alone.
const SEPARATOR: char = '\u{E000}';

/// `fold(text)`: NFKC, case folding, marks removed, quotes and dashes straightened, white space collapsed.
pub fn fold<P: PageView>(page: &P, text: &str) -> String {
    if text.is_ascii() {
        return fold_ascii(text);
    }
    if text.len() <= HOST_INPUT_BYTES {
        return page.normalize(text);
    }
    // Long text: fold it in pieces cut at white space (folding never joins across white space), then join
    // the pieces with the single space folding would have left there.
    let mut out = String::with_capacity(text.len());
    for piece in chunks(text, HOST_INPUT_BYTES) {
        let folded = page.normalize(piece);
        if folded.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&folded);
    }
    out
}

/// `fold` of every text, in order, with as few host calls as possible.
pub fn fold_all<P: PageView>(page: &P, texts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(texts.len());
    let mut batch = String::new();
    let mut pending: Vec<usize> = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        if text.is_ascii() {
            out.push(fold_ascii(text));
            continue;
        }
        out.push(String::new());
        if text.len() + 3 > HOST_INPUT_BYTES || text.contains(SEPARATOR) {
            out[i] = fold(page, text);
            continue;
        }
        if batch.len() + text.len() + 3 > HOST_INPUT_BYTES {
            flush(page, &mut batch, &mut pending, texts, &mut out);
        }
        if !pending.is_empty() {
            batch.push(' ');
            batch.push(SEPARATOR);
            batch.push(' ');
        }
        batch.push_str(text);
        pending.push(i);
    }
    flush(page, &mut batch, &mut pending, texts, &mut out);
    out
}

fn flush<P: PageView>(
    page: &P,
    batch: &mut String,
    pending: &mut Vec<usize>,
    texts: &[&str],
    out: &mut [String],
) {
    match pending.len() {
        0 => return,
        1 => out[pending[0]] = page.normalize(batch),
        _ => {
            let folded = page.normalize(batch);
            if folded.split(SEPARATOR).count() == pending.len() {
                for (piece, &i) in folded.split(SEPARATOR).zip(pending.iter()) {
                    out[i] = piece.trim().to_owned();
                }
            } else {
                // The kernel changed the separator after all: fold one by one.
                for &i in pending.iter() {
                    out[i] = page.normalize(texts[i]);
                }
            }
        }
    }
    batch.clear();
    pending.clear();
}

/// Pieces of at most `max` bytes, cut at white space where possible (else at a character boundary).
fn chunks(text: &str, max: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if rest.len() <= max {
            return Some(std::mem::take(&mut rest));
        }
        let mut cut = max;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = &rest[..cut];
        let cut = head
            .rfind(char::is_whitespace)
            .filter(|&i| i > 0)
            .unwrap_or(cut);
        let (piece, tail) = rest.split_at(cut);
        rest = tail;
        Some(piece)
    })
}

/// `fold` for ASCII text: lowercase, white space collapsed and trimmed.
pub fn fold_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// `one` when `n` is 1, else `many`: "1 link is", "2 links are".
pub fn pl<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

/// A word in the sense of 4.1: a space-separated token with at least one letter or digit.
pub fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// The tokens of folded text: split on spaces, leading and trailing punctuation stripped, tokens without a
/// letter or digit dropped.
pub fn tokens(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(' ')
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|t| !t.is_empty())
}

/// Words of (uncollapsed) text by the 4.1 rule.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().filter(|t| is_word(t)).count()
}

/// Characters after white space collapsing and trimming.
pub fn char_count(text: &str) -> usize {
    let mut n = 0;
    for (i, word) in text.split_whitespace().enumerate() {
        n += word.chars().count() + usize::from(i > 0);
    }
    n
}

/// The primary language subtag, lowercased (`en-GB` → `en`); empty when unknown.
pub fn primary_language(info: &PageInfo) -> String {
    info.lang
        .as_deref()
        .and_then(|tag| tag.trim().split(['-', '_']).next())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Languages written without spaces between words: word-based measures are not applicable in release 1.
pub fn unspaced_language(language: &str) -> bool {
    matches!(language, "ja" | "zh" | "th")
}

/// Up to `n` items joined with ", ", for messages ("{examples}").
pub fn examples<'a>(items: impl IntoIterator<Item = &'a str>, n: usize) -> String {
    let mut out = String::new();
    for item in items.into_iter().take(n) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    out
}

/// A share in percent, rounded to two decimals for details.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_folding_and_tokens() {
        assert_eq!(
            fold_ascii("  Sourdough\t STARTER:  a Guide "),
            "sourdough starter: a guide"
        );
        let folded = fold_ascii("\"Sourdough\" starter -- 3.5 kg ...");
        assert_eq!(
            tokens(&folded).collect::<Vec<_>>(),
            ["sourdough", "starter", "3.5", "kg"]
        );
        assert_eq!(char_count("  a  bc \n d "), 6);
        assert_eq!(word_count("a -- 3.5 b."), 3);
    }

    #[test]
    fn batched_folding_matches_folding_one_by_one() {
        let page = siloq_sdk::testing::MockPage::default();
        let long = "Éclair ".repeat(12_000);
        let texts = [
            "Crème  Brûlée",
            "plain ASCII Text",
            "",
            "ÜBER  alles",
            long.as_str(),
            "x\u{E000}y Ä",
        ];
        let batched = fold_all(&page, &texts);
        let single: Vec<String> = texts.iter().map(|t| fold(&page, t)).collect();
        assert_eq!(batched, single);
        assert_eq!(batched[0], "crème brûlée");
        assert_eq!(batched[1], "plain ascii text");
        assert_eq!(fold(&page, &long).len(), long.trim_end().len());
    }

    #[test]
    fn chunks_cut_at_white_space() {
        let text = "aaaa bbbb cccc";
        let pieces: Vec<&str> = chunks(text, 9).collect();
        assert_eq!(pieces.concat(), text);
        assert!(pieces.iter().all(|p| p.len() <= 9));
        assert_eq!(pieces[0], "aaaa");
    }
}

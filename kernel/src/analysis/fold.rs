//! `fold` (the spec's `normalize`), keyphrase tokens and content words (seo-rules.md sections 0 and 4.3).

use super::lexicon;
use super::text::{is_word, strip_punctuation};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFKC, full case folding, combining marks removed, curly quotes made straight, en and em dashes made `-`,
/// white space collapsed and trimmed. Used for every comparison of titles, descriptions, alts and keyphrases.
pub fn fold(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    let folded = caseless::default_case_fold_str(&nfkc);
    // Marks are removed from the canonical decomposition, then the rest is recomposed so scripts whose
    // letters decompose into non-marks (Hangul) come back whole.
    let unmarked: String = folded
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .nfc()
        .collect();
    let mut out = String::with_capacity(unmarked.len());
    let mut pending_space = false;
    for ch in unmarked.chars() {
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(match ch {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            other => other,
        });
    }
    out
}

/// The tokens of `text`: `fold(text)` split on spaces, leading and trailing punctuation stripped, tokens
/// without a letter or digit dropped (the 4.1 word rule).
pub fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|t| is_word(t))
        .map(|t| strip_punctuation(t).to_owned())
        .collect()
}

/// The tokens of `text` minus the language's function words; all tokens when nothing else remains.
pub fn content_words(text: &str, language: Option<&str>) -> Vec<String> {
    let all = tokens(text);
    let stop = lexicon::function_words(language);
    let content: Vec<String> = all
        .iter()
        .filter(|t| stop.binary_search(&t.as_str()).is_err())
        .cloned()
        .collect();
    if content.is_empty() { all } else { content }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_applies_every_step_of_the_definition() {
        assert_eq!(fold("  Crème\u{00A0}BRÛLÉE  "), "creme brulee");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(
            fold("ﬁne “quotes” – ‘and’ — dashes"),
            "fine \"quotes\" - 'and' - dashes"
        );
        assert_eq!(fold("Ｆｕｌｌｗｉｄｔｈ"), "fullwidth");
        assert_eq!(fold("한국어"), "한국어");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn content_words_drop_function_words_but_never_everything() {
        assert_eq!(
            content_words("The best camping gear!", None),
            ["best", "camping", "gear"]
        );
        assert_eq!(
            content_words("to be or not", None),
            ["to", "be", "or", "not"]
        );
        assert_eq!(
            tokens("\"Sourdough\" starter — 3.5 kg …"),
            ["sourdough", "starter", "3.5", "kg"]
        );
    }
}

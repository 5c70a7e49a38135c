//! The text conventions of seo-rules.md section 4.1: whitespace collapsing, words, sentences and the
//! syllable estimate behind the Flesch inputs.

use super::lexicon;

/// Appends `text` to `out` with every run of Unicode white space (U+00A0 included) turned into one space.
/// A leading run is dropped when `out` is empty or already ends with a space; callers trim the end.
pub(super) fn push_collapsed(out: &mut String, text: &str) {
    let mut pieces = text.split(char::is_whitespace);
    // The first piece is empty exactly when `text` starts with white space.
    let mut pending_space = false;
    if let Some(first) = pieces.next() {
        if first.is_empty() {
            pending_space = true;
        } else {
            out.push_str(first);
        }
    }
    for piece in pieces {
        pending_space = true;
        if piece.is_empty() {
            continue;
        }
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(piece);
        pending_space = false;
    }
    if pending_space && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// `text` collapsed and trimmed.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_collapsed(&mut out, text);
    trim_end_in_place(&mut out);
    out
}

pub(super) fn trim_end_in_place(s: &mut String) {
    let len = s.trim_end().len();
    s.truncate(len);
}

/// A token is a word when it contains at least one letter or digit.
pub fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Words of collapsed text.
pub fn count_words(collapsed: &str) -> u32 {
    let n = collapsed.split(' ').filter(|t| is_word(t)).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `token` without leading and trailing characters that are neither letters nor digits.
pub(super) fn strip_punctuation(token: &str) -> &str {
    token.trim_matches(|c: char| !c.is_alphanumeric())
}

/// The first word of collapsed text, lowercased, without leading and trailing punctuation.
pub(super) fn first_word(collapsed: &str) -> String {
    collapsed
        .split(' ')
        .find(|t| is_word(t))
        .map(|t| strip_punctuation(t).to_lowercase())
        .unwrap_or_default()
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '」' | '』' | '）'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '‘'
            | '„'
            | '«'
            | '‹'
            | '('
            | '['
            | '{'
            | '¿'
            | '¡'
            | '「'
            | '『'
            | '（'
    )
}

fn is_ideographic_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

/// Splits one collapsed text block into sentences (section 4.1) and calls `emit` with each sentence that
/// has at least one word. A token ending in `.` `!` `?` or `…` (closing quotes or brackets may follow)
/// ends a sentence unless it is an abbreviation or the next token starts with a lowercase letter;
/// `。` `！` `？` always end one, even inside a token.
pub(super) fn split_sentences<'t>(block: &'t str, mut emit: impl FnMut(&'t str)) {
    let mut emit_if_words = |s: &'t str| {
        let s = s.trim();
        if !s.is_empty() && s.split(' ').any(is_word) {
            emit(s);
        }
    };
    let mut start: Option<usize> = None;
    let mut tokens = token_spans(block).peekable();
    while let Some((offset, token)) = tokens.next() {
        let end = offset + token.len();
        let mut piece_start = offset;
        // Ideographic stops are never ASCII: most tokens skip the scan.
        let scan = if token.is_ascii() { "" } else { token };
        let mut chars = scan.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !is_ideographic_stop(c) {
                continue;
            }
            let mut stop = offset + i + c.len_utf8();
            while let Some(&(j, next)) = chars.peek() {
                if !is_closer(next) && !is_ideographic_stop(next) {
                    break;
                }
                stop = offset + j + next.len_utf8();
                chars.next();
            }
            emit_if_words(&block[start.unwrap_or(piece_start)..stop]);
            start = None;
            piece_start = stop;
        }
        if piece_start >= end {
            continue;
        }
        let sentence_start = *start.get_or_insert(piece_start);
        let next = tokens.peek().map(|(_, t)| *t);
        if ends_sentence(&block[piece_start..end], next) {
            emit_if_words(&block[sentence_start..end]);
            start = None;
        }
    }
    if let Some(s) = start {
        emit_if_words(&block[s..]);
    }
}

/// `(byte offset, token)` for the space-separated tokens of collapsed text.
fn token_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let base = text.as_ptr() as usize;
    text.split(' ')
        .filter(|t| !t.is_empty())
        .map(move |t| (t.as_ptr() as usize - base, t))
}

fn ends_sentence(token: &str, next: Option<&str>) -> bool {
    let core = token.trim_end_matches(is_closer);
    if !core.ends_with(['.', '!', '?', '…']) {
        return false;
    }
    if core.ends_with('.') && is_abbreviation(core) {
        return false;
    }
    let next_starts_lowercase = next
        .and_then(|n| n.trim_start_matches(is_opener).chars().next())
        .is_some_and(char::is_lowercase);
    !next_starts_lowercase
}

/// A lexicon abbreviation (`e.g.`, `Dr.`) or a single letter followed by a period (`J.`).
fn is_abbreviation(token: &str) -> bool {
    let core = token.trim_start_matches(is_opener);
    let mut chars = core.chars();
    if let (Some(first), Some('.'), None) = (chars.next(), chars.next(), chars.next())
        && first.is_alphabetic()
    {
        return true;
    }
    let lower = core.to_lowercase();
    lexicon::ABBREVIATIONS
        .binary_search(&lower.as_str())
        .is_ok()
}

/// English syllable estimate for one word: vowel groups, less a silent final `e` (not after `l`), at least 1
/// for a word. Allocation-free: it runs once per word of the main text.
pub(super) fn syllables(word: &str) -> u32 {
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'à'..='æ' | 'è'..='ï' | 'ò'..='ö' | 'ù'..='ü');
    let (mut count, mut letters) = (0u32, 0u32);
    let (mut previous_vowel, mut last, mut before_last) = (false, ' ', ' ');
    for c in word.chars().filter(|c| c.is_alphabetic()) {
        let c = if c.is_ascii() {
            c.to_ascii_lowercase()
        } else {
            c.to_lowercase().next().unwrap_or(c)
        };
        let v = vowel(c);
        if v && !previous_vowel {
            count += 1;
        }
        previous_vowel = v;
        before_last = last;
        last = c;
        letters += 1;
    }
    if letters == 0 {
        return u32::from(is_word(word));
    }
    let silent_e = letters > 2 && last == 'e' && !vowel(before_last) && before_last != 'l';
    if silent_e && count > 1 {
        count -= 1;
    }
    count.max(1)
}

/// The longest prefix of `s` of at most `max` bytes that ends at a character boundary.
pub(super) fn prefix_at_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

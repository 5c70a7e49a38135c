//! Language-tag validity (seo-rules.md §4.3): a well-formed BCP 47 tag (RFC 5646 `langtag`) whose primary
//! language subtag is registered in the IANA Language Subtag Registry, with an optional four-letter script
//! and an optional registered region (two letters or three digits). Underscores are never valid (`en_US`).
//!
//! The registry is represented by compact bitsets generated from ISO 639 / ISO 3166 data
//! (`lang_tables.rs`, see `gen_lang_tables.py`). Deliberate simplifications: extended language subtags are
//! accepted when they are registered three-letter language codes; scripts, variants and extensions are only
//! checked for well-formedness; grandfathered tags (`i-klingon`, `en-GB-oed`, ...) and private-use-only tags
//! (`x-whatever`) are invalid, since neither has a registered primary language subtag.

use super::lang_tables::{LANG2, LANG3, REGION2};

/// UN M.49 areas registered as region subtags.
const REGION_DIGITS: [&str; 31] = [
    "001", "002", "003", "005", "009", "011", "013", "014", "015", "017", "018", "019", "021",
    "029", "030", "034", "035", "039", "053", "054", "057", "061", "142", "143", "145", "150",
    "151", "154", "155", "202", "419",
];

fn bit(table: &[u8], subtag: &str) -> bool {
    let mut index = 0usize;
    for b in subtag.bytes() {
        if !b.is_ascii_alphabetic() {
            return false;
        }
        index = index * 26 + usize::from(b.to_ascii_lowercase() - b'a');
    }
    table
        .get(index / 8)
        .is_some_and(|byte| byte & (1 << (index % 8)) != 0)
}

fn is_alpha(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn is_digit(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// A registered primary language subtag (two or three letters).
fn registered_language(subtag: &str) -> bool {
    match subtag.len() {
        2 => bit(&LANG2, subtag),
        3 => bit(&LANG3, subtag),
        _ => false,
    }
}

fn registered_region(subtag: &str) -> bool {
    match subtag.len() {
        2 => bit(&REGION2, subtag),
        3 => is_digit(subtag) && REGION_DIGITS.contains(&subtag),
        _ => false,
    }
}

fn is_variant(s: &str) -> bool {
    let alnum = s.bytes().all(|b| b.is_ascii_alphanumeric());
    alnum && (matches!(s.len(), 5..=8) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit()))
}

/// Whether `tag` is a valid language tag (surrounding whitespace ignored).
pub fn is_valid_tag(tag: &str) -> bool {
    let tag = tag.trim_matches(|c: char| c.is_ascii_whitespace());
    if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return false;
    }
    let mut parts = tag.split('-').peekable();
    if parts.clone().any(|p| p.is_empty() || p.len() > 8) {
        return false;
    }
    // language
    match parts.next() {
        Some(language) if registered_language(language) => {}
        _ => return false,
    }
    // extlang (at most three)
    let mut extlangs = 0;
    while let Some(p) = parts.peek() {
        if extlangs < 3 && p.len() == 3 && is_alpha(p) {
            if !bit(&LANG3, p) {
                return false;
            }
            extlangs += 1;
            parts.next();
        } else {
            break;
        }
    }
    // script
    if parts.peek().is_some_and(|p| p.len() == 4 && is_alpha(p)) {
        parts.next();
    }
    // region
    if let Some(p) = parts.peek() {
        let region_shaped = (p.len() == 2 && is_alpha(p)) || (p.len() == 3 && is_digit(p));
        if region_shaped {
            if !registered_region(p) {
                return false;
            }
            parts.next();
        }
    }
    // variants
    while parts.peek().is_some_and(|p| is_variant(p)) {
        parts.next();
    }
    // extensions, then private use
    while let Some(p) = parts.next() {
        if p.len() != 1 {
            return false;
        }
        let private = p.eq_ignore_ascii_case("x");
        let min = if private { 1 } else { 2 };
        let mut count = 0;
        while parts
            .peek()
            .is_some_and(|q| q.len() >= min && (private || q.len() > 1))
        {
            parts.next();
            count += 1;
        }
        if count == 0 {
            return false;
        }
        if private && parts.peek().is_some() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_valid_tag;

    #[test]
    fn valid_tags() {
        for tag in [
            "en",
            "EN",
            "en-GB",
            "en-gb",
            "de-AT",
            "zh-Hant-TW",
            "sr-Latn",
            "es-419",
            "fil",
            "yue",
            "haw-US",
            "de-CH-1901",
            "sl-rozaj-biske",
            "en-US-x-twain",
            "en-a-bbb-x-a-ccc",
            "zh-yue-HK",
            "iw",
            "qaa",
            " fr ",
            "gsw-CH",
            "en-001",
        ] {
            assert!(is_valid_tag(tag), "{tag}");
        }
    }

    #[test]
    fn invalid_tags() {
        for tag in [
            "",
            "en_US",
            "en_GB",
            "english",
            "eng",
            "deu",
            "xx",
            "en-UK",
            "en-XK1",
            "en-",
            "-en",
            "en--US",
            "e",
            "i-klingon",
            "x-private",
            "en-US-",
            "en-a",
            "en-x",
            "en-US-u",
            "123",
            "en US",
            "en-999",
            "en-abcdefghi",
            "zz-ZZ",
        ] {
            assert!(!is_valid_tag(tag), "{tag}");
        }
    }
}

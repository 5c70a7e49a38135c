//! Title width in pixels (seo-rules.md section 4.3 `text_width_px`): advance widths of Arial, seeded from
//! Liberation Sans (metric-compatible, openly licensed), with no kerning.

use super::width_table::{ADVANCES, UNITS_PER_EM};
use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthChar;

/// Width of a character missing from the table, in em: Arial's average lowercase advance.
const FALLBACK_EM: f64 = 0.556;

/// Sum of the advance widths of `text` at `font_px`, rounded to the nearest pixel at the end. A character
/// missing from the table uses its base letter after canonical decomposition, else 1 em for East Asian
/// wide and fullwidth characters, else 0.556 em.
pub fn text_width_px(text: &str, font_px: u32) -> u32 {
    let px = f64::from(font_px);
    let em: f64 = text.chars().map(char_width_em).sum();
    let width = (em * px).round();
    // The sum is finite and non-negative; `as` saturates at u32::MAX for absurdly long titles.
    width as u32
}

fn char_width_em(c: char) -> f64 {
    if let Some(units) = advance(c) {
        return units;
    }
    if let Some(base) = c.nfd().next()
        && base != c
        && let Some(units) = advance(base)
    {
        return units;
    }
    if c.width() == Some(2) {
        1.0
    } else {
        FALLBACK_EM
    }
}

fn advance(c: char) -> Option<f64> {
    let code = u32::from(c);
    ADVANCES
        .binary_search_by_key(&code, |&(cp, _)| cp)
        .ok()
        .map(|i| f64::from(ADVANCES[i].1) / f64::from(UNITS_PER_EM))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_arial_metrics() {
        // Liberation Sans: 'a' = 1139 units, 'W' = 1933, space = 569 (of 2048); at 20 px.
        assert_eq!(text_width_px("a", 20), 11);
        assert_eq!(text_width_px("aaaa", 20), 44); // 4 × 11.123 = 44.49: rounded once, at the end
        assert_eq!(text_width_px("W W", 20), 43); // 18.877 + 5.557 + 18.877
        assert_eq!(text_width_px("", 20), 0);
    }

    #[test]
    fn missing_characters_fall_back_as_specified() {
        // Greek Extended is outside the table: 'ἀ' decomposes to 'α' (in the table) plus a mark.
        assert_eq!(text_width_px("ἀἀἀ", 20), text_width_px("ααα", 20));
        assert_eq!(text_width_px("日本", 20), 40);
        assert_eq!(text_width_px("\u{10400}", 20), 11); // Deseret: not wide, 0.556 em
        assert_eq!(
            text_width_px("a\u{0301}", 20),
            text_width_px("a", 20) + text_width_px("\u{0301}", 20)
        );
    }
}

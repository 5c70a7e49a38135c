//! Hostile input: arbitrary bytes, tag soup, huge nesting. `parse` must return, never panic, and keep its
//! lists within the caps.

use super::super::{MAX_ITEMS, Mode, ParseInput, parse, parse_bytes};
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn scan(html: &str) -> super::PageDoc {
    parse(&ParseInput::scan("https://example.com/", html))
}

#[test]
fn deep_nesting_completes_quickly_and_is_flattened() {
    let html = format!(
        "{}deep text{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let started = Instant::now();
    let doc = scan(&html);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(doc.info.depth_limited);
    assert_eq!(doc.main_text, "deep text");
    let formatting = scan(&"<b><i><a href='/x'><span><table><tr><td>".repeat(20_000));
    assert!(formatting.info.depth_limited);
}

#[test]
fn shallow_pages_are_not_flattened() {
    let doc = scan(&"<p>para".repeat(3_000));
    assert!(
        !doc.info.depth_limited,
        "implied </p> keeps the tree shallow"
    );
    assert_eq!(doc.text_stats.paragraphs, 3_000);
}

#[test]
fn lists_are_capped_but_totals_are_exact() {
    let doc = scan(&"<a href='/x'>x</a><img src='i.png'>".repeat(MAX_ITEMS + 5));
    assert_eq!(doc.links.len(), MAX_ITEMS);
    assert_eq!(doc.totals.links as usize, MAX_ITEMS + 5);
    assert_eq!(doc.images.len(), MAX_ITEMS);
    assert_eq!(doc.totals.images as usize, MAX_ITEMS + 5);
}

#[test]
fn main_text_is_capped_at_256_kib() {
    let doc = scan(&format!("<p>{}</p>", "wörd ".repeat(100_000)));
    assert!(doc.main_text_truncated && doc.main_text.len() <= 256 * 1024);
    assert_eq!(doc.info.word_count_main, 100_000);
}

#[test]
fn invalid_utf8_is_decoded_lossily() {
    let doc = parse_bytes(
        &ParseInput::scan("https://example.com/", ""),
        b"<p>caf\xe9 ok.</p>\xff",
    );
    assert_eq!(doc.main_text, "caf\u{FFFD} ok. \u{FFFD}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for mode in [Mode::Scan, Mode::WordPress] {
            let input = ParseInput { mode, url: "https://example.com/a", ..ParseInput::default() };
            let doc = parse_bytes(&input, &bytes);
            prop_assert!(doc.links.len() <= MAX_ITEMS);
        }
    }

    #[test]
    fn tag_soup_never_panics(parts in proptest::collection::vec(soup_piece(), 0..200), plain in any::<bool>()) {
        let html: String = parts.concat();
        for mode in [Mode::Scan, Mode::WordPress] {
            let input = ParseInput { mode, url: "not a url", content: &html, plain_text: plain, ..ParseInput::default() };
            let doc = parse(&input);
            prop_assert!(doc.info.word_count_main as usize <= html.len());
        }
    }
}

fn soup_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<div>".to_owned()),
        Just("</div>".to_owned()),
        Just("<p>".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just("<a href='javascript:void(0)'>".to_owned()),
        Just("<a href='//x/%zz'>".to_owned()),
        Just("</a>".to_owned()),
        Just("<img srcset=', ,' alt>".to_owned()),
        Just("<h2>".to_owned()),
        Just("<svg><title>x</title><a>".to_owned()),
        Just("<template><h1>t</h1>".to_owned()),
        Just("<script type=application/ld+json>{\"@type\":[[[".to_owned()),
        Just("<!-- c".to_owned()),
        Just("[shortcode a=\"]".to_owned()),
        Just("<base href='::'>".to_owned()),
        Just("%%title%% {{x}}".to_owned()),
        Just("e.g. Mr. 。！".to_owned()),
        "[a-zA-Z0-9 .!?<>/=\"'&;#\u{a0}\u{300}-\u{36f}\n]{0,12}",
    ]
}

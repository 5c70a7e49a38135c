//! Concrete expectations for the development corpus. Word counts were cross-checked with an independent
//! counter (Python's `html.parser`, same region and block rules) and by hand for the first paragraphs.

use super::super::{Alt, LinkKind, MainSource};
use super::{scan_fixture, wordpress_fixture};

fn alt_states(doc: &super::PageDoc) -> (usize, usize, usize) {
    let count = |f: fn(&Alt) -> bool| doc.images.iter().filter(|i| f(&i.alt)).count();
    (
        count(|a| *a == Alt::Absent),
        count(|a| *a == Alt::Empty),
        count(|a| matches!(a, Alt::Text(_))),
    )
}

#[test]
fn good_article_main_region_headings_links_and_text() {
    let doc = scan_fixture("01-good-article");
    assert_eq!(doc.info.main_source, MainSource::Main);
    assert_eq!(
        doc.info.seo_title,
        "Sourdough Starter: A Simple 7-Day Guide | Crumb & Co"
    );
    assert_eq!(
        doc.info.canonical.as_deref(),
        Some("https://crumbandco.example/guides/sourdough-starter/")
    );
    assert_eq!(doc.info.language.as_deref(), Some("en"));
    let levels: Vec<u8> = doc.headings.iter().map(|h| h.level).collect();
    assert_eq!(levels, [1, 2, 2, 3, 2, 2, 2, 2, 2]);
    // The H1 sits in the article's <header>, which the region excludes; the footer H2 is outside <main>.
    assert!(!doc.headings[0].in_main && !doc.headings[8].in_main);
    assert_eq!(doc.headings[1].text, "What you need");
    assert_eq!(doc.headings[1].word_offset, Some(50));
    assert_eq!(doc.info.word_count_main, 615);
    assert_eq!(doc.text_stats.heading_words, 27);
    assert_eq!(doc.text_stats.paragraphs, 15);
    assert_eq!(doc.text_stats.sentences, 51);
    assert_eq!(
        doc.sentences[0].text,
        "A sourdough starter is a living mix of flour, water, wild yeast and friendly bacteria."
    );
    assert_eq!(
        (doc.sentences[0].words, doc.sentences[0].first_word.as_str()),
        (15, "a")
    );
    assert_eq!(doc.paragraphs[0].words, 40);
    let main_links: Vec<_> = doc.links.iter().filter(|l| l.in_main).collect();
    assert_eq!(doc.links.len(), 14);
    assert_eq!(main_links.iter().filter(|l| l.internal).count(), 3);
    assert_eq!(main_links.iter().filter(|l| l.external).count(), 2);
    assert_eq!(
        doc.links[0].accessible_name, "Crumb & Co bakery school",
        "logo link named by its image alt"
    );
    assert_eq!(alt_states(&doc), (0, 0, 4));
    assert!(doc.images[0].in_link && !doc.images[0].in_main && doc.images[1].in_main);
    assert_eq!(doc.json_ld[0].types, ["Article", "Person", "Organization"]);
    assert_eq!(doc.forms.len(), 1);
    assert!(doc.resources.iter().all(|r| !r.insecure));
    assert!(
        doc.info.title_width_px > 450 && doc.info.title_width_px < 550,
        "{}",
        doc.info.title_width_px
    );
    assert_eq!(
        doc.keyphrase.as_ref().map(|k| k.content_words.clone()),
        Some(vec!["sourdough".into(), "starter".into()])
    );
}

#[test]
fn wordpress_generation_b_is_normalised_before_parsing() {
    let doc = wordpress_fixture("02-wp-gutenberg");
    assert_eq!(doc.info.main_source, MainSource::Content);
    assert_eq!(
        doc.info.seo_title,
        "Summer Sale on Camping Gear – Acme Outdoor"
    );
    assert!(doc.info.title_leftovers.is_empty());
    assert_eq!(doc.info.slug, "summer_sale_2026");
    assert_eq!(doc.info.description, None);
    assert!(doc.capabilities.description && doc.capabilities.robots && !doc.capabilities.document);
    let headings: Vec<(u8, &str)> = doc
        .headings
        .iter()
        .map(|h| (h.level, h.text.as_str()))
        .collect();
    assert_eq!(
        headings,
        [
            (1, "Summer Sale"),
            (2, "Tents and shelters"),
            (3, "Sleeping bags"),
            (2, "Camp kitchen"),
            (2, "Questions about your order?")
        ]
    );
    let offsets: Vec<Option<u32>> = doc.headings.iter().map(|h| h.word_offset).collect();
    assert_eq!(offsets, [Some(0), Some(33), Some(72), Some(122), Some(142)]);
    assert_eq!(doc.info.word_count_main, 182);
    // Blank-line text became two <p> paragraphs; the three list items are prose; the shortcode vanished.
    assert_eq!(
        doc.paragraphs.iter().map(|p| p.words).collect::<Vec<_>>(),
        [33, 39, 25, 25, 27]
    );
    assert_eq!(doc.text_stats.sentences, 15);
    assert_eq!(doc.sentences[7].text, "Looking for something lighter?");
    assert_eq!(doc.sentences[10].paragraph, None);
    assert!(!doc.main_text.contains("contact-form") && !doc.main_text.contains("wp:"));
    assert_eq!(doc.links.len(), 2);
    assert!(
        doc.links
            .iter()
            .all(|l| l.internal && l.in_main && l.kind == LinkKind::Web)
    );
    assert_eq!(
        doc.links[0].href_abs.as_deref(),
        Some("https://acmeoutdoor.example/tents/trailhead-3/")
    );
    assert_eq!(alt_states(&doc), (1, 0, 1));
    assert_eq!(doc.info.element_count, 20);
}

#[test]
fn wordpress_generation_c_uses_lines_and_extracted_lists() {
    let doc = wordpress_fixture("06-thin-content");
    assert_eq!(doc.info.main_source, MainSource::PlainText);
    assert_eq!(doc.info.word_count_main, 80);
    assert_eq!(doc.text_stats.paragraphs, 9);
    assert_eq!(doc.info.seo_title, "Roof Repair in Denver | Summit Roofing");
    assert_eq!(doc.headings.len(), 3);
    assert!(doc.headings.iter().all(|h| h.word_offset.is_none()));
    assert_eq!(doc.links.iter().filter(|l| l.internal).count(), 2);
    assert!(doc.links[1].generic_text && !doc.links[0].generic_text);
    assert!(doc.images.is_empty() && !doc.capabilities.images && !doc.capabilities.markup);
    assert!(doc.capabilities.text && doc.capabilities.headings && doc.capabilities.links);
    assert!(
        doc.main_text
            .contains("Lorem ipsum dolor sit amet, consectetur")
    );
}

#[test]
fn duplicate_h1_and_empty_widget_heading() {
    let doc = scan_fixture("04-duplicate-h1");
    let levels: Vec<u8> = doc.headings.iter().map(|h| h.level).collect();
    assert_eq!(levels, [1, 1, 2, 2, 4, 2, 2]);
    assert_eq!(doc.headings[2].text, "");
    assert_eq!(doc.info.word_count_main, 384);
    assert_eq!(doc.text_stats.paragraphs, 8);
}

#[test]
fn single_article_is_the_region() {
    let doc = scan_fixture("05-no-meta-description");
    assert_eq!(doc.info.main_source, MainSource::Article);
    assert_eq!(doc.info.description, None);
    assert_eq!(doc.info.word_count_main, 493);
    assert_eq!(doc.headings.iter().filter(|h| h.in_main).count(), 7);
}

#[test]
fn image_alt_states_and_lazy_sources() {
    let doc = scan_fixture("07-images-no-alt");
    assert_eq!(doc.images.len(), 12);
    assert_eq!(alt_states(&doc), (4, 2, 6));
    assert_eq!(
        doc.images[2].src.as_deref(),
        Some("https://junipervale.example/galleries/harper-lewis/02-dress.jpg")
    );
    assert_eq!(
        doc.images
            .iter()
            .filter(|i| i.width.is_none() || i.height.is_none())
            .count(),
        4
    );
    assert_eq!(doc.info.word_count_main, 368);
}

#[test]
fn generic_uncrawlable_and_special_links() {
    let doc = scan_fixture("10-generic-links");
    assert_eq!(doc.links.len(), 20);
    assert_eq!(doc.links.iter().filter(|l| l.generic_text).count(), 7);
    assert_eq!(doc.links.iter().filter(|l| !l.crawlable).count(), 3);
    let kind = |k: LinkKind| doc.links.iter().filter(|l| l.kind == k).count();
    assert_eq!(
        (
            kind(LinkKind::Fragment),
            kind(LinkKind::Mailto),
            kind(LinkKind::Javascript)
        ),
        (2, 1, 1)
    );
    assert_eq!(
        doc.links
            .iter()
            .filter(|l| l.accessible_name.is_empty())
            .count(),
        1
    );
    let sponsored = doc
        .links
        .iter()
        .find(|l| l.rel.contains(&"nofollow".to_owned()))
        .expect("nofollow link");
    assert_eq!(sponsored.rel, ["sponsored", "nofollow"]);
    assert_eq!(doc.info.word_count_main, 376);
}

#[test]
fn noindex_mixed_content_hreflang_and_titles() {
    let noindex = scan_fixture("08-noindex");
    assert!(noindex.info.robots.noindex);
    assert_eq!(noindex.info.robots.sources, ["meta:robots"]);

    let mixed = scan_fixture("11-mixed-content");
    let insecure: Vec<_> = mixed
        .resources
        .iter()
        .filter(|r| r.insecure)
        .map(|r| r.kind)
        .collect();
    assert!(insecure.len() >= 4, "{insecure:?}");
    assert!(
        mixed
            .forms
            .iter()
            .any(|f| f.action.as_deref().is_some_and(|a| a.starts_with("http:")))
    );

    let hreflang = scan_fixture("12-broken-hreflang");
    assert_eq!(hreflang.head.html_lang.as_deref(), Some("en_US"));
    assert_eq!(hreflang.info.language.as_deref(), Some("en"));
    assert!(hreflang.head.hreflang.iter().any(|h| h.value == "en_GB"));
    assert!(hreflang.head.hreflang.iter().any(|h| !h.absolute));
    assert!(hreflang.head.canonicals.iter().all(|c| !c.absolute));
    assert!(hreflang.json_ld.iter().any(|j| j.error.is_some()));

    let long = scan_fixture("09-long-title");
    assert_eq!(long.head.titles.len(), 2);
    assert!(
        long.info.title_width_px > 600,
        "{}",
        long.info.title_width_px
    );
    assert!(
        long.head
            .metas
            .iter()
            .any(|m| m.name.as_deref() == Some("keywords"))
    );
}

#[test]
fn parsing_is_deterministic() {
    let a = serde_json::to_string(&scan_fixture("01-good-article")).unwrap();
    let b = serde_json::to_string(&scan_fixture("01-good-article")).unwrap();
    assert_eq!(a, b);
}

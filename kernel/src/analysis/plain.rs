//! Generation C payloads (seo-rules.md section 1.1): builder plain text with extracted headings and links.
//! Every non-empty line is one paragraph and one text block; headings have no positions; links have no
//! `rel`, so every one counts as followed, and `is_internal` is taken as given.

use super::MAX_ITEMS;
use super::blocks::BlockKind;
use super::collect::{crawlable, image_alt_from};
use super::input::ParseInput;
use super::lexicon;
use super::model::{Heading, Image, Link, LinkKind};
use super::text::collapse;
use super::urls::UrlContext;
use super::walk::Collected;

pub(super) fn collect(
    input: &ParseInput<'_>,
    content: &str,
    urls: &UrlContext<'_>,
    language: Option<&str>,
) -> Collected {
    let mut c = Collected::default();
    for line in content.lines() {
        c.text.push_block(BlockKind::Paragraph, &collapse(line));
    }
    for h in input.headings_extracted {
        c.totals.headings += 1;
        if c.headings.len() < MAX_ITEMS {
            let level = h.level.clamp(1, 6);
            c.headings.push(Heading {
                level,
                text: collapse(&h.text),
                in_main: true,
                word_offset: None,
            });
        }
    }
    for l in input.links_extracted {
        c.totals.links += 1;
        if c.links.len() >= MAX_ITEMS {
            continue;
        }
        let href_abs = urls.resolve(&l.href);
        let kind = urls.link_kind(&l.href, href_abs.as_ref());
        let text = collapse(&l.text);
        let generic_text = lexicon::generic_link_text(language)
            .binary_search(&text.to_lowercase().as_str())
            .is_ok();
        c.links.push(Link {
            crawlable: crawlable(Some(&l.href), href_abs.is_some(), kind, None, false),
            href: Some(l.href.clone()),
            href_abs: href_abs.map(String::from),
            accessible_name: text.clone(),
            text,
            rel: Vec::new(),
            kind,
            internal: kind == LinkKind::Web && l.is_internal,
            external: kind == LinkKind::Web && !l.is_internal,
            inline_handler: false,
            in_main: kind == LinkKind::Web,
            generic_text,
        });
    }
    for i in input.images_extracted.unwrap_or_default() {
        c.totals.images += 1;
        if c.images.len() >= MAX_ITEMS {
            continue;
        }
        let src = Some(i.src.trim().to_owned()).filter(|s| !s.is_empty());
        c.images.push(Image {
            src_abs: src
                .as_deref()
                .and_then(|s| urls.resolve(s))
                .map(String::from),
            src,
            alt: image_alt_from(i.alt.as_deref()),
            decorative: false,
            aria_label: None,
            aria_labelledby: false,
            width: None,
            height: None,
            in_main: true,
            in_picture: false,
            in_link: false,
        });
    }
    c
}

//! Tests of the document model: fixtures of the development corpus (`fixtures`), text conventions
//! (`conventions`) and hostile input (`robustness`).

mod conventions;
mod fixtures;
mod robustness;

use super::{ExtractedHeading, ExtractedImage, ExtractedLink, Mode, PageDoc, ParseInput, parse};
use serde_json::Value;
use std::path::PathBuf;

/// The SEO fixture corpus, kept in the repository (`tests/fixtures/seo`, a copy of the shared development
/// corpus) so a clean clone tests without anything beside it.
pub(super) fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/seo")
}

fn read(name: &str) -> String {
    let path = fixtures_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses a scanned-page fixture with its URL and keyphrase from `NN-name.http.json`.
pub(super) fn scan_fixture(stem: &str) -> PageDoc {
    let html = read(&format!("{stem}.html"));
    let http: Value = serde_json::from_str(&read(&format!("{stem}.http.json"))).expect("http.json");
    let url = http["url"].as_str().expect("url").to_owned();
    let keyphrase = http["keyphrase"].as_str().unwrap_or_default().to_owned();
    parse(&ParseInput {
        focus_keyphrase: &keyphrase,
        ..ParseInput::scan(&url, &html)
    })
}

/// Parses a WordPress fixture (`NN-name.sync.json`) the way the sync endpoint reads it (section 1.1).
pub(super) fn wordpress_fixture(stem: &str) -> PageDoc {
    let doc: Value = serde_json::from_str(&read(&format!("{stem}.sync.json"))).expect("sync.json");
    let (site, sync) = (&doc["site"], &doc["sync"]);
    let field = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| {
            let v = k
                .strip_prefix("meta.")
                .map_or(&sync[*k], |m| &sync["meta"][m]);
            v.as_str().map(str::to_owned)
        })
    };
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let plain = [
        "type",
        "page_builder",
        "headings_extracted",
        "links_extracted",
    ]
    .iter()
    .any(|k| sync.get(k).is_some());
    let headings: Vec<ExtractedHeading> = serde_json::from_value(
        sync.get("headings_extracted")
            .cloned()
            .unwrap_or(Value::Null),
    )
    .unwrap_or_default();
    let links: Vec<ExtractedLink> =
        serde_json::from_value(sync.get("links_extracted").cloned().unwrap_or(Value::Null))
            .unwrap_or_default();
    let images: Option<Vec<ExtractedImage>> = doc["seo_data"]
        .get("images")
        .and_then(|i| serde_json::from_value(i.clone()).ok());
    let first_nonempty = |keys: &[&str]| field(keys).filter(|s| !s.is_empty()).unwrap_or_default();
    let (url, content, title) = (
        text(&sync["url"]),
        text(&sync["content"]),
        text(&sync["title"]),
    );
    let template = first_nonempty(&["yoast_title", "meta.yoast_title"]);
    let description = field(&["yoast_description", "meta.yoast_description"]);
    let keyphrase = first_nonempty(&[
        "focus_keyphrase",
        "meta._yoast_wpseo_focuskw",
        "meta.rank_math_focus_keyword",
    ]);
    let (slug, excerpt) = (text(&sync["slug"]), text(&sync["excerpt"]));
    let (site_name, separator, locale) = (
        text(&site["name"]),
        text(&site["title_separator"]),
        text(&site["locale"]),
    );
    let noindex_field = field(&["meta._yoast_wpseo_meta-robots-noindex"]);
    let input = ParseInput {
        mode: Mode::WordPress,
        url: &url,
        content: &content,
        plain_text: plain,
        headings_extracted: &headings,
        links_extracted: &links,
        images_extracted: images.as_deref(),
        post_title: &title,
        seo_title_template: &template,
        seo_description: description.as_deref(),
        excerpt: &excerpt,
        focus_keyphrase: &keyphrase,
        slug: &slug,
        site_name: &site_name,
        title_separator: &separator,
        locale: &locale,
        is_homepage: sync["is_homepage"].as_bool().unwrap_or(false),
        is_noindex: sync["is_noindex"].as_bool().unwrap_or(false)
            || noindex_field.as_deref() == Some("1"),
        robots_known: sync.get("is_noindex").is_some() || noindex_field.is_some(),
        ..ParseInput::default()
    };
    parse(&input)
}

#[test]
fn dump_fixtures_for_review() {
    let Ok(which) = std::env::var("SILOQ_DUMP") else {
        return;
    };
    let doc = if which.contains("wp") || which.contains("thin") {
        wordpress_fixture(&which)
    } else {
        scan_fixture(&which)
    };
    println!("{}", serde_json::to_string_pretty(&doc).unwrap());
}

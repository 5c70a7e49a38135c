//! XML sitemaps (sitemaps.org): `<urlset>` entries and `<sitemapindex>` children, parsed with `roxmltree`
//! (no DTDs, no external entities). Facts per file are kept for the site rules (seo-rules §4.4 `sitemaps()`).

use serde::{Deserialize, Serialize};

/// Most URLs read from one file (SSRF-6).
pub const MAX_URLS_PER_FILE: usize = 50_000;

/// One fetched sitemap file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SitemapFacts {
    pub url: String,
    pub status: Option<u16>,
    pub parse_error: Option<String>,
    /// `urlset` or `sitemapindex` (empty when unparsed).
    pub root: String,
    pub url_count: usize,
    pub uncompressed_bytes: usize,
    /// Page URLs (urlset) or child sitemap URLs (index), at most [`MAX_URLS_PER_FILE`].
    pub entries: Vec<String>,
}

/// Parses a sitemap body into `facts`.
pub fn parse_into(facts: &mut SitemapFacts, body: &[u8]) {
    facts.uncompressed_bytes = body.len();
    let text = String::from_utf8_lossy(body);
    let doc = match roxmltree::Document::parse(&text) {
        Ok(doc) => doc,
        Err(e) => {
            facts.parse_error = Some(e.to_string().chars().take(200).collect());
            return;
        }
    };
    let root = doc.root_element();
    facts.root = root.tag_name().name().to_string();
    let entry_tag = match facts.root.as_str() {
        "urlset" => "url",
        "sitemapindex" => "sitemap",
        other => {
            facts.parse_error = Some(format!("unexpected root element <{other}>"));
            return;
        }
    };
    for entry in root.children().filter(|n| n.has_tag_name(entry_tag)) {
        facts.url_count += 1;
        if facts.entries.len() >= MAX_URLS_PER_FILE {
            continue;
        }
        if let Some(loc) = entry
            .children()
            .find(|n| n.has_tag_name("loc"))
            .and_then(|n| n.text())
        {
            facts.entries.push(loc.trim().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlsets_and_indexes_are_read_and_garbage_is_reported() {
        let mut f = SitemapFacts::default();
        parse_into(
            &mut f,
            br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc> https://a.example/ </loc></url><url><loc>https://a.example/b/</loc></url></urlset>"#,
        );
        assert_eq!(f.root, "urlset");
        assert_eq!(
            f.entries,
            vec!["https://a.example/", "https://a.example/b/"]
        );
        let mut idx = SitemapFacts::default();
        parse_into(
            &mut idx,
            br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://a.example/s1.xml</loc></sitemap></sitemapindex>"#,
        );
        assert_eq!(idx.root, "sitemapindex");
        assert_eq!(idx.url_count, 1);
        let mut bad = SitemapFacts::default();
        parse_into(&mut bad, b"<html><body>not a sitemap");
        assert!(bad.parse_error.is_some());
    }
}

//! Filling the site model from what the kernel already measured: a page's document model gives the
//! per-page facts of seo-rules.md §4.4 (folded title and description, hash of the folded main text, canonicals,
//! language), so the scanner and the synced-site view fold and hash the same way.

use super::model::SitePage;
use crate::analysis::{PageDoc, fold};
use sha2::{Digest, Sha256};

/// `Some(fold(s))` when non-empty after folding.
fn folded(s: &str) -> Option<String> {
    Some(fold(s)).filter(|f| !f.is_empty())
}

impl SitePage {
    /// The facts a page's document model decides. Left for the caller: `status` (200 here), `eligible`
    /// ([`super::crawl_eligible`]), `googlebot_disallowed`, `depth`, `inlinks`, `in_sitemap`, `provisional`.
    /// `noindex` is the document's own robots directives; a caller with HTTP headers or WordPress fields
    /// should use the page's `index.noindex` outcome instead.
    pub fn from_doc(doc: &PageDoc) -> SitePage {
        let url = doc
            .info
            .url_parts
            .as_ref()
            .map_or_else(|| doc.info.url.clone(), |p| p.normalized.clone());
        let mut canonicals: Vec<String> = Vec::new();
        for c in &doc.head.canonicals {
            if let Some(abs) = c.href_abs.as_ref().filter(|_| c.valid)
                && !canonicals.contains(abs)
            {
                canonicals.push(abs.clone());
            }
        }
        let main = fold(&doc.main_text);
        SitePage {
            url,
            status: 200,
            eligible: false,
            noindex: doc.info.robots.noindex,
            googlebot_disallowed: false,
            canonicals,
            lang: doc
                .head
                .html_lang
                .clone()
                .or_else(|| doc.info.language.clone()),
            title: folded(&doc.info.seo_title),
            description: doc.info.description.as_deref().and_then(folded),
            text_hash: (!main.is_empty()).then(|| hex::encode(Sha256::digest(main.as_bytes()))),
            char_count_main: doc.info.char_count_main,
            depth: None,
            inlinks: 0,
            in_sitemap: false,
            is_homepage: doc.info.is_homepage,
            provisional: false,
        }
    }
}

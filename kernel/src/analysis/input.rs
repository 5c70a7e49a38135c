//! What callers hand to [`parse`](super::parse): the page content plus the WordPress or scan context that
//! the document model needs (seo-rules.md sections 1.1 and 1.2).

use serde::{Deserialize, Serialize};

/// Which analysis mode a page is in (seo-rules.md section 1.4: `content_only` or `full_page`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    /// A synced WordPress page: only the content and the SEO fields are judged (`content_only`).
    #[serde(rename = "wordpress")]
    WordPress,
    /// A scanned page: the whole served document (`full_page`).
    #[serde(rename = "scan")]
    Scan,
}

impl Mode {
    /// The mode name rules see (`content_only` or `full_page`).
    pub fn wire_name(self) -> &'static str {
        match self {
            Mode::WordPress => "content_only",
            Mode::Scan => "full_page",
        }
    }
}

/// A heading sent by a generation C plugin (`headings_extracted[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedHeading {
    pub level: u8,
    pub text: String,
}

/// A link sent by a generation C plugin (`links_extracted[]`); `is_internal` is taken as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedLink {
    pub text: String,
    pub href: String,
    #[serde(default)]
    pub is_internal: bool,
}

/// An image from the plugin's `seo-data` metrics (`images[{src, alt}]`): `alt` absent or null means a
/// missing alt, `""` a decorative image. Used only when the content yields no image list (generation C).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedImage {
    pub src: String,
    #[serde(default)]
    pub alt: Option<String>,
}

/// Everything [`parse`](super::parse) reads. Only `mode`, `url` and `content` are required; start from
/// [`ParseInput::scan`], [`ParseInput::wordpress`] or `Default` and set the fields you have.
#[derive(Debug, Clone, Copy)]
pub struct ParseInput<'a> {
    pub mode: Mode,
    /// The page URL: the final URL of a scan, the synced `url` of a WordPress page.
    pub url: &'a str,
    /// The served HTML (scan), raw `post_content` (generation B) or builder plain text (generation C).
    pub content: &'a str,
    /// True for a generation C payload: `content` is plain text, one paragraph per non-empty line.
    pub plain_text: bool,
    pub headings_extracted: &'a [ExtractedHeading],
    pub links_extracted: &'a [ExtractedLink],
    /// Plugin image metrics; `None` when no `seo-data` images were sent (the image list is then unknown in
    /// generation C).
    pub images_extracted: Option<&'a [ExtractedImage]>,
    pub post_title: &'a str,
    /// The Yoast-style title template (`yoast_title`); empty means the default template.
    pub seo_title_template: &'a str,
    /// The SEO description field: `None` when the payload never carried it, `Some("")` for "no description".
    pub seo_description: Option<&'a str>,
    pub excerpt: &'a str,
    /// The focus keyphrase; empty means none is set.
    pub focus_keyphrase: &'a str,
    /// The WordPress `slug` field; empty means "last non-empty path segment of the URL".
    pub slug: &'a str,
    pub site_name: &'a str,
    /// The site tagline for `%%sitedesc%%`; empty when unknown.
    pub site_description: &'a str,
    /// The site's title separator for `%%sep%%` (default `-` when empty).
    pub title_separator: &'a str,
    /// The site locale (`en_GB`); the language fallback when the document declares none.
    pub locale: &'a str,
    /// Further hosts of the site: links to them count as internal.
    pub own_hosts: &'a [String],
    pub is_homepage: bool,
    /// WordPress: one of the noindex fields of section 1.1 says noindex.
    pub is_noindex: bool,
    /// WordPress: a noindex field was present at all (capability `robots`).
    pub robots_known: bool,
}

impl Default for ParseInput<'_> {
    fn default() -> Self {
        ParseInput {
            mode: Mode::Scan,
            url: "",
            content: "",
            plain_text: false,
            headings_extracted: &[],
            links_extracted: &[],
            images_extracted: None,
            post_title: "",
            seo_title_template: "",
            seo_description: None,
            excerpt: "",
            focus_keyphrase: "",
            slug: "",
            site_name: "",
            site_description: "",
            title_separator: "",
            locale: "",
            own_hosts: &[],
            is_homepage: false,
            is_noindex: false,
            robots_known: false,
        }
    }
}

impl<'a> ParseInput<'a> {
    /// A scanned page: its final URL and the served HTML.
    pub fn scan(url: &'a str, html: &'a str) -> Self {
        ParseInput {
            mode: Mode::Scan,
            url,
            content: html,
            ..Default::default()
        }
    }

    /// A synced WordPress page of generation B: its URL and raw `post_content`.
    pub fn wordpress(url: &'a str, content: &'a str) -> Self {
        ParseInput {
            mode: Mode::WordPress,
            url,
            content,
            ..Default::default()
        }
    }
}

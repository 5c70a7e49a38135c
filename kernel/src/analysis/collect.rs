//! Per-element builders: what one `<a>`, `<img>`, `<meta>`, `<link>`, `<script>` or `<form>` contributes to
//! the document model. The walk decides where an element sits; these functions read its attributes.

use super::lexicon;
use super::model::{
    Alt, Canonical, Form, Hreflang, Image, JsonLd, Link, LinkElement, LinkKind, Meta, Resource,
    ResourceKind,
};
use super::text::{collapse, prefix_at_boundary};
use super::urls::{
    UrlContext, first_srcset_candidate, has_scheme, normalize_url, srcset_candidates,
};
use scraper::node::Element;

/// At most this much of a JSON-LD block is kept as `raw` (the whole block is parsed).
const MAX_JSON_LD_RAW: usize = 64 * 1024;

/// An `<a>` between its start and end: its text and image alts arrive while the walk is inside it.
pub(super) struct OpenLink {
    pub href: Option<String>,
    onclick: Option<String>,
    has_role_or_name: bool,
    rel: Vec<String>,
    aria_label: Option<String>,
    title: Option<String>,
    region_visible: bool,
    pub text: String,
    pub alts: String,
}

impl OpenLink {
    pub fn new(el: &Element, region_visible: bool) -> Self {
        OpenLink {
            href: el.attr("href").map(str::to_owned),
            onclick: el.attr("onclick").map(str::to_owned),
            has_role_or_name: el.attr("role").is_some() || el.attr("name").is_some(),
            rel: rel_tokens(el.attr("rel")),
            aria_label: el
                .attr("aria-label")
                .map(collapse)
                .filter(|s| !s.is_empty()),
            title: el.attr("title").map(collapse).filter(|s| !s.is_empty()),
            region_visible,
            text: String::new(),
            alts: String::new(),
        }
    }

    pub fn finish(self, urls: &UrlContext<'_>, language: Option<&str>) -> Link {
        let text = collapse(&self.text);
        let href_abs = self.href.as_deref().and_then(|h| urls.resolve(h));
        let kind = match &self.href {
            Some(href) => urls.link_kind(href, href_abs.as_ref()),
            None => LinkKind::Other,
        };
        let same_site =
            kind == LinkKind::Web && href_abs.as_ref().is_some_and(|u| urls.is_same_site(u));
        let accessible_name = [
            Some(&text),
            Some(&collapse(&self.alts)),
            self.aria_label.as_ref(),
            self.title.as_ref(),
        ]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_default();
        let lower = text.to_lowercase();
        let generic_text = lexicon::generic_link_text(language)
            .binary_search(&lower.as_str())
            .is_ok();
        let crawlable = crawlable(
            self.href.as_deref(),
            href_abs.is_some(),
            kind,
            self.onclick.as_deref(),
            self.has_role_or_name,
        );
        Link {
            href_abs: href_abs.map(String::from),
            href: self.href,
            text,
            accessible_name,
            rel: self.rel,
            kind,
            internal: same_site,
            external: kind == LinkKind::Web && !same_site,
            crawlable,
            inline_handler: self.onclick.is_some(),
            in_main: kind == LinkKind::Web && self.region_visible,
            generic_text,
        }
    }
}

/// Lighthouse's crawlable-anchors logic as section 3.4 `links.not_crawlable` states it.
pub(super) fn crawlable(
    href: Option<&str>,
    resolves: bool,
    kind: LinkKind,
    onclick: Option<&str>,
    role_or_name: bool,
) -> bool {
    let squeezed = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    if href.is_some_and(|h| h.trim_start().to_ascii_lowercase().starts_with("file:")) {
        return false;
    }
    if let Some(handler) = onclick.map(squeezed)
        && (handler.contains("window.location=") || handler.contains("window.open("))
    {
        return false;
    }
    let Some(href) = href else {
        return onclick.is_none() || role_or_name;
    };
    if role_or_name || kind == LinkKind::Mailto {
        return true;
    }
    let compact = squeezed(href);
    let void = compact.starts_with("javascript:void(0)") || compact.starts_with("javascript:void0");
    !(href.trim().is_empty() || void || !resolves)
}

/// `rel` split into lowercase tokens.
pub(super) fn rel_tokens(rel: Option<&str>) -> Vec<String> {
    rel.map(|r| r.split_whitespace().map(str::to_ascii_lowercase).collect())
        .unwrap_or_default()
}

/// An `<img>`; `alts` of the enclosing heading and link are fed by the walk from `image_alt`.
pub(super) fn image(
    el: &Element,
    urls: &UrlContext<'_>,
    in_main: bool,
    in_picture: bool,
    in_link: bool,
) -> Image {
    let attr = |name: &str| el.attr(name).map(str::trim).filter(|v| !v.is_empty());
    let src = attr("data-src")
        .or_else(|| attr("data-lazy-src"))
        .or_else(|| attr("src"))
        .or_else(|| attr("srcset").and_then(first_srcset_candidate))
        .map(str::to_owned);
    let src_abs = src
        .as_deref()
        .and_then(|s| urls.resolve(s))
        .map(String::from);
    let role = el.attr("role").map(|r| r.trim().to_ascii_lowercase());
    let decorative = matches!(role.as_deref(), Some("presentation" | "none"))
        || el
            .attr("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    Image {
        src,
        src_abs,
        alt: image_alt(el),
        decorative,
        aria_label: el
            .attr("aria-label")
            .map(collapse)
            .filter(|s| !s.is_empty()),
        aria_labelledby: el.attr("aria-labelledby").is_some(),
        width: attr("width").map(str::to_owned),
        height: attr("height").map(str::to_owned),
        in_main,
        in_picture,
        in_link,
    }
}

pub(super) fn image_alt(el: &Element) -> Alt {
    image_alt_from(el.attr("alt"))
}

/// Absent, empty (also when only white space) or text.
pub(super) fn image_alt_from(alt: Option<&str>) -> Alt {
    match alt.map(collapse) {
        None => Alt::Absent,
        Some(text) if text.is_empty() => Alt::Empty,
        Some(text) => Alt::Text(text),
    }
}

pub(super) fn meta(el: &Element, in_head: bool) -> Meta {
    let lower = |name: &str| el.attr(name).map(|v| v.trim().to_ascii_lowercase());
    Meta {
        name: lower("name"),
        property: el.attr("property").map(|v| v.trim().to_owned()),
        http_equiv: lower("http-equiv"),
        content: el.attr("content").map(str::to_owned),
        in_head,
    }
}

pub(super) fn link_element(el: &Element, urls: &UrlContext<'_>, in_head: bool) -> LinkElement {
    let href = el.attr("href").map(str::to_owned);
    LinkElement {
        rel: rel_tokens(el.attr("rel")),
        href_abs: href
            .as_deref()
            .and_then(|h| urls.resolve(h))
            .map(String::from),
        href,
        hreflang: el.attr("hreflang").map(|v| v.trim().to_owned()),
        in_head,
    }
}

pub(super) fn canonical(link: &LinkElement, urls: &UrlContext<'_>) -> Option<Canonical> {
    if !link.rel.iter().any(|r| r == "canonical") {
        return None;
    }
    let href = link.href.clone().unwrap_or_default();
    let resolved = if href.trim().is_empty() {
        None
    } else {
        urls.resolve(&href)
    };
    let valid = resolved
        .as_ref()
        .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    Some(Canonical {
        absolute: has_scheme(&href),
        href_abs: resolved.as_ref().map(normalize_url),
        valid,
        href,
    })
}

pub(super) fn hreflang(link: &LinkElement) -> Option<Hreflang> {
    if !link.rel.iter().any(|r| r == "alternate") {
        return None;
    }
    let value = link.hreflang.clone()?;
    Some(Hreflang {
        absolute: link.href.as_deref().is_some_and(has_scheme),
        value,
        href: link.href.clone(),
        href_abs: link.href_abs.clone(),
    })
}

/// The subresources an element requests (section 4.1), in attribute order.
pub(super) fn resources(
    el: &Element,
    name: &str,
    urls: &UrlContext<'_>,
    out: &mut impl FnMut(Resource),
) {
    let mut add = |value: Option<&str>, kind: ResourceKind| {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return;
        };
        if let Some(url) = urls.resolve(value) {
            out(Resource {
                insecure: url.scheme() == "http",
                url: url.into(),
                kind,
            });
        }
    };
    match name {
        "script" => add(el.attr("src"), ResourceKind::Script),
        "link" if rel_tokens(el.attr("rel")).iter().any(|r| r == "stylesheet") => {
            add(el.attr("href"), ResourceKind::Stylesheet);
        }
        "img" | "source" => {
            let kind = if name == "img" {
                ResourceKind::Image
            } else {
                ResourceKind::Source
            };
            add(el.attr("src"), kind);
            for candidate in el
                .attr("srcset")
                .map(srcset_candidates)
                .into_iter()
                .flatten()
            {
                add(Some(candidate), kind);
            }
        }
        "iframe" => add(el.attr("src"), ResourceKind::Iframe),
        "video" | "audio" => {
            add(el.attr("src"), ResourceKind::Media);
            add(el.attr("poster"), ResourceKind::Media);
        }
        "embed" => add(el.attr("src"), ResourceKind::Embed),
        "object" => add(el.attr("data"), ResourceKind::Object),
        _ => {}
    }
}

pub(super) fn form(el: &Element, urls: &UrlContext<'_>) -> Form {
    let action = el.attr("action").map(str::trim).filter(|a| !a.is_empty());
    let action = match action {
        Some(a) => urls.resolve(a).map(String::from),
        None => urls.page.as_ref().map(|p| p.as_str().to_owned()),
    };
    let method = el
        .attr("method")
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    Form {
        action,
        method: method.unwrap_or_else(|| "get".to_owned()),
    }
}

/// Whether a `<script>` carries JSON-LD (`type` is `application/ld+json`, parameters allowed).
pub(super) fn is_json_ld(el: &Element) -> bool {
    el.attr("type")
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
}

/// Parses a JSON-LD block and lists every `@type` in it, walking the value without recursion.
pub(super) fn json_ld(raw: &str) -> JsonLd {
    let kept = prefix_at_boundary(raw, MAX_JSON_LD_RAW).to_owned();
    match serde_json::from_str::<serde_json::Value>(raw) {
        Err(e) => JsonLd {
            raw: kept,
            types: Vec::new(),
            error: Some(e.to_string()),
        },
        Ok(value) => {
            let mut types = Vec::new();
            let mut stack = vec![&value];
            while let Some(v) = stack.pop() {
                match v {
                    serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
                    serde_json::Value::Object(map) => {
                        match map.get("@type") {
                            Some(serde_json::Value::String(t)) => types.push(t.clone()),
                            Some(serde_json::Value::Array(ts)) => {
                                types.extend(
                                    ts.iter().filter_map(|t| t.as_str().map(str::to_owned)),
                                );
                            }
                            _ => {}
                        }
                        stack.extend(
                            map.iter()
                                .filter(|(k, _)| *k != "@type")
                                .map(|(_, v)| v)
                                .rev(),
                        );
                    }
                    _ => {}
                }
            }
            JsonLd {
                raw: kept,
                types,
                error: None,
            }
        }
    }
}

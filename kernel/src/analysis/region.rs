//! The pre-pass that must finish before the main walk: the main region (section 4.1), the document base
//! (the first `<base href>` applies to every URL, even ones written before it) and `<html lang>`.

use super::model::MainSource;
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use html5ever::ns;
use scraper::{Html, Node};

pub(super) struct Landmarks {
    pub region: Option<NodeId>,
    pub source: MainSource,
    pub base_href: Option<String>,
    pub html_lang: Option<String>,
}

/// Finds the region: the first `<main>`; else the only `<article>` if there is exactly one; else the first
/// element with `role="main"`; else `<body>`. Template contents and SVG are not part of the document.
pub(super) fn landmarks(html: &Html) -> Landmarks {
    let mut first_main = None;
    let mut articles = 0u32;
    let mut first_article = None;
    let mut first_role_main = None;
    let mut body = None;
    let mut base_href = None;
    let mut html_lang = None;
    let mut skipped_depth = 0u32;
    for edge in html.tree.root().traverse() {
        let (node, opening) = match edge {
            Edge::Open(n) => (n, true),
            Edge::Close(n) => (n, false),
        };
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name();
        let skips = matches!(name, "template" | "svg");
        if !opening {
            if skips {
                skipped_depth = skipped_depth.saturating_sub(1);
            }
            continue;
        }
        if skipped_depth > 0 || skips {
            skipped_depth += u32::from(skips);
            continue;
        }
        if el.name.ns != ns!(html) {
            continue;
        }
        match name {
            "html" if html_lang.is_none() => html_lang = el.attr("lang").map(str::to_owned),
            "base" if base_href.is_none() => base_href = el.attr("href").map(str::to_owned),
            "body" if body.is_none() => body = Some(node.id()),
            "main" if first_main.is_none() => first_main = Some(node.id()),
            "article" => {
                articles += 1;
                first_article.get_or_insert(node.id());
            }
            _ => {}
        }
        if first_role_main.is_none()
            && el
                .attr("role")
                .is_some_and(|r| r.split_whitespace().any(|t| t.eq_ignore_ascii_case("main")))
        {
            first_role_main = Some(node.id());
        }
    }
    let (region, source) = if let Some(id) = first_main {
        (Some(id), MainSource::Main)
    } else if articles == 1 {
        (first_article, MainSource::Article)
    } else if let Some(id) = first_role_main {
        (Some(id), MainSource::RoleMain)
    } else {
        (body, MainSource::Body)
    };
    Landmarks {
        region,
        source,
        base_href,
        html_lang,
    }
}

//! WordPress specifics of seo-rules.md section 1.1: the generation B content normalisation (comments,
//! shortcodes, the wpautop paragraph rule) and the Yoast title template resolution.
//!
//! The normalisation is defined textually by the spec (it mirrors what WordPress does before a theme prints
//! the content), so these steps are small hand scanners over the raw text; real parsing happens afterwards.

use super::text::collapse;

/// Block-level tags of the paragraph rule (sorted for binary search).
const AUTOP_BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Steps 1–3 of the generation B normalisation; the result is parsed as the children of `<body>`.
pub(super) fn normalize_content(raw: &str) -> String {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = remove_comments(&text);
    let text = remove_shortcodes(&text);
    autop(&text)
}

/// Step 1: drops every `<!-- … -->` (an unterminated comment runs to the end), which removes Gutenberg's
/// block delimiters.
fn remove_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start + 4..].find("-->") {
            Some(end) => rest = &rest[start + 4 + end + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Step 2: drops `[name …]` and `[/name]` tags whose name starts with a letter and continues with letters,
/// digits, `_` or `-`; text between an opening and a closing shortcode stays.
fn remove_shortcodes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let candidate = &rest[open..];
        match shortcode_len(candidate) {
            Some(len) => rest = &candidate[len..],
            None => {
                out.push('[');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The byte length of the shortcode tag at the start of `s` (which starts with `[`), if it is one.
fn shortcode_len(s: &str) -> Option<usize> {
    let body = s[1..].strip_prefix('/').unwrap_or(&s[1..]);
    let mut chars = body.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_alphabetic() {
        return None;
    }
    let name_end = chars
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map_or(body.len(), |(i, _)| i);
    let after = &body[name_end..];
    if !(after.starts_with(']') || after.starts_with('/') || after.starts_with(char::is_whitespace))
    {
        return None;
    }
    // Attributes run to the first `]`; a tag never spans a blank line, which bounds the scan.
    let close = after.find(']')?;
    if after[..close].contains("\n\n") {
        return None;
    }
    Some(s.len() - after.len() + close + 1)
}

/// Step 3: the paragraph rule. Blank lines go before every opening and after every closing block-level tag
/// (and after `<hr>`, which has no closing tag, as WordPress does); chunks between blank lines that do not
/// start with a block-level tag are wrapped in `<p>`, with their single newlines turned into `<br>`.
fn autop(text: &str) -> String {
    let mut spaced = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        spaced.push_str(&rest[..lt]);
        let tag = &rest[lt..];
        match block_tag(tag) {
            Some((len, closing, name)) => {
                if !closing {
                    spaced.push_str("\n\n");
                }
                spaced.push_str(&tag[..len]);
                if closing || name == "hr" {
                    spaced.push_str("\n\n");
                }
                rest = &tag[len..];
            }
            None => {
                spaced.push('<');
                rest = &tag[1..];
            }
        }
    }
    spaced.push_str(rest);

    let mut out = String::with_capacity(spaced.len() + 64);
    for chunk in split_blank_lines(&spaced) {
        if block_tag(chunk).is_some() {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>\n"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

/// Chunks separated by blank lines (a newline, optional white space, a newline), trimmed, empty ones dropped.
fn split_blank_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut chunks = Vec::new();
    let mut chunk_start = 0;
    let mut line_start = 0;
    for (i, c) in text.char_indices() {
        if c != '\n' {
            continue;
        }
        let line = &text[line_start..i];
        if line.trim().is_empty() && line_start > chunk_start {
            chunks.push(&text[chunk_start..line_start]);
            chunk_start = i + 1;
        } else if line.trim().is_empty() {
            chunk_start = i + 1;
        }
        line_start = i + 1;
    }
    chunks.push(&text[chunk_start..]);
    chunks.into_iter().map(str::trim).filter(|c| !c.is_empty())
}

/// If `s` starts with a block-level tag (`<div …>`, `</p>`, `<hr/>`): its length up to and including `>`,
/// whether it is a closing tag, and its lowercased name.
fn block_tag(s: &str) -> Option<(usize, bool, String)> {
    let after_lt = s.strip_prefix('<')?;
    let (closing, name_start) = match after_lt.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, after_lt),
    };
    let name_len = name_start
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(name_start.len());
    let name = name_start[..name_len].to_ascii_lowercase();
    AUTOP_BLOCKS.binary_search(&name.as_str()).ok()?;
    let next = name_start[name_len..].chars().next()?;
    if !(next == '>' || next == '/' || next.is_whitespace()) {
        return None;
    }
    let gt = s.find('>')?;
    Some((gt + 1, closing, name))
}

/// Variables of a title template with their values.
pub(super) struct TitleVars<'a> {
    pub title: &'a str,
    pub site_name: &'a str,
    pub separator: &'a str,
    pub site_description: &'a str,
    pub excerpt: &'a str,
}

const DEFAULT_TEMPLATE: &str = "%%title%% %%page%% %%sep%% %%sitename%%";

/// Resolves a Yoast title template (section 1.1): known variables are replaced, every other `%%name%%` and
/// any `{{name}}` stay and are returned as leftovers; white space is collapsed. Empty post title and empty
/// template give an empty title.
pub(super) fn resolve_title(template: &str, vars: &TitleVars<'_>) -> (String, Vec<String>) {
    if template.trim().is_empty() && vars.title.trim().is_empty() {
        return (String::new(), Vec::new());
    }
    let template = if template.trim().is_empty() {
        DEFAULT_TEMPLATE
    } else {
        template
    };
    let separator = if vars.separator.trim().is_empty() {
        "-"
    } else {
        vars.separator
    };
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find("%%") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let name_len = after.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
        match name_len {
            Some(len) if len > 0 && after[len..].starts_with("%%") => {
                let value = match &after[..len] {
                    "title" => Some(vars.title),
                    "sitename" => Some(vars.site_name),
                    "sep" => Some(separator),
                    "sitedesc" => Some(vars.site_description),
                    "excerpt" => Some(vars.excerpt),
                    "page" | "pagenumber" | "pagetotal" => Some(""),
                    _ => None,
                };
                match value {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + len + 2]),
                }
                rest = &after[len + 2..];
            }
            _ => {
                out.push_str("%%");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let title = collapse(&out);
    let leftovers = leftovers(&title);
    (title, leftovers)
}

/// Unresolved `%%name%%` and `{{name}}` variables in a resolved title, in order of appearance.
pub(super) fn leftovers(title: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    for (open, close) in [("%%", "%%"), ("{{", "}}")] {
        let mut offset = 0;
        while let Some(start) = title[offset..].find(open) {
            let begin = offset + start;
            let inner_start = begin + open.len();
            let Some(end) = title[inner_start..].find(close) else {
                break;
            };
            let inner = &title[inner_start..inner_start + end];
            let plausible =
                !inner.trim().is_empty() && inner.len() <= 64 && !inner.contains(['{', '}', '%']);
            if plausible && (open == "{{" || !inner.contains(char::is_whitespace)) {
                found.push((
                    begin,
                    title[begin..inner_start + end + close.len()].to_owned(),
                ));
                offset = inner_start + end + close.len();
            } else {
                offset = inner_start;
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests;

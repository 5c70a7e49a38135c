//! The plugin's page-sync payload (api.md §9.1): alias and `meta` preparation, field validation with the three
//! input states (absent keeps the stored value, `null` resets, a value is validated), and the resulting
//! [`PageWrite`].

use crate::db::{PageWrite, SiteId, Val, title_search_text};
use crate::http::ApiError;
use crate::http::validate::{Fields, Input, NOT_NULL, Str};
use serde_json::{Map, Value};

/// Keys whose presence marks a generation-C payload: its `content` is plain text.
const PLAIN_TEXT_MARKERS: [&str; 4] = [
    "page_builder",
    "headings_extracted",
    "links_extracted",
    "faq_questions",
];

/// Page `content` cap (security.md IN-3: 5 MiB).
const CONTENT_MAX_CHARS: usize = 5 * 1024 * 1024;

/// Applies the plugin-C aliases and flattens `meta` into absent top-level fields.
pub fn prepare(mut body: Map<String, Value>) -> Map<String, Value> {
    for (alias, main) in [("type", "post_type"), ("modified", "modified_at")] {
        if !body.contains_key(main)
            && let Some(value) = body.get(alias).cloned()
        {
            body.insert(main.into(), value);
        }
    }
    let Some(Value::Object(meta)) = body.get("meta").cloned() else {
        return body;
    };
    let sources: [(&str, &[&str]); 4] = [
        ("yoast_title", &["yoast_title", "_yoast_wpseo_title"]),
        (
            "yoast_description",
            &["yoast_description", "_yoast_wpseo_metadesc"],
        ),
        ("featured_image", &["featured_image"]),
        (
            "focus_keyphrase",
            &["focus_keyphrase", "_yoast_wpseo_focuskw"],
        ),
    ];
    for (target, keys) in sources {
        if body.contains_key(target) {
            continue;
        }
        if let Some(value) = keys
            .iter()
            .filter_map(|k| meta.get(*k))
            .find(|v| !v.is_null())
        {
            body.insert(target.into(), value.clone());
        }
    }
    if !body.contains_key("is_noindex") {
        let value = ["_yoast_wpseo_meta-robots-noindex", "is_noindex"]
            .iter()
            .filter_map(|k| meta.get(*k))
            .find(|v| !v.is_null() && v.as_str() != Some(""));
        if let Some(value) = value {
            body.insert("is_noindex".into(), Value::Bool(meta_noindex(value)));
        }
    }
    body
}

/// `true`, `1`, `"1"`, `"true"`, `"yes"` (any case) mean noindex; Yoast's `"2"` (forced index) does not.
fn meta_noindex(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_i64() == Some(1),
        Value::String(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"),
        _ => false,
    }
}

/// Canonical text of a `wp_post_id`: digits become their integer text (`"042"` -> `"42"`), other strings are
/// kept when they are 1-50 characters of `[A-Za-z0-9_.:-]`.
pub fn canonical_wp_post_id(value: &Value) -> Result<String, &'static str> {
    const INVALID: &str = "A valid integer or post identifier is required.";
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) if (1..=2_147_483_647).contains(&i) => Ok(i.to_string()),
            Some(_) => Err("Ensure this value is between 1 and 2147483647."),
            None => Err(INVALID),
        },
        Value::String(s) => {
            let s = s.trim();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                let digits = s.trim_start_matches('0');
                return match digits.parse::<i64>() {
                    Ok(i) if (1..=2_147_483_647).contains(&i) => Ok(i.to_string()),
                    _ => Err("Ensure this value is between 1 and 2147483647."),
                };
            }
            let ok = (1..=50).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b));
            if ok { Ok(s.to_string()) } else { Err(INVALID) }
        }
        _ => Err(INVALID),
    }
}

/// Slug sanitising: lowercase and trim, runs outside `[a-z0-9_%-]` become one `-`, at most 500, `"page"` if empty.
pub fn sanitize_slug(raw: &str) -> String {
    let lower = raw.trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut in_run = false;
    for ch in lower.chars() {
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '_' | '%' | '-') {
            out.push(ch);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    let cut: String = out.chars().take(500).collect();
    if cut.is_empty() { "page".into() } else { cut }
}

/// The slug a page gets from its URL: the sanitised last non-empty path segment.
pub fn slug_from_url(url: &str) -> String {
    let path = url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    sanitize_slug(path.split('/').rfind(|s| !s.is_empty()).unwrap_or(""))
}

/// Validates a prepared sync body into a write for `site`.
pub fn validate(body: &Map<String, Value>, site: SiteId) -> Result<PageWrite, ApiError> {
    let mut f = Fields::new(body);
    let wp_post_id = match body.get("wp_post_id") {
        None => {
            f.errors.add("wp_post_id", crate::http::validate::REQUIRED);
            None
        }
        Some(Value::Null) => {
            f.errors.add("wp_post_id", NOT_NULL);
            None
        }
        Some(value) => canonical_wp_post_id(value)
            .map_err(|message| f.errors.add("wp_post_id", message))
            .ok(),
    };
    let url = f.url("url", true, false).value();
    let title = f.string("title", Str::max(500).required());

    // Columns present in the request, in the field table's order; `null` gives the documented reset value.
    let mut set: Vec<(&'static str, Val)> = Vec::new();
    let text = |input: Input<String>, lower: bool| -> Option<Val> {
        match input {
            Input::Absent => None,
            Input::Null => Some(Val::Text(String::new())),
            Input::Value(v) => Some(Val::Text(if lower { v.to_lowercase() } else { v })),
        }
    };
    if let Some(v) = text(
        f.string("content", Str::max(CONTENT_MAX_CHARS).nullable().raw()),
        false,
    ) {
        set.push(("content", v));
    }
    if let Some(v) = text(f.string("excerpt", Str::max(65535).nullable().raw()), false) {
        set.push(("excerpt", v));
    }
    for (name, max) in [("status", 20), ("post_type", 50)] {
        if let Input::Value(v) = f.string(name, Str::max(max).min(1)) {
            if v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                set.push((name, Val::Text(v.to_lowercase())));
            } else {
                f.errors
                    .add(name, "Enter a valid value of letters, digits, '_' or '-'.");
            }
        }
    }
    for name in ["published_at", "modified_at"] {
        match f.datetime(name, false, true) {
            Input::Value(ts) => set.push((name, Val::Time(Some(ts)))),
            Input::Null => set.push((name, Val::Time(None))),
            Input::Absent => {}
        }
    }
    let slug = f.string("slug", Str::max(500).nullable());
    match f.integer("parent_id", 0, i64::MAX, false, true) {
        Input::Value(v) => set.push(("parent_id", Val::OptInt(Some(v)))),
        Input::Null => set.push(("parent_id", Val::OptInt(None))),
        Input::Absent => {}
    }
    match f.integer(
        "menu_order",
        i64::from(i32::MIN),
        i64::from(i32::MAX),
        false,
        true,
    ) {
        Input::Value(v) => set.push(("menu_order", Val::Int(v))),
        Input::Null => set.push(("menu_order", Val::Int(0))),
        Input::Absent => {}
    }
    for (name, max) in [
        ("yoast_title", 500),
        ("yoast_description", 5000),
        ("focus_keyphrase", 255),
    ] {
        if let Some(v) = text(f.string(name, Str::max(max).nullable()), false) {
            set.push((name, v));
        }
    }
    if body.get("featured_image") == Some(&Value::Bool(false)) {
        set.push(("featured_image", Val::Text(String::new())));
    } else if let Some(v) = text(f.string("featured_image", Str::max(2048).nullable()), false) {
        set.push(("featured_image", v));
    }
    let mut is_homepage = None;
    for name in ["is_noindex", "is_homepage"] {
        let value = match f.boolean(name, false, true) {
            Input::Value(b) => Some(b),
            Input::Null => Some(false),
            Input::Absent => None,
        };
        if let Some(b) = value {
            set.push((name, Val::Bool(b)));
            if name == "is_homepage" {
                is_homepage = Some(b);
            }
        }
    }
    for (name, max) in [("author", 255), ("page_builder", 50)] {
        if let Some(v) = text(f.string(name, Str::max(max).nullable()), false) {
            set.push((name, v));
        }
    }
    for (name, cap) in [
        ("headings_extracted", 2000),
        ("links_extracted", 10_000),
        ("faq_questions", 1000),
    ] {
        if let Some(items) = array_field(&mut f, name, cap) {
            set.push((name, Val::Json(Value::Array(items))));
        }
    }
    f.finish()?;
    let (Some(wp_post_id), Some(url), Input::Value(title)) = (wp_post_id, url, title) else {
        return Err(ApiError::internal());
    };

    let content_format = if PLAIN_TEXT_MARKERS.iter().any(|k| body.contains_key(*k)) {
        Some("text")
    } else if body.contains_key("content") {
        Some("html")
    } else {
        None
    };
    if let Some(format) = content_format {
        set.push(("content_format", Val::Text(format.into())));
    }
    let derived_slug = slug_from_url(&url);
    let mut insert = vec![
        ("url", Val::Text(url.clone())),
        ("title_search", Val::Text(title_search_text(&title))),
        ("title", Val::Text(title)),
    ];
    let mut update = insert.clone();
    match slug {
        Input::Value(s) => {
            let s = sanitize_slug(&s);
            insert.push(("slug", Val::Text(s.clone())));
            update.push(("slug", Val::Text(s)));
        }
        Input::Null => {
            insert.push(("slug", Val::Text(derived_slug.clone())));
            update.push(("slug", Val::Text(derived_slug)));
        }
        Input::Absent => insert.push(("slug", Val::Text(derived_slug))),
    }
    insert.extend(set.iter().cloned());
    update.extend(set);
    Ok(PageWrite {
        site_id: site,
        wp_post_id,
        insert,
        update,
        is_homepage,
    })
}

/// An array field: `{}` counts as `[]`, other non-arrays are a 400, items of the wrong shape and items beyond
/// the cap are dropped, numbers where strings are expected become text.
fn array_field(f: &mut Fields<'_>, name: &str, cap: usize) -> Option<Vec<Value>> {
    let items = match f.get(name)? {
        Value::Null => return Some(Vec::new()),
        Value::Object(map) if map.is_empty() => return Some(Vec::new()),
        Value::Array(items) => items,
        other => {
            let kind = crate::http::validate::type_name(other);
            f.errors.add(
                name,
                &format!("Expected a list of items but got type \"{kind}\"."),
            );
            return None;
        }
    };
    let as_text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let cleaned = items.iter().filter_map(|item| match name {
        "headings_extracted" => {
            let level = item
                .get("level")
                .and_then(crate::http::validate::as_integer_value)?;
            let text = as_text(item.get("text"))?;
            (1..=6)
                .contains(&level)
                .then(|| serde_json::json!({ "level": level, "text": text }))
        }
        "links_extracted" => {
            let href = as_text(item.get("href"))?;
            let text = as_text(item.get("text")).unwrap_or_default();
            let internal = item
                .get("is_internal")
                .and_then(crate::http::validate::as_bool_value)?;
            Some(serde_json::json!({ "text": text, "href": href, "is_internal": internal }))
        }
        _ => as_text(Some(item)).map(Value::String),
    });
    Some(cleaned.take(cap).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wp_post_ids_are_canonical_text() {
        assert_eq!(canonical_wp_post_id(&json!(42)), Ok("42".into()));
        assert_eq!(canonical_wp_post_id(&json!("042")), Ok("42".into()));
        assert_eq!(canonical_wp_post_id(&json!("term_7")), Ok("term_7".into()));
        for bad in [
            json!(true),
            json!(1.5),
            json!({}),
            json!(""),
            json!("a b"),
            json!(0),
            json!(2_147_483_648_i64),
        ] {
            assert!(canonical_wp_post_id(&bad).is_err(), "{bad}");
        }
        // Canonicalisation is idempotent.
        for v in ["42", "term_7", "0042"] {
            let once = canonical_wp_post_id(&json!(v)).unwrap();
            assert_eq!(canonical_wp_post_id(&json!(once.clone())).unwrap(), once);
        }
    }

    #[test]
    fn slugs_are_sanitised() {
        assert_eq!(sanitize_slug("Our Services!"), "our-services-");
        assert_eq!(sanitize_slug("  "), "page");
        assert_eq!(
            slug_from_url("https://acme.example/services/drain-cleaning/"),
            "drain-cleaning"
        );
        assert_eq!(slug_from_url("https://acme.example/"), "page");
    }

    #[test]
    fn meta_is_flattened_into_absent_fields_only() {
        let body = json!({"type":"post","meta":{"_yoast_wpseo_title":"T","yoast_description":"D","_yoast_wpseo_meta-robots-noindex":"2"},"yoast_title":"kept"});
        let prepared = prepare(body.as_object().unwrap().clone());
        assert_eq!(prepared["post_type"], "post");
        assert_eq!(prepared["yoast_title"], "kept");
        assert_eq!(prepared["yoast_description"], "D");
        assert_eq!(
            prepared["is_noindex"], false,
            "Yoast's \"2\" means forced index"
        );
        let body = json!({"meta":{"_yoast_wpseo_meta-robots-noindex":"1"}});
        assert_eq!(
            prepare(body.as_object().unwrap().clone())["is_noindex"],
            true
        );
        let body = json!({"meta":[]});
        assert!(!prepare(body.as_object().unwrap().clone()).contains_key("is_noindex"));
    }
}

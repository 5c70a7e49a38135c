//! The plugin's SEO-data body (api.md §9.2): measured inputs only; scores a client sends are ignored.

use crate::http::ApiError;
use crate::http::validate::{Fields, Input, Str, valid_url};
use serde_json::{Map, Value, json};

/// Validates the body into the metrics to merge into the stored record (only the fields sent).
pub fn validate(body: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let mut f = Fields::new(body);
    let mut out = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(v) = value {
            out.insert(name.to_string(), v);
        }
    };
    for (name, max) in [
        ("meta_title", 500),
        ("meta_description", 5000),
        ("meta_keywords", 500),
        ("h1_text", 500),
    ] {
        put(
            name,
            f.string(name, Str::max(max)).value().map(Value::String),
        );
    }
    for name in [
        "h1_count",
        "h2_count",
        "h3_count",
        "internal_links_count",
        "external_links_count",
        "images_count",
        "images_without_alt",
        "word_count",
    ] {
        put(
            name,
            f.integer(name, 0, 10_000_000, false, false)
                .value()
                .map(Value::from),
        );
    }
    for (name, items, len) in [
        ("h2_texts", 1000, 1000),
        ("h3_texts", 1000, 1000),
        ("internal_links", 10_000, 2048),
        ("external_links", 10_000, 2048),
    ] {
        put(
            name,
            f.string_list(name, items, len).value().map(Value::from),
        );
    }
    put("images", images(&mut f));
    put(
        "reading_time_minutes",
        f.number("reading_time_minutes", 0.0, 100_000.0, false, false)
            .value()
            .map(Value::from),
    );
    for name in ["has_canonical", "has_schema"] {
        put(name, f.boolean(name, false, false).value().map(Value::from));
    }
    if let Input::Value(url) = f.string("canonical_url", Str::max(2048)) {
        if url.is_empty() || valid_url(&url) {
            put("canonical_url", Some(Value::String(url)));
        } else {
            f.errors.add("canonical_url", "Enter a valid URL.");
        }
    }
    put(
        "schema_type",
        f.string("schema_type", Str::max(100))
            .value()
            .map(Value::String),
    );
    f.finish()?;
    Ok(out)
}

/// `images`: `{src, alt}` items (at most 5000); `alt` absent or null means the image has no alt attribute.
fn images(f: &mut Fields<'_>) -> Option<Value> {
    match f.get("images")? {
        Value::Null => {
            f.errors.add("images", crate::http::validate::NOT_NULL);
            None
        }
        Value::Object(map) if map.is_empty() => Some(json!([])),
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .filter_map(|item| {
                    let src = item.get("src")?.as_str()?;
                    let alt = match item.get("alt") {
                        None | Some(Value::Null) => Value::Null,
                        Some(Value::String(s)) => Value::String(s.clone()),
                        Some(_) => return None,
                    };
                    Some(json!({"src": src, "alt": alt}))
                })
                .take(5000)
                .collect(),
        )),
        other => {
            let kind = crate::http::validate::type_name(other);
            f.errors.add(
                "images",
                &format!("Expected a list of items but got type \"{kind}\"."),
            );
            None
        }
    }
}

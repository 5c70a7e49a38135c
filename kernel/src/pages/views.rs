//! Response shapes of the page routes (api.md §4.4, §4.5, §10.2), built from stored records.

use crate::db::{PageRecord, PageSite, SeoDataRecord};
use crate::time;
use serde_json::{Map, Value, json};

fn ts(t: &Option<chrono::DateTime<chrono::Utc>>) -> Value {
    t.as_ref()
        .map_or(Value::Null, |t| Value::String(time::format(t)))
}

/// `wp_post_id` as a JSON number when its canonical text is all digits, else as a string.
pub fn wp_post_id_value(text: &str) -> Value {
    match text.parse::<i64>() {
        Ok(n) if text.bytes().all(|b| b.is_ascii_digit()) => Value::from(n),
        _ => Value::String(text.to_string()),
    }
}

/// The list form (§4.4).
pub fn list_item(p: &PageRecord) -> Map<String, Value> {
    let value = json!({
        "id": p.id, "site_id": p.site_id, "wp_post_id": wp_post_id_value(&p.wp_post_id), "url": p.url,
        "title": p.title, "slug": p.slug, "status": p.status, "post_type": p.post_type,
        "published_at": ts(&p.published_at), "modified_at": ts(&p.modified_at), "last_synced_at": ts(&p.last_synced_at),
        "seo_score": p.seo_score, "grade": p.grade, "issue_count": p.issue_count, "is_money_page": p.is_money_page,
        "is_noindex": p.is_noindex, "is_homepage": p.is_homepage, "ruleset_revision": p.ruleset_revision,
        "scored_at": ts(&p.scored_at),
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The detail form (§10.2): the list form plus content, SEO fields, the site summary and `seo_data`.
pub fn detail(p: &PageRecord, site: &PageSite, seo: Option<&SeoDataRecord>, staff: bool) -> Value {
    let mut map = list_item(p);
    let extra = json!({
        "site": {"id": site.id, "name": site.name, "url": site.url, "is_active": site.is_active},
        "content": p.content, "content_format": p.content_format, "excerpt": p.excerpt, "parent_id": p.parent_id,
        "menu_order": p.menu_order, "yoast_title": p.yoast_title, "yoast_description": p.yoast_description,
        "focus_keyphrase": p.focus_keyphrase, "featured_image": p.featured_image, "author": p.author,
        "page_builder": p.page_builder, "headings_extracted": p.headings_extracted.0, "links_extracted": p.links_extracted.0,
        "faq_questions": p.faq_questions.0, "created_at": time::format(&p.created_at), "updated_at": time::format(&p.updated_at),
        "seo_data": if p.scored_at.is_none() && seo.is_none() { Value::Null } else { seo_view(p, seo, staff) },
    });
    if let Value::Object(extra) = extra {
        map.extend(extra);
    }
    Value::Object(map)
}

/// The measured fields of the SEO form, in the order of §4.5.
pub const MEASURED_FIELDS: [&str; 22] = [
    "meta_title",
    "meta_description",
    "meta_keywords",
    "focus_keyphrase",
    "h1_count",
    "h1_text",
    "h2_count",
    "h2_texts",
    "h3_count",
    "h3_texts",
    "internal_links_count",
    "external_links_count",
    "internal_links",
    "external_links",
    "images_count",
    "images_without_alt",
    "images",
    "word_count",
    "reading_time_minutes",
    "has_canonical",
    "canonical_url",
    "has_schema",
];

/// The SEO form (§4.5): plugin-sent values win over the server's measurements; scores always come from the
/// server's own scoring.
pub fn seo_view(p: &PageRecord, seo: Option<&SeoDataRecord>, staff: bool) -> Value {
    let measured = p
        .measurements
        .as_ref()
        .map(|m| m.0.clone())
        .unwrap_or(Value::Null);
    let sent = seo.map(|s| &s.metrics.0);
    let mut map = Map::new();
    map.insert("id".into(), seo.map_or(Value::Null, |s| Value::from(s.id)));
    map.insert("page_id".into(), json!(p.id));
    map.insert(
        "source".into(),
        Value::from(if seo.is_some() { "plugin" } else { "server" }),
    );
    for field in MEASURED_FIELDS.iter().chain(["schema_type"].iter()) {
        let value = sent
            .and_then(|m| m.get(*field).cloned())
            .or_else(|| measured.get(*field).cloned())
            .unwrap_or_else(|| default_measure(field));
        map.insert((*field).into(), value);
    }
    let category_scores = p
        .category_scores
        .as_ref()
        .map(|c| c.0.clone())
        .unwrap_or_else(null_categories);
    map.insert("seo_score".into(), json!(p.seo_score));
    map.insert("grade".into(), json!(p.grade));
    map.insert("category_scores".into(), category_scores);
    map.insert("issues".into(), p.issues.0.clone());
    map.insert("recommendations".into(), p.recommendations.0.clone());
    map.insert("ruleset_revision".into(), json!(p.ruleset_revision));
    let (degraded, diagnostics) = diagnostics_view(&p.diagnostics.0, staff);
    // Advisory findings (seo-rules.md §6): kept with the scoring record, never counted as issues.
    let notes = p
        .diagnostics
        .0
        .get("notes")
        .cloned()
        .unwrap_or_else(|| json!([]));
    map.insert("notes".into(), notes);
    map.insert("degraded".into(), degraded);
    map.insert("diagnostics".into(), diagnostics);
    map.insert("scored_at".into(), ts(&p.scored_at));
    map.insert(
        "scanned_at".into(),
        seo.map_or_else(
            || ts(&p.scored_at),
            |s| Value::String(time::format(&s.updated_at)),
        ),
    );
    Value::Object(map)
}

/// `degraded` and the diagnostics of the last scoring (extensions.md §4.7): extension, version, stage and reason
/// for everyone; `detail` (which may quote an extension's standard error) for staff only.
fn diagnostics_view(stored: &Value, staff: bool) -> (Value, Value) {
    let degraded = stored
        .get("degraded")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let items = stored
        .get("items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|d| {
                    let mut shown = json!({"extension": d["extension"], "version": d["version"], "stage": d["stage"],
                                           "reason": d["reason"]});
                    if staff {
                        shown["detail"] = d["detail"].clone();
                    }
                    shown
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    (Value::Bool(degraded), Value::Array(items))
}

/// All five category keys, null.
pub fn null_categories() -> Value {
    json!({"technical": null, "content": null, "structure": null, "performance": null, "onpage": null})
}

fn default_measure(field: &str) -> Value {
    match field {
        f if f.ends_with("_count") || f == "images_without_alt" => json!(0),
        "reading_time_minutes" => json!(0.0),
        "has_canonical" | "has_schema" => json!(false),
        "h2_texts" | "h3_texts" | "internal_links" | "external_links" | "images" => json!([]),
        _ => json!(""),
    }
}

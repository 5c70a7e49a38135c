//! The scan object (api.md §4.9) and the JSON report (§11.5) from a stored scan.

use crate::db::ScanRow;
use serde_json::{Map, Value, json};

const SCORE_FIELDS: [(&str, &str); 5] = [
    ("technical_score", "technical"),
    ("content_score", "content"),
    ("structure_score", "structure"),
    ("performance_score", "performance"),
    ("seo_score", "onpage"),
];
const DETAIL_KEYS: [&str; 5] = [
    "technical_details",
    "content_details",
    "structure_details",
    "performance_details",
    "seo_details",
];

fn time(ts: Option<&chrono::DateTime<chrono::Utc>>) -> Value {
    ts.map_or(Value::Null, |t| Value::String(crate::time::format(t)))
}

/// The scan object of §4.9.
pub fn scan_json(row: &ScanRow) -> Value {
    let completed = row.status == "completed";
    let report = row.report.as_ref().map(|r| &r.0).filter(|_| completed);
    let categories = row
        .category_scores
        .as_ref()
        .map(|c| c.0.clone())
        .filter(|_| completed)
        .unwrap_or_else(crate::pages::views::null_categories);
    let mut out = Map::new();
    out.insert("id".into(), json!(row.id));
    out.insert("site_id".into(), json!(row.site_id.0));
    out.insert("url".into(), json!(row.url));
    out.insert("final_url".into(), json!(row.final_url));
    out.insert("scan_type".into(), json!(row.scan_type));
    out.insert("max_pages".into(), json!(row.max_pages));
    out.insert("status".into(), json!(row.status));
    let score = if completed {
        json!(row.score)
    } else {
        Value::Null
    };
    out.insert("score".into(), score.clone());
    out.insert("overall_score".into(), score);
    out.insert(
        "grade".into(),
        if completed {
            json!(row.grade)
        } else {
            Value::Null
        },
    );
    out.insert("pages_discovered".into(), json!(row.pages_discovered));
    out.insert("pages_analyzed".into(), json!(row.pages_analyzed));
    out.insert("pages_crawled".into(), json!(row.pages_analyzed));
    out.insert(
        "scan_duration_seconds".into(),
        json!(
            row.scan_duration_seconds
                .map(|d| (d * 100.0).round() / 100.0)
        ),
    );
    for (wire, category) in SCORE_FIELDS {
        out.insert(
            wire.into(),
            categories.get(category).cloned().unwrap_or(Value::Null),
        );
    }
    out.insert("category_scores".into(), categories);
    out.insert(
        "results".into(),
        report.map_or(Value::Null, |r| r["results"].clone()),
    );
    out.insert(
        "recommendations".into(),
        report.map_or_else(|| json!([]), |r| r["recommendations"].clone()),
    );
    for key in DETAIL_KEYS {
        out.insert(key.into(), report.map_or(Value::Null, |r| r[key].clone()));
    }
    out.insert("ruleset_revision".into(), json!(row.ruleset_revision));
    out.insert("error_message".into(), json!(row.error_message));
    out.insert("created_at".into(), time(Some(&row.created_at)));
    out.insert("started_at".into(), time(row.started_at.as_ref()));
    out.insert("completed_at".into(), time(row.completed_at.as_ref()));
    Value::Object(out)
}

/// The full report of a completed scan (§11.5).
pub fn report_json(row: &ScanRow) -> Value {
    let report = row
        .report
        .as_ref()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| json!({}));
    let mut out = Map::new();
    out.insert("scan_id".into(), json!(row.id));
    out.insert("url".into(), json!(row.url));
    out.insert("final_url".into(), json!(row.final_url));
    out.insert("scan_type".into(), json!(row.scan_type));
    out.insert("score".into(), json!(row.score));
    out.insert("overall_score".into(), json!(row.score));
    out.insert("grade".into(), json!(row.grade));
    out.insert("pages_analyzed".into(), json!(row.pages_analyzed));
    out.insert(
        "scan_duration_seconds".into(),
        json!(
            row.scan_duration_seconds
                .map(|d| (d * 100.0).round() / 100.0)
        ),
    );
    out.insert("completed_at".into(), time(row.completed_at.as_ref()));
    out.insert("ruleset_revision".into(), json!(row.ruleset_revision));
    out.insert(
        "category_scores".into(),
        row.category_scores
            .as_ref()
            .map_or(Value::Null, |c| c.0.clone()),
    );
    for key in [
        "results",
        "recommendations",
        "site_issues",
        "pages",
        "keyword_cannibalization",
        "keyword_cannibalization_details",
        "scan_summary",
        "educational_explanation",
        "locked_recommendations",
    ] {
        out.insert(key.into(), report.get(key).cloned().unwrap_or(Value::Null));
    }
    out.insert(
        "upgrade_cta".into(),
        json!({"label": "Get the full report", "scan_id_param": row.id}),
    );
    Value::Object(out)
}

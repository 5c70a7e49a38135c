//! The scan report for people (api.md §11.6): one self-contained page with inline CSS, an SVG score gauge and
//! category bars, no scripts and no external resources, readable on a phone. Every text that came from the
//! scanned site is HTML-escaped.

use serde_json::Value;
use std::fmt::Write as _;

const CATEGORIES: [(&str, &str); 5] = [
    ("technical", "Technical SEO"),
    ("content", "Content Quality"),
    ("structure", "Site Structure"),
    ("performance", "Performance"),
    ("onpage", "SEO Factors"),
];

/// Escapes text for element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => escape(s),
        Value::Null => "–".into(),
        other => escape(&other.to_string()),
    }
}

/// Band colour of a score (seo-rules §2.7: good >= 80, needs work 50–79, poor < 50).
fn colour(score: Option<i64>) -> &'static str {
    match score {
        Some(80..) => "#1a7f37",
        Some(50..=79) => "#b35900",
        Some(_) => "#c62828",
        None => "#8a8f98",
    }
}

/// The half-ring gauge: a grey track and a coloured arc proportional to the score.
fn gauge(score: i64, grade: &str) -> String {
    let pct = score.clamp(0, 100) as f64 / 100.0;
    let angle = std::f64::consts::PI * (1.0 - pct);
    let (x, y) = (100.0 + 80.0 * angle.cos(), 100.0 - 80.0 * angle.sin());
    let arc = if score > 0 {
        format!(
            r#"<path d="M20 100 A80 80 0 0 1 {x:.2} {y:.2}" fill="none" stroke="{}" stroke-width="18" stroke-linecap="round"/>"#,
            colour(Some(score))
        )
    } else {
        String::new()
    };
    format!(
        r##"<svg class="gauge" viewBox="0 0 200 120" role="img" aria-label="Score {score} out of 100, grade {g}"><path d="M20 100 A80 80 0 0 1 180 100" fill="none" stroke="#e3e6ea" stroke-width="18" stroke-linecap="round"/>{arc}<text x="100" y="92" text-anchor="middle" class="num">{score}</text><text x="100" y="114" text-anchor="middle" class="grade">Grade {g}</text></svg>"##,
        g = escape(grade)
    )
}

fn bars(categories: &Value) -> String {
    let mut out = String::from(
        r#"<svg class="bars" viewBox="0 0 320 170" role="img" aria-label="Category scores">"#,
    );
    for (i, (id, label)) in CATEGORIES.iter().enumerate() {
        let score = categories[*id].as_i64();
        let y = 10 + i as i64 * 32;
        let width = score.map_or(0, |s| s.clamp(0, 100) * 2);
        let _ = write!(
            out,
            r##"<text x="0" y="{ty}" class="lbl">{label}</text><rect x="110" y="{y}" width="200" height="14" rx="7" fill="#e3e6ea"/><rect x="110" y="{y}" width="{width}" height="14" rx="7" fill="{c}"/><text x="316" y="{ty}" text-anchor="end" class="val">{v}</text>"##,
            ty = y + 12,
            c = colour(score),
            v = score.map_or("n/a".to_string(), |s| s.to_string()),
        );
    }
    out.push_str("</svg>");
    out
}

const STYLE: &str = "*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;\
color:#1f2328;background:#f6f8fa}main{max-width:880px;margin:0 auto;padding:16px}header,section{background:#fff;\
border:1px solid #d0d7de;border-radius:12px;padding:16px;margin:0 0 16px}h1{font-size:1.4rem;margin:0 0 4px}\
h2{font-size:1.1rem;margin:0 0 12px}.url{word-break:break-all;color:#57606a;margin:0}.top{display:flex;flex-wrap:wrap;\
gap:16px;align-items:center}.gauge{width:220px;max-width:100%}.bars{width:340px;max-width:100%}.num{font-size:40px;\
font-weight:700;fill:#1f2328}.grade{font-size:14px;fill:#57606a}.lbl,.val{font-size:13px;fill:#1f2328}ol,ul{padding-left:20px;\
margin:0}li{margin:0 0 10px}.tag{display:inline-block;font-size:12px;border-radius:10px;padding:0 8px;margin-right:6px;\
background:#eaeef2}.high{background:#ffebe9;color:#a40e26}.medium{background:#fff8c5;color:#7d4e00}.low{background:#ddf4ff;\
color:#0550ae}.critical{background:#a40e26;color:#fff}table{width:100%;border-collapse:collapse;font-size:14px}\
th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #eaeef2;vertical-align:top}td.u{word-break:break-all}\
.scroll{overflow-x:auto}.muted{color:#57606a}";

/// The whole page for a completed scan: `report` is the §11.5 object, `scan` the §4.9 object.
pub fn render(report: &Value, scan: &Value) -> String {
    let score = report["score"].as_i64().unwrap_or(0);
    let grade = report["grade"].as_str().unwrap_or("F");
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>SEO report for {url} – Siloq</title><style>{STYLE}</style></head><body><main><header><h1>SEO report</h1><p class="url">{url}</p><p class="muted">Scanned {date} · {pages} pages analysed · {kind} scan</p></header>"#,
        url = text(&report["url"]),
        date = text(&report["completed_at"]),
        pages = text(&report["pages_analyzed"]),
        kind = text(&report["scan_type"]),
    );
    let _ = write!(
        h,
        r#"<section><h2>Overall score: {score} ({g})</h2><div class="top">{gauge}{bars}</div></section>"#,
        g = escape(grade),
        gauge = gauge(score, grade),
        bars = bars(&scan["category_scores"]),
    );
    h.push_str("<section><h2>Recommendations</h2>");
    let recs = report["recommendations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if recs.is_empty() {
        h.push_str(r#"<p class="muted">Nothing to fix: no rule fired.</p>"#);
    } else {
        h.push_str("<ol>");
        for r in &recs {
            let priority = r["priority"].as_str().unwrap_or("low");
            let _ = write!(
                h,
                r#"<li><span class="tag {p}">{p}</span><strong>{msg}</strong><br>{action} <span class="muted">(+{impact} points)</span></li>"#,
                p = escape(priority),
                msg = text(&r["message"]),
                action = text(&r["action"]),
                impact = text(&r["impact"]),
            );
        }
        h.push_str("</ol>");
    }
    h.push_str("</section><section><h2>Site issues</h2>");
    let site_issues = report["site_issues"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if site_issues.is_empty() {
        h.push_str(r#"<p class="muted">No site-wide issue was found.</p>"#);
    } else {
        h.push_str("<ul>");
        for i in &site_issues {
            let _ = write!(
                h,
                r#"<li><span class="tag {s}">{s}</span>{msg}</li>"#,
                s = escape(i["severity"].as_str().unwrap_or("low")),
                msg = text(&i["message"]),
            );
        }
        h.push_str("</ul>");
    }
    h.push_str(r#"</section><section><h2>Pages</h2><div class="scroll"><table><thead><tr><th>URL</th><th>Status</th><th>Score</th><th>Issues</th></tr></thead><tbody>"#);
    for p in report["pages"].as_array().into_iter().flatten() {
        let _ = write!(
            h,
            r#"<tr><td class="u">{u}</td><td>{s}</td><td>{score} {g}</td><td>{n}</td></tr>"#,
            u = text(&p["url"]),
            s = text(&p["status_code"]),
            score = text(&p["seo_score"]),
            g = text(&p["grade"]),
            n = text(&p["issue_count"]),
        );
    }
    h.push_str(r#"</tbody></table></div></section><p class="muted">Generated by Siloq.</p></main></body></html>"#);
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn site_text_is_escaped_and_nothing_external_is_referenced() {
        let report = json!({"url": "https://a.example/<script>alert(1)</script>", "score": 72, "grade": "C",
            "completed_at": "2026-11-26T07:00:18.830000Z", "pages_analyzed": 1, "scan_type": "quick",
            "recommendations": [{"priority": "high", "message": "Title \"<b>\" is long", "action": "Shorten it & more", "impact": 3.4}],
            "site_issues": [], "pages": [{"url": "https://a.example/'x'", "status_code": 200, "seo_score": 72, "grade": "C", "issue_count": 1}]});
        let scan = json!({"category_scores": {"technical": 90, "content": 60, "structure": null, "performance": 40, "onpage": 80}});
        let page = render(&report, &scan);
        assert!(!page.contains("<script"));
        assert!(page.contains("&lt;script&gt;"));
        assert!(page.contains("Title &quot;&lt;b&gt;&quot; is long"));
        assert!(page.contains("Shorten it &amp; more"));
        assert!(page.contains("Overall score: 72 (C)"));
        assert!(
            !page.contains("http://www.w3") && !page.contains("src=") && !page.contains("<link")
        );
    }
}

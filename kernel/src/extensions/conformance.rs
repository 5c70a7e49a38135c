//! The conformance run of an upload (extensions.md §6.2 step 9): the extension runs on the kernel's own inputs
//! under production limits and must finish every call cleanly, return valid output within the caps, stay at or
//! below a quarter of the per-call fuel and half the memory cap, and give the same output and fuel twice on the
//! typical page.
//!
//! The corpus is generated here, deterministically: for rules eight pages (WordPress post, empty WordPress post,
//! typical scanned page, very large scanned page of 2,000 links and 20,000 words, empty document, German page,
//! Arabic right-to-left page, malformed HTML); for scorers finding lists (empty, typical, 200 findings, every
//! blocking kind); for recommenders issue lists (empty, typical, 100 issues).

use super::call::CallOutcome;
use super::diagnostic::{Kind, Reason};
use super::host::ExtensionHost;
use super::load::{LoadError, LoadedExtension};
use super::page::{PageContext, PreparedPage};
use super::validate;
use super::wit::v1_0_0::types::{
    Blocking, Category, CategoryScore, Detail, DetailValue, Finding, ScoreCard, ScoredIssue,
    Severity, SourcedFinding,
};
use crate::analysis::{self, ParseInput};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

/// One input of the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConformanceRun {
    pub input: &'static str,
    pub fuel: Option<u64>,
    pub duration_ms: f64,
    pub peak_memory: usize,
    /// Items returned (findings, recommendations, or points-lost entries).
    pub outputs: usize,
    /// What was wrong with this input's call; `None` when it passed.
    pub problem: Option<String>,
}

/// The validation report: one entry per input.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConformanceReport {
    pub runs: Vec<ConformanceRun>,
}

impl ConformanceReport {
    pub fn passed(&self) -> bool {
        self.runs.iter().all(|r| r.problem.is_none())
    }

    /// The problems, one line each.
    pub fn problems(&self) -> Vec<String> {
        self.runs
            .iter()
            .filter_map(|r| r.problem.as_ref().map(|p| format!("{}: {p}", r.input)))
            .collect()
    }
}

fn words(n: usize, vocabulary: &[&str]) -> String {
    let mut out = String::with_capacity(n * 7);
    for i in 0..n {
        if i > 0 {
            out.push(if i % 12 == 11 { '.' } else { ' ' });
            if i % 12 == 11 {
                out.push(' ');
            }
        }
        out.push_str(vocabulary[(i * 7 + i / 3) % vocabulary.len()]);
    }
    out.push('.');
    out
}

const EN: [&str; 16] = [
    "drain", "cleaning", "water", "pipes", "kitchen", "service", "fast", "local", "the", "and",
    "every", "home", "repair", "quality", "team", "today",
];

fn article(
    lang: &str,
    dir: &str,
    title: &str,
    vocabulary: &[&str],
    paragraphs: usize,
    links: usize,
) -> String {
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"description\" content=\"{}\"><meta name=\"viewport\" content=\"width=device-width\">\
         <link rel=\"canonical\" href=\"https://conformance.example/page/\"></head><body><header><nav>\
         <a href=\"/\">Home</a></nav></header><main><h1>{title}</h1>",
        words(22, vocabulary)
    );
    for p in 0..paragraphs {
        if p % 4 == 0 {
            let _ = write!(html, "<h2>{}</h2>", words(4, vocabulary));
        }
        let _ = write!(html, "<p>{}", words(60, vocabulary));
        if p < links {
            let _ = write!(html, " <a href=\"/page-{p}/\">{}</a>", words(3, vocabulary));
        }
        html.push_str("</p>");
        if p % 5 == 0 {
            let _ = write!(
                html,
                "<img src=\"/img/{p}.jpg\" alt=\"{}\" width=\"640\" height=\"480\">",
                words(4, vocabulary)
            );
        }
    }
    for l in paragraphs..links {
        let _ = write!(
            html,
            "<a href=\"https://other-{}.example/{l}\">link {l}</a> ",
            l % 50
        );
    }
    html.push_str("</main><footer>Footer</footer></body></html>");
    html
}

/// The eight pages of §6.2 step 9, prepared.
pub fn rule_pages() -> Vec<(&'static str, Arc<PreparedPage>)> {
    let scan = |url: &str, html: &str| PreparedPage::from_html(url, html);
    let wordpress = |content: &str, keyphrase: &str| {
        let doc = analysis::parse(&ParseInput {
            post_title: "Drain cleaning",
            seo_description: Some("Fast drain cleaning in Springfield by a local team."),
            focus_keyphrase: keyphrase,
            robots_known: true,
            ..ParseInput::wordpress("https://conformance.example/drain-cleaning/", content)
        });
        PreparedPage::new(
            &doc,
            PageContext {
                page_id: Some(1),
                site_id: Some(1),
                html: Some(content.to_string()),
                ..PageContext::default()
            },
        )
    };
    let post: String = (0..8)
        .map(|i| {
            format!(
                "<h2>Part {i}</h2><p>{} <a href=\"/other-{i}/\">more</a></p>",
                words(50, &EN)
            )
        })
        .collect();
    let de = [
        "der",
        "die",
        "und",
        "Wasser",
        "Rohr",
        "schnell",
        "Reinigung",
        "Küche",
        "Service",
        "heute",
        "jeden",
        "Haus",
    ];
    let ar = [
        "الماء",
        "تنظيف",
        "المطبخ",
        "خدمة",
        "سريع",
        "محلي",
        "كل",
        "منزل",
        "اليوم",
        "فريق",
    ];
    vec![
        ("wordpress-post", wordpress(&post, "drain cleaning")),
        ("wordpress-empty", wordpress("", "")),
        (
            "scan-typical",
            scan(
                "https://conformance.example/page/",
                &article("en", "ltr", "Drain cleaning in Springfield", &EN, 24, 30),
            ),
        ),
        (
            "scan-large",
            scan(
                "https://conformance.example/large/",
                &article("en", "ltr", "A very large page", &EN, 330, 2_000),
            ),
        ),
        ("scan-empty", scan("https://conformance.example/empty/", "")),
        (
            "scan-german",
            scan(
                "https://conformance.example/de/",
                &article("de", "ltr", "Rohrreinigung in Berlin", &de, 20, 12),
            ),
        ),
        (
            "scan-arabic",
            scan(
                "https://conformance.example/ar/",
                &article("ar", "rtl", "تنظيف المجاري", &ar, 20, 12),
            ),
        ),
        (
            "scan-malformed",
            scan(
                "https://conformance.example/broken/",
                "<html><head><title>Broken<body><p>unclosed <b><i>tags</b></i><table><tr><td>cell<h1>heading \
                 in a cell</table><a href=\"javascript:void(0)\">x</a><img><p><<>>&amp;&bogus; <div>",
            ),
        ),
    ]
}

fn finding(i: usize, credit: Option<f32>, blocking: Option<Blocking>) -> SourcedFinding {
    let categories = [
        Category::Technical,
        Category::Content,
        Category::Structure,
        Category::Performance,
        Category::Onpage,
    ];
    let severities = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];
    SourcedFinding {
        extension: "conformance.rules".into(),
        finding: Finding {
            check: format!("conformance.check_{i:03}"),
            category: categories[i % 5],
            severity: if blocking.is_some() {
                Severity::Critical
            } else {
                severities[(i / 5) % 4]
            },
            credit,
            weight: None,
            message: if credit.is_some_and(|c| c < 1.0) {
                format!("Conformance check {i} failed.")
            } else {
                String::new()
            },
            action: Some("Fix it.".into()),
            details: vec![Detail {
                key: "measured".into(),
                value: DetailValue::Integer(i as i64),
            }],
            affected: vec![format!("https://conformance.example/{i}")],
            blocking,
        },
    }
}

/// Finding lists for scorers.
pub fn finding_lists() -> Vec<(&'static str, Vec<SourcedFinding>)> {
    let credit = |i: usize| match i % 4 {
        0 => Some(0.0),
        1 => Some(0.5),
        2 => None,
        _ => Some(1.0),
    };
    let typical: Vec<SourcedFinding> = (0..40).map(|i| finding(i, credit(i), None)).collect();
    let many: Vec<SourcedFinding> = (0..200).map(|i| finding(i, credit(i), None)).collect();
    let mut blocking: Vec<SourcedFinding> = (0..20).map(|i| finding(i, credit(i), None)).collect();
    blocking.push(finding(900, Some(0.0), Some(Blocking::NotIndexable)));
    blocking.push(finding(901, Some(0.0), Some(Blocking::HardFailure)));
    vec![
        ("findings-empty", Vec::new()),
        ("findings-typical", typical),
        ("findings-200", many),
        ("findings-blocking", blocking),
    ]
}

/// Issue lists for recommenders, with the card they come with.
pub fn issue_lists() -> Vec<(&'static str, ScoreCard, Vec<ScoredIssue>)> {
    let card = |score: f32| ScoreCard {
        score,
        categories: [
            Category::Technical,
            Category::Content,
            Category::Structure,
            Category::Performance,
            Category::Onpage,
        ]
        .into_iter()
        .map(|category| CategoryScore {
            category,
            score: Some(score),
        })
        .collect(),
        indexable: true,
    };
    let issues = |n: usize| -> Vec<ScoredIssue> {
        (0..n)
            .map(|i| {
                let s = finding(i, Some(if i % 2 == 0 { 0.0 } else { 0.5 }), None);
                ScoredIssue {
                    extension: s.extension,
                    finding: s.finding,
                    points_lost: 20.0 / n as f32,
                }
            })
            .collect()
    };
    vec![
        ("issues-empty", card(100.0), Vec::new()),
        ("issues-typical", card(80.0), issues(12)),
        ("issues-100", card(0.0), issues(100)),
    ]
}

fn run_entry<T>(
    host: &ExtensionHost,
    input: &'static str,
    outcome: &CallOutcome<T>,
    outputs: usize,
    problem: Option<String>,
) -> ConformanceRun {
    let limits = host.limits();
    let mut problem = match &outcome.outcome {
        Err(f) => Some(format!("{} ({})", f.reason.as_str(), f.detail)),
        Ok(_) => problem,
    };
    let fuel_cap = limits.fuel_per_call / 4;
    if problem.is_none()
        && let Some(fuel) = outcome.fuel
        && fuel > fuel_cap
    {
        problem = Some(format!(
            "used {fuel} fuel; at most {fuel_cap} (a quarter of the per-call budget)"
        ));
    }
    if problem.is_none() && outcome.peak_memory > limits.memory_bytes / 2 {
        problem = Some(format!(
            "used {} bytes of memory; at most {} (half the cap)",
            outcome.peak_memory,
            limits.memory_bytes / 2
        ));
    }
    ConformanceRun {
        input,
        fuel: outcome.fuel,
        duration_ms: outcome.duration_ms(),
        peak_memory: outcome.peak_memory,
        outputs,
        problem,
    }
}

/// Problems of an output that the pipeline would repair: anything but a cut string.
fn strict(problems: &[validate::Problem]) -> Option<String> {
    let serious: Vec<String> = problems
        .iter()
        .filter(|p| p.reason != Reason::OutputTruncated)
        .map(|p| format!("{} ({})", p.reason.as_str(), p.detail))
        .collect();
    (!serious.is_empty()).then(|| serious.join("; "))
}

/// Runs `ext` on the corpus of its kind with its default config.
///
/// Fuel is the gate (a quarter of the per-call budget, deterministic); the wall-clock deadline is widened to the
/// per-call ceiling so that a busy or debug-built server does not fail a component for its own slowness.
pub fn run(host: &ExtensionHost, ext: &LoadedExtension) -> ConformanceReport {
    let config = serde_json::Value::Object(ext.default_config().clone()).to_string();
    let limits = host.limits();
    let timeout = std::time::Duration::from_millis(super::limits::CALL_TIMEOUT_MS_CEILING);
    let mut report = ConformanceReport::default();
    let pages = rule_pages();
    let typical = pages[2].1.clone();
    match ext.kind() {
        Kind::Rule => {
            let mut first_typical: Option<(String, Option<u64>)> = None;
            for (input, page) in &pages {
                let outcome = host.evaluate_within(ext, page, &config, limits, timeout);
                let (outputs, problem) = match &outcome.outcome {
                    Ok(findings) => {
                        if *input == "scan-typical" {
                            first_typical = Some((format!("{findings:?}"), outcome.fuel));
                        }
                        let checked =
                            validate::findings(findings.clone(), &ext.0.checks, host.limits());
                        match checked {
                            Err(p) => (
                                findings.len(),
                                Some(format!("{} ({})", p.reason.as_str(), p.detail)),
                            ),
                            Ok(c) => (findings.len(), strict(&c.problems)),
                        }
                    }
                    Err(_) => (0, None),
                };
                report
                    .runs
                    .push(run_entry(host, input, &outcome, outputs, problem));
            }
            // The typical page once more: same output, same fuel.
            let again = host.evaluate_within(ext, &typical, &config, limits, timeout);
            let problem = match (&again.outcome, &first_typical) {
                (Ok(findings), Some((first, fuel))) => {
                    if format!("{findings:?}") != *first {
                        Some("the typical page gave different findings on a second run".to_string())
                    } else if again.fuel != *fuel {
                        Some(format!(
                            "the typical page used {:?} fuel, then {:?}",
                            fuel, again.fuel
                        ))
                    } else {
                        None
                    }
                }
                _ => None,
            };
            let outputs = again.outcome.as_ref().map_or(0, Vec::len);
            report.runs.push(run_entry(
                host,
                "scan-typical-again",
                &again,
                outputs,
                problem,
            ));
        }
        Kind::Scorer => {
            for (input, findings) in finding_lists() {
                let outcome = host.score_within(ext, &typical, &findings, &config, limits, timeout);
                let problem = match &outcome.outcome {
                    Ok(result) => validate::score_result(result, findings.len())
                        .err()
                        .map(|p| format!("{} ({})", p.reason.as_str(), p.detail)),
                    Err(_) => None,
                };
                report
                    .runs
                    .push(run_entry(host, input, &outcome, findings.len(), problem));
            }
        }
        Kind::Recommender => {
            for (input, card, issues) in issue_lists() {
                let outcome =
                    host.recommend_within(ext, &typical, &card, &issues, &config, limits, timeout);
                let (outputs, problem) = match &outcome.outcome {
                    Ok(recs) => {
                        let allowed: HashSet<&str> = issues
                            .iter()
                            .map(|i| i.finding.check.as_str())
                            .chain(ext.0.checks.keys().map(String::as_str))
                            .collect();
                        match validate::recommendations(recs.clone(), &allowed, host.limits()) {
                            Err(p) => (
                                recs.len(),
                                Some(format!("{} ({})", p.reason.as_str(), p.detail)),
                            ),
                            Ok(c) => (recs.len(), strict(&c.problems)),
                        }
                    }
                    Err(_) => (0, None),
                };
                report
                    .runs
                    .push(run_entry(host, input, &outcome, outputs, problem));
            }
        }
    }
    report
}

/// §6.2 steps 1-9 for an upload: load, refuse the reserved ids, run the conformance corpus.
pub fn validate_upload(
    host: &ExtensionHost,
    bytes: &[u8],
) -> Result<(LoadedExtension, ConformanceReport), LoadError> {
    let ext = host.load(bytes)?;
    if ext.has_reserved_id() {
        return Err(LoadError::InvalidComponent(format!(
            "the id {} is reserved: ids beginning with `siloq.` belong to the bundled extensions.",
            ext.id()
        )));
    }
    let report = run(host, &ext);
    if !report.passed() {
        return Err(LoadError::ConformanceFailed {
            message: format!(
                "the extension failed the conformance run: {}",
                report.problems().join("; ")
            ),
            report: Box::new(report),
        });
    }
    Ok((ext, report))
}

//! `siloq ext check <component>`: the upload validation of extensions.md §6.2, run locally with the kernel's
//! own code and production limits, and its report.
//!
//! Steps 3 to 8 (kind of binary, full validation, imports and exports, compile, link, `describe()`) are the
//! kernel's loader ([`crate::extensions::ExtensionHost::load`]). Step 8's reserved-id rule and the size warning
//! are added here. Step 9 (the conformance run) is approximated: the kernel does not carry its conformance
//! corpus yet, so the component runs on generated pages of the same eight kinds (and, for scorers and
//! recommenders, on what the bundled rules find there) with the same thresholds: no failed call, valid output,
//! at most 25 % of the fuel, at most half the memory, and the typical page twice with identical output and fuel.

use super::test::{CallReport, call_lines, call_reports, category_name, severity_name};
use super::{Failure, Outcome, bytes, thousands};
use crate::extensions::diagnostic::Kind;
use crate::extensions::wit::v1_0_0::document::WordpressInfo;
use crate::extensions::{
    ExtensionHost, LoadedExtension, PageContext, PreparedPage, Ruleset, run_pipeline,
};
use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Components above this size are accepted with a warning (§4.6).
const SIZE_WARNING: usize = 1024 * 1024;

/// The outcome of the checks for `ext check` and `ext build`.
pub(super) struct Verdict {
    pub accepted: bool,
    /// The loaded component, when it loaded at all.
    pub ext: Option<LoadedExtension>,
    /// The report, ready to print.
    pub report: String,
}

/// `siloq ext check <component>`.
pub(super) fn run(path: &Path) -> Outcome {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let host = super::host()?;
    let verdict = check(&host, path, &bytes);
    print!("{}", verdict.report);
    if verdict.accepted {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(1))
    }
}

/// Every check of §6.2 a server would run on these bytes before storing them.
pub(super) fn check(host: &Arc<ExtensionHost>, path: &Path, bytes: &[u8]) -> Verdict {
    let limits = host.limits();
    let sha256 = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(bytes))
    };
    let mut out = String::new();
    let _ = writeln!(out, "component  {}", path.display());
    let _ = writeln!(
        out,
        "size       {} ({} bytes; limit {})",
        super::bytes(bytes.len()),
        thousands(bytes.len() as u64),
        super::bytes(limits.max_upload_bytes)
    );
    let _ = writeln!(out, "sha256     {sha256}");
    let ext = match host.load(bytes) {
        Ok(ext) => ext,
        Err(e) => {
            let _ = writeln!(out, "result     refused ({}): {e}", e.code());
            eprintln!(
                "siloq ext: {} is refused ({}): {e}",
                path.display(),
                e.code()
            );
            return Verdict {
                accepted: false,
                ext: None,
                report: out,
            };
        }
    };
    describe(&mut out, &ext);
    let mut refusals: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut code = "conformance_failed";
    if ext.has_reserved_id() {
        code = "invalid_component";
        refusals.push(format!(
            "the id {} begins with `siloq.`, which is reserved for the bundled extensions",
            ext.id()
        ));
    }
    if bytes.len() > SIZE_WARNING {
        warnings.push(format!(
            "the component is larger than {}; Rust rules usually measure 60-160 KiB (build with \
             `--release`, opt-level \"s\", LTO and strip)",
            super::bytes(SIZE_WARNING)
        ));
    }
    match conformance(host, &ext) {
        Ok((text, problems)) => {
            out.push_str(&text);
            refusals.extend(problems);
        }
        Err(e) => refusals.push(e),
    }
    for w in &warnings {
        let _ = writeln!(out, "warning    {w}");
    }
    let accepted = refusals.is_empty();
    if accepted {
        let _ = writeln!(out, "result     accepted");
    } else {
        for r in &refusals {
            let _ = writeln!(out, "refused    {r}");
        }
        let _ = writeln!(out, "result     refused ({code})");
        eprintln!(
            "siloq ext: {} would be refused: {}",
            path.display(),
            refusals.join("; ")
        );
    }
    Verdict {
        accepted,
        ext: Some(ext),
        report: out,
    }
}

fn describe(out: &mut String, ext: &LoadedExtension) {
    let info = ext.info();
    let _ = writeln!(out, "kind       {}", ext.kind().as_str());
    let _ = writeln!(out, "api        siloq:rules@{}", ext.api_version());
    let _ = writeln!(
        out,
        "extension  {} {} ({})",
        ext.id(),
        ext.version(),
        info.name
    );
    if !info.summary.is_empty() {
        let _ = writeln!(out, "summary    {}", info.summary);
    }
    let _ = writeln!(out, "sdk        {}", info.sdk_version);
    let _ = writeln!(
        out,
        "config     default {}; schema {}",
        info.default_config,
        if info.config_schema.is_some() {
            "given"
        } else {
            "none"
        }
    );
    let _ = writeln!(out, "checks     {}", info.checks.len());
    for c in &info.checks {
        let mut extra = String::new();
        if !c.requires.is_empty() {
            let _ = write!(extra, "  requires {:?}", c.requires);
        }
        if let Some(b) = c.blocking {
            let _ = write!(extra, "  blocking {b:?}");
        }
        let _ = writeln!(
            out,
            "  {}  {}  {}  \"{}\"{extra}",
            c.id,
            category_name(c.category),
            severity_name(c.severity),
            c.title
        );
    }
}

/// One page of the generated conformance corpus.
struct CorpusPage {
    name: &'static str,
    page: Arc<PreparedPage>,
}

fn paragraphs(n: usize, sentence: &str) -> String {
    (0..n)
        .map(|i| format!("<p>{sentence} ({i})</p>"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn wordpress_page(url: &str, title: &str, content: &str) -> Arc<PreparedPage> {
    let input = crate::analysis::ParseInput {
        post_title: title,
        site_name: "Example",
        ..crate::analysis::ParseInput::wordpress(url, content)
    };
    let doc = crate::analysis::parse(&input);
    PreparedPage::new(
        &doc,
        PageContext {
            html: Some(content.to_string()),
            wordpress: Some(WordpressInfo {
                post_id: "1".into(),
                post_type: Some("post".into()),
                status: Some("publish".into()),
                page_builder: None,
                is_cornerstone: false,
                meta: Vec::new(),
            }),
            ..PageContext::default()
        },
    )
}

/// The eight kinds of page of §6.2 step 9, generated.
fn corpus() -> Vec<CorpusPage> {
    let typical = format!(
        "<!doctype html><html lang=en><head><title>Drain cleaning in Springfield | Acme Plumbing</title>\
         <meta name=description content=\"Fast, friendly drain cleaning in Springfield. Same-day visits.\">\
         <meta name=viewport content=\"width=device-width\"><link rel=canonical href=https://example.test/drains>\
         </head><body><header><a href=/>Home</a></header><main><h1>Drain cleaning</h1>{}\
         <h2>Prices</h2>{}<img src=/van.jpg alt=\"Our van\"><a href=/contact>Contact us</a>\
         <a href=https://elsewhere.example/>A partner</a></main></body></html>",
        paragraphs(
            8,
            "We clean blocked drains quickly and leave your home tidy."
        ),
        paragraphs(
            4,
            "A visit costs a fixed price, with no surprises on the bill."
        )
    );
    let links: String = (0..2_000)
        .map(|i| format!("<a href=/page-{i}>Page {i}</a> "))
        .collect();
    let large = format!(
        "<!doctype html><html lang=en><head><title>A very large page</title></head><body><main><h1>Large</h1>\
         {}<nav>{links}</nav></main></body></html>",
        paragraphs(
            2_000,
            "Every one of these ten words counts toward the total"
        )
    );
    let german = format!(
        "<!doctype html><html lang=de><head><title>Rohrreinigung in Berlin</title></head><body><main>\
         <h1>Rohrreinigung</h1>{}</main></body></html>",
        paragraphs(
            6,
            "Wir reinigen verstopfte Abflüsse schnell und zuverlässig."
        )
    );
    let arabic = format!(
        "<!doctype html><html lang=ar dir=rtl><head><title>تنظيف المجاري</title></head><body><main>\
         <h1>تنظيف المجاري</h1>{}</main></body></html>",
        paragraphs(6, "نقوم بتنظيف المجاري المسدودة بسرعة وبعناية.")
    );
    let malformed =
        "<html><head><title>Broken<title></head><body><main><h1>Broken <p>unclosed <a href=\"/x>\
                     link <img src= alt=><table><tr><td>cell</main></div></span><p>trailing"
            .to_string();
    let url = |name: &str| format!("{}/{name}", super::fixture::FIXTURE_ORIGIN);
    vec![
        CorpusPage {
            name: "WordPress post",
            page: wordpress_page(
                &url("wordpress-post"),
                "Drain cleaning",
                &paragraphs(
                    6,
                    "We clean blocked drains quickly and leave your home tidy.",
                ),
            ),
        },
        CorpusPage {
            name: "empty WordPress post",
            page: wordpress_page(&url("empty-post"), "", ""),
        },
        CorpusPage {
            name: "typical scanned page",
            page: PreparedPage::from_html(&url("typical"), &typical),
        },
        CorpusPage {
            name: "very large scanned page",
            page: PreparedPage::from_html(&url("large"), &large),
        },
        CorpusPage {
            name: "empty document",
            page: PreparedPage::from_html(&url("empty"), ""),
        },
        CorpusPage {
            name: "German page",
            page: PreparedPage::from_html(&url("german"), &german),
        },
        CorpusPage {
            name: "Arabic right-to-left page",
            page: PreparedPage::from_html(&url("arabic"), &arabic),
        },
        CorpusPage {
            name: "malformed HTML",
            page: PreparedPage::from_html(&url("malformed"), &malformed),
        },
    ]
}

/// Runs the component on the corpus; returns the report lines and why it would be refused.
fn conformance(
    host: &Arc<ExtensionHost>,
    ext: &LoadedExtension,
) -> Result<(String, Vec<String>), String> {
    let empty = || Value::Object(Map::new());
    let bundled =
        || crate::extensions::bundled::load(host).map_err(|e| format!("the bundled rules: {e}"));
    let build = |with_rules: bool| -> Result<Ruleset, String> {
        let mut b = Ruleset::builder().comment("siloq ext check");
        match ext.kind() {
            Kind::Rule => b = b.rule(ext.clone(), empty()),
            Kind::Scorer => {
                if with_rules {
                    b = b.rule(bundled()?.rules, empty());
                }
                b = b.scorer(ext.clone(), empty());
            }
            Kind::Recommender => {
                if with_rules {
                    b = b.rule(bundled()?.rules, empty());
                }
                b = b.recommender(ext.clone(), empty());
            }
        }
        b.build(host).map_err(|e| e.to_string())
    };
    let ruleset = build(true)?;
    let mut out = String::from("conformance (production limits; generated pages)\n");
    let mut problems = Vec::new();
    let limits = host.limits().clone();
    let mut judge = |name: &str, calls: Vec<CallReport>, out: &mut String| {
        if calls.is_empty() {
            // A rule is always called (unless the page budget ran out, which its diagnostics show); a
            // recommender only when the page has a score.
            if ext.kind() != Kind::Recommender {
                problems.push(format!("{name}: the component was not called"));
            }
            let _ = writeln!(out, "  {name:<28} not called");
            return;
        }
        for c in calls {
            let fuel = c.fuel.map_or("unknown".into(), thousands);
            let _ = writeln!(
                out,
                "  {name:<28} fuel {fuel:>12}  time {:>7.2} ms  memory {:>9}  {}",
                c.duration_ms,
                bytes(c.peak_memory),
                if c.failed() {
                    "failed"
                } else if !c.over_threshold.is_empty() {
                    "over threshold"
                } else {
                    "ok"
                }
            );
            if c.failed() {
                problems.push(format!(
                    "{name}: {}",
                    call_lines(&c)
                        .lines()
                        .find(|l| l.trim_start().starts_with("result"))
                        .map(|l| l.trim_start().trim_start_matches("result").trim())
                        .unwrap_or("failed")
                ));
            }
            for o in &c.over_threshold {
                problems.push(format!("{name}: {o}"));
            }
        }
    };
    let pages = corpus();
    for p in &pages {
        let result = run_pipeline(host, &ruleset, &p.page);
        judge(p.name, call_reports(&result, ext.id(), &limits), &mut out);
    }
    if ext.kind() == Kind::Scorer {
        // The empty finding list.
        let bare = build(false)?;
        let page = &pages[2].page;
        let result = run_pipeline(host, &bare, page);
        judge(
            "no findings",
            call_reports(&result, ext.id(), &limits),
            &mut out,
        );
    }
    // Determinism: the typical page twice, identical output and fuel.
    let typical = &pages[2].page;
    let a = run_pipeline(host, &ruleset, typical);
    let b = run_pipeline(host, &ruleset, typical);
    let fuel = |r: &crate::extensions::PipelineResult| -> Vec<Option<u64>> {
        r.calls
            .iter()
            .filter(|c| c.extension == ext.id())
            .map(|c| c.fuel)
            .collect()
    };
    let same_output = format!("{:?}{:?}{:?}", a.findings, a.card, a.recommendations)
        == format!("{:?}{:?}{:?}", b.findings, b.card, b.recommendations);
    if same_output && fuel(&a) == fuel(&b) {
        let _ = writeln!(
            out,
            "  {:<28} identical output and fuel",
            "typical page twice"
        );
    } else {
        let _ = writeln!(
            out,
            "  {:<28} different output or fuel",
            "typical page twice"
        );
        problems.push(
            "the typical page gave different output or fuel on two runs (extensions must be deterministic)"
                .into(),
        );
    }
    Ok((out, problems))
}

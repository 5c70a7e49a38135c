//! `siloq ext test <component>... <fixture>... [--config FILE] [--json] [--strict] [--wordpress]`
//! (extensions.md §8): the components run on each fixture through the kernel's own pipeline under production
//! limits, and the findings, score, recommendations and the cost of every call are printed against the limits.
//!
//! What runs: the rule components in the order given (the bundled `siloq.core-rules` when only a scorer or
//! recommender is tested, so it has findings to work on), the scorer component or else the built-in scorer,
//! and the recommender components or else the built-in recommender.

use super::fixture::{self, Fixture};
use super::{Failure, Outcome, bytes, short_hash, thousands};
use crate::extensions::diagnostic::{Kind, Reason, Stage};
use crate::extensions::wit::v1_0_0::types::{Category, Severity};
use crate::extensions::{
    CallRecord, Diagnostic, ExtensionHost, Issue, Limits, LoadedExtension, PipelineResult,
    Recommendation, Ruleset, ScoreCard, run_pipeline,
};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(super) struct Options {
    pub paths: Vec<PathBuf>,
    /// Components' config file (the global `--config`).
    pub config: Option<PathBuf>,
    pub json: bool,
    pub strict: bool,
    pub wordpress: bool,
    /// Leave the bundled rules out (a rule component's findings are then the only ones scored).
    pub alone: bool,
}

/// The upload thresholds (extensions.md §6.2 step 9) `--strict` holds every call to.
const STRICT_FUEL_SHARE: f64 = 0.25;
const STRICT_MEMORY_SHARE: f64 = 0.5;

/// A component given on the command line, loaded.
pub(super) struct Component {
    pub path: PathBuf,
    pub ext: LoadedExtension,
}

#[derive(Debug, Serialize)]
struct ComponentReport {
    path: String,
    id: String,
    version: String,
    kind: Kind,
    api_version: String,
    sha256: String,
    size: usize,
}

/// One finding of a component under test, with what it cost.
#[derive(Debug, Serialize)]
struct FindingRow {
    extension: String,
    check: String,
    category: &'static str,
    severity: &'static str,
    /// `None`: not applicable.
    credit: Option<f32>,
    /// Points it cost; `None` when it is not an issue.
    points_lost: Option<f64>,
    message: String,
    action: Option<String>,
}

/// One call with its cost against the limits.
#[derive(Debug, Clone, Serialize)]
pub(super) struct CallReport {
    pub extension: String,
    pub version: String,
    pub stage: Stage,
    pub fuel: Option<u64>,
    pub fuel_limit: u64,
    pub duration_ms: f64,
    pub time_limit_ms: u64,
    pub peak_memory: usize,
    pub memory_limit: usize,
    /// Findings the call returned that passed validation (rules only).
    pub findings: Option<usize>,
    pub findings_limit: usize,
    /// Their size as the kernel measures output (rules only).
    pub output_bytes: Option<usize>,
    pub output_limit: usize,
    /// How the call failed, if it did.
    pub failure: Option<Reason>,
    /// Every diagnostic of this call: `reason: detail`.
    pub problems: Vec<String>,
    /// `ok`, `failed` (the call failed or its output was invalid).
    pub result: &'static str,
    /// Budgets used beyond the upload thresholds (`--strict`).
    pub over_threshold: Vec<String>,
}

impl CallReport {
    pub fn failed(&self) -> bool {
        self.result != "ok"
    }
}

#[derive(Debug, Serialize)]
struct FixtureReport {
    path: String,
    mode: &'static str,
    lang: Option<String>,
    words: u32,
    notes: Vec<String>,
    /// Findings of the rule components under test.
    findings: Vec<FindingRow>,
    /// Every issue of the page (all rules), as the API lists them.
    issues: Vec<Issue>,
    /// Issues of the other rules (the bundled context) and the points they cost.
    other_issues: usize,
    other_points: f64,
    score: Option<ScoreCard>,
    scorer: String,
    recommendations: Vec<Recommendation>,
    recommender: String,
    calls: Vec<CallReport>,
    diagnostics: Vec<Diagnostic>,
    degraded: bool,
    partial: bool,
    result: &'static str,
}

pub(super) fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

pub(super) fn category_name(c: Category) -> &'static str {
    match c {
        Category::Technical => "technical",
        Category::Content => "content",
        Category::Structure => "structure",
        Category::Performance => "performance",
        Category::Onpage => "onpage",
    }
}

/// The calls of `id` in `result`, measured against `limits`.
pub(super) fn call_reports(result: &PipelineResult, id: &str, limits: &Limits) -> Vec<CallReport> {
    result
        .calls
        .iter()
        .filter(|c| c.extension == id)
        .map(|c| call_report(result, c, limits))
        .collect()
}

fn call_report(result: &PipelineResult, call: &CallRecord, limits: &Limits) -> CallReport {
    let diagnostics: Vec<&Diagnostic> = result
        .diagnostics
        .iter()
        .filter(|d| d.extension == call.extension && d.stage == call.stage)
        .collect();
    let (findings, output_bytes) = if call.stage == Stage::Rule && call.failure.is_none() {
        let own: Vec<_> = result
            .findings
            .iter()
            .filter(|s| s.extension == call.extension)
            .collect();
        let size = own
            .iter()
            .map(|s| crate::extensions::validate::finding_size(&s.finding))
            .sum();
        (Some(own.len()), Some(size))
    } else {
        (None, None)
    };
    let failed = call.failure.is_some() || diagnostics.iter().any(|d| d.reason.degrades());
    let mut over = Vec::new();
    if !failed
        && let Some(fuel) = call.fuel
        && fuel as f64 > limits.fuel_per_call as f64 * STRICT_FUEL_SHARE
    {
        over.push(format!(
            "fuel {} is above 25 % of {}",
            thousands(fuel),
            thousands(limits.fuel_per_call)
        ));
    }
    if !failed && call.peak_memory as f64 > limits.memory_bytes as f64 * STRICT_MEMORY_SHARE {
        over.push(format!(
            "memory {} is above half of {}",
            bytes(call.peak_memory),
            bytes(limits.memory_bytes)
        ));
    }
    CallReport {
        extension: call.extension.clone(),
        version: call.version.clone(),
        stage: call.stage,
        fuel: call.fuel,
        fuel_limit: limits.fuel_per_call,
        duration_ms: call.duration_ms,
        time_limit_ms: limits.call_timeout_ms,
        peak_memory: call.peak_memory,
        memory_limit: limits.memory_bytes,
        findings,
        findings_limit: limits.max_findings,
        output_bytes,
        output_limit: limits.max_output_bytes,
        failure: call.failure,
        problems: diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.reason.as_str(), d.detail))
            .collect(),
        result: if failed { "failed" } else { "ok" },
        over_threshold: over,
    }
}

/// Reads the components given on the command line; a refused one ends the command with exit 1.
pub(super) fn load_component(host: &ExtensionHost, path: &Path) -> Result<Component, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let ext = host.load(&bytes).map_err(|e| {
        Failure::failed(format!("{} is refused ({}): {e}", path.display(), e.code()))
    })?;
    Ok(Component {
        path: path.to_path_buf(),
        ext,
    })
}

/// Splits the arguments into components and fixtures; a directory stands for the fixtures in it.
fn classify(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Failure> {
    let mut components = Vec::new();
    let mut fixtures = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && fixture::fixture_kind(p).is_some())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Failure::usage(format!(
                    "{} holds no fixtures (.html or .page.json)",
                    path.display()
                )));
            }
            fixtures.extend(found);
            continue;
        }
        if !path.is_file() {
            return Err(Failure::usage(format!("{} does not exist", path.display())));
        }
        if path.extension().is_some_and(|e| e == "wasm") {
            components.push(path.clone());
        } else if fixture::fixture_kind(path).is_some() {
            fixtures.push(path.clone());
        } else {
            return Err(Failure::usage(format!(
                "{} is neither a component (.wasm) nor a fixture (.html, .page.json)",
                path.display()
            )));
        }
    }
    if components.is_empty() {
        return Err(Failure::usage("give at least one component (.wasm)"));
    }
    if fixtures.is_empty() {
        return Err(Failure::usage(
            "give at least one fixture (.html, .page.json or a folder of them)",
        ));
    }
    Ok((components, fixtures))
}

/// The config file: a JSON (or, for `.toml`, TOML) object, either the config of the one component or one
/// object per extension id.
fn configs(path: Option<&Path>, components: &[Component]) -> Result<Vec<Value>, Failure> {
    let empty = || Value::Object(Map::new());
    let Some(path) = path else {
        return Ok(components.iter().map(|_| empty()).collect());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let value: Value = if path.extension().is_some_and(|e| e == "toml") {
        toml::from_str(&text)
            .map_err(|e| Failure::usage(format!("{} is not valid TOML: {e}", path.display())))?
    } else {
        serde_json::from_str(&text)
            .map_err(|e| Failure::usage(format!("{} is not valid JSON: {e}", path.display())))?
    };
    let Value::Object(map) = value else {
        return Err(Failure::usage(format!(
            "{} must hold an object",
            path.display()
        )));
    };
    let keyed = !map.is_empty()
        && map
            .keys()
            .all(|k| components.iter().any(|c| c.ext.id() == k));
    if keyed {
        return Ok(components
            .iter()
            .map(|c| map.get(c.ext.id()).cloned().unwrap_or_else(empty))
            .collect());
    }
    if components.len() > 1 {
        return Err(Failure::usage(format!(
            "{} must hold one object per extension id ({}) when several components are tested",
            path.display(),
            components
                .iter()
                .map(|c| c.ext.id())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(vec![Value::Object(map)])
}

pub(super) fn run(options: &Options) -> Outcome {
    let (component_paths, fixture_paths) = classify(&options.paths)?;
    let host = super::host()?;
    let components = component_paths
        .iter()
        .map(|p| load_component(&host, p))
        .collect::<Result<Vec<_>, _>>()?;
    let configs = configs(options.config.as_deref(), &components)?;
    let fixtures = fixture_paths
        .iter()
        .map(|p| fixture::load(p, options.wordpress, None))
        .collect::<Result<Vec<_>, _>>()?;

    let rules_given = components.iter().any(|c| c.ext.kind() == Kind::Rule);
    let scorers = components
        .iter()
        .filter(|c| c.ext.kind() == Kind::Scorer)
        .count();
    if scorers > 1 {
        return Err(Failure::usage("give at most one scorer"));
    }
    // The bundled rules give the page its context: a rule's findings cost what they would cost in a real
    // ruleset, and a scorer or recommender has findings to work on.
    let mut context_rules = None;
    if !rules_given || !options.alone {
        let bundled = crate::extensions::bundled::load(&host)
            .map_err(|e| Failure::failed(format!("the bundled rules: {e}")))?;
        context_rules = Some(bundled.rules);
    }
    let build = |context: Option<&LoadedExtension>| {
        let mut builder = Ruleset::builder().comment("siloq ext test");
        if let Some(rules) = context {
            builder = builder.rule(rules.clone(), Value::Object(Map::new()));
        }
        for (c, config) in components.iter().zip(&configs) {
            builder = match c.ext.kind() {
                Kind::Rule => builder.rule(c.ext.clone(), config.clone()),
                Kind::Scorer => builder.scorer(c.ext.clone(), config.clone()),
                Kind::Recommender => builder.recommender(c.ext.clone(), config.clone()),
            };
        }
        builder.build(&host)
    };
    let mut notes = Vec::new();
    let ruleset = match build(context_rules.as_ref()) {
        Ok(ruleset) => ruleset,
        // A rule that shares a check id with the bundled rules cannot run beside them: run it alone.
        Err(e) if rules_given && context_rules.is_some() => {
            notes.push(format!(
                "the bundled rules were left out: {}",
                e.0.trim_end_matches('.')
            ));
            context_rules = None;
            build(None)
                .map_err(|e| Failure::usage(format!("these components cannot run together: {e}")))?
        }
        Err(e) => {
            return Err(Failure::usage(format!(
                "these components cannot run together: {e}"
            )));
        }
    };
    let scorer = components
        .iter()
        .find(|c| c.ext.kind() == Kind::Scorer)
        .map_or_else(|| "built-in scorer".to_string(), |c| c.ext.id().to_string());
    let recommenders: Vec<&str> = components
        .iter()
        .filter(|c| c.ext.kind() == Kind::Recommender)
        .map(|c| c.ext.id())
        .collect();
    let recommender = if recommenders.is_empty() {
        "built-in recommender".to_string()
    } else {
        recommenders.join(", ")
    };
    let context = context_rules
        .as_ref()
        .map(|r| format!("{} {}", r.id(), r.version()));

    let under_test: Vec<&str> = components.iter().map(|c| c.ext.id()).collect();
    let limits = host.limits().clone();
    let reports: Vec<FixtureReport> = fixtures
        .iter()
        .map(|f| {
            let result = run_pipeline(&host, &ruleset, &f.page);
            fixture_report(f, &result, &under_test, &limits, &scorer, &recommender)
        })
        .collect();

    let failed = reports.iter().any(|r| r.result != "ok");
    let over = reports
        .iter()
        .flat_map(|r| &r.calls)
        .any(|c| !c.over_threshold.is_empty());
    let code: u8 = if failed {
        1
    } else if options.strict && over {
        3
    } else {
        0
    };

    let component_reports: Vec<ComponentReport> = components
        .iter()
        .map(|c| ComponentReport {
            path: c.path.display().to_string(),
            id: c.ext.id().to_string(),
            version: c.ext.version().to_string(),
            kind: c.ext.kind(),
            api_version: c.ext.api_version().to_string(),
            sha256: c.ext.sha256().to_string(),
            size: c.ext.size(),
        })
        .collect();
    if options.json {
        let out = json!({
            "components": component_reports,
            "context_rules": context,
            "notes": notes,
            "limits": limits,
            "fixtures": reports,
            "strict": options.strict,
            "exit_code": code,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("the report serializes")
        );
    } else {
        print_text(
            &component_reports,
            context.as_deref(),
            rules_given,
            &notes,
            &reports,
            options.strict,
        );
    }
    Ok(ExitCode::from(code))
}

fn fixture_report(
    fixture: &Fixture,
    result: &PipelineResult,
    under_test: &[&str],
    limits: &Limits,
    scorer: &str,
    recommender: &str,
) -> FixtureReport {
    let page = &fixture.page;
    let findings = result
        .findings
        .iter()
        .filter(|s| under_test.contains(&s.extension.as_str()))
        .map(|s| {
            let f = &s.finding;
            let issue = result
                .issues
                .iter()
                .chain(&result.notes)
                .find(|i| i.check == f.check);
            FindingRow {
                extension: s.extension.clone(),
                check: f.check.clone(),
                category: category_name(f.category),
                severity: severity_name(f.severity),
                credit: f.credit,
                points_lost: issue.map(|i| i.points_lost),
                message: f.message.clone(),
                action: f.action.clone(),
            }
        })
        .collect();
    // In pipeline order: rules, scorer, recommenders.
    let calls: Vec<CallReport> = result
        .calls
        .iter()
        .filter(|c| under_test.contains(&c.extension.as_str()))
        .map(|c| call_report(result, c, limits))
        .collect();
    let mut notes = fixture.notes.clone();
    // A component under test that never ran (the page budget ran out) is a failed run too.
    let mut skipped = false;
    for d in &result.diagnostics {
        if under_test.contains(&d.extension.as_str())
            && !calls
                .iter()
                .any(|c| c.extension == d.extension && c.stage == d.stage)
        {
            notes.push(format!(
                "{} ({}): {}: {}",
                d.extension,
                d.stage.as_str(),
                d.reason.as_str(),
                d.detail
            ));
            skipped |= d.reason.degrades();
        }
    }
    let failed = skipped || calls.iter().any(CallReport::failed);
    let others: Vec<&Issue> = result
        .issues
        .iter()
        .filter(|i| !under_test.contains(&i.extension.as_str()))
        .collect();
    FixtureReport {
        path: fixture.path.display().to_string(),
        mode: match page.mode() {
            crate::analysis::Mode::Scan => "scan",
            crate::analysis::Mode::WordPress => "wordpress",
        },
        lang: page.info().lang.clone(),
        words: page.info().word_count_main,
        notes,
        findings,
        issues: result.issues.clone(),
        other_issues: others.len(),
        other_points: (others.iter().map(|i| i.points_lost).sum::<f64>() * 100.0).round() / 100.0,
        score: result.card.clone(),
        scorer: if result.fallback_scorer && scorer != "built-in scorer" {
            format!("built-in scorer ({scorer} failed)")
        } else {
            scorer.to_string()
        },
        recommendations: result.recommendations.clone(),
        recommender: if result.fallback_recommender && recommender != "built-in recommender" {
            format!("built-in recommender ({recommender} failed)")
        } else {
            recommender.to_string()
        },
        calls,
        diagnostics: result.diagnostics.clone(),
        degraded: result.degraded,
        partial: result.partial,
        result: if failed { "failed" } else { "ok" },
    }
}

/// Left-aligned columns, two spaces apart, indented by two.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count() + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn credit_text(credit: Option<f32>) -> String {
    credit.map_or_else(|| "n/a".to_string(), |c| format!("{c:.2}"))
}

fn finding_message(f: &FindingRow) -> String {
    if !f.message.is_empty() {
        return f.message.clone();
    }
    match f.credit {
        None => "(not applicable)".into(),
        Some(c) if c >= 1.0 => "(passed)".into(),
        Some(_) => String::new(),
    }
}

/// A diagnostic's detail on one line: without wasm backtrace frames and boilerplate (the JSON report keeps it
/// whole).
fn one_line(detail: &str) -> String {
    let parts: Vec<String> = detail
        .lines()
        .map(|l| {
            l.replace("error while executing at wasm backtrace:", "")
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty() && l != "stderr:" && !l.starts_with("note: run with"))
        .filter_map(|l| {
            // `12:  0x1c482 - <unknown>!<wasm function 448>`; the last frame also carries the trap message.
            let frame = l.split_once(':').is_some_and(|(n, rest)| {
                n.chars().all(|c| c.is_ascii_digit()) && rest.trim_start().starts_with("0x")
            });
            match (frame, l.find("wasm trap")) {
                (false, _) => Some(l),
                (true, Some(i)) => Some(l[i..].to_string()),
                (true, None) => None,
            }
        })
        .collect();
    parts.join(" · ").replace(": · ", ": ")
}

/// The cost lines of one call, as in extensions.md §8.
pub(super) fn call_lines(c: &CallReport) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let fuel = match c.fuel {
        Some(fuel) => format!(
            "{} / {}   ({:.2} %)",
            thousands(fuel),
            thousands(c.fuel_limit),
            fuel as f64 * 100.0 / c.fuel_limit as f64
        ),
        None => format!("unknown / {}", thousands(c.fuel_limit)),
    };
    rows.push(vec!["fuel".into(), fuel]);
    rows.push(vec![
        "time".into(),
        format!("{:.2} ms / {} ms", c.duration_ms, c.time_limit_ms),
    ]);
    rows.push(vec![
        "memory".into(),
        format!("{} / {}", bytes(c.peak_memory), bytes(c.memory_limit)),
    ]);
    if let (Some(n), Some(size)) = (c.findings, c.output_bytes) {
        rows.push(vec![
            "output".into(),
            format!(
                "{n} finding{} · {:.1} KiB / {}",
                if n == 1 { "" } else { "s" },
                size as f64 / 1024.0,
                bytes(c.output_limit)
            ),
        ]);
    }
    let result = match (c.failed(), c.failure) {
        (false, _) if c.problems.is_empty() => "ok".to_string(),
        (false, _) => format!(
            "ok (notes: {})",
            c.problems
                .iter()
                .map(|p| one_line(p))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        (true, Some(reason)) => format!(
            "failed: {}",
            c.problems
                .iter()
                .find(|p| p.starts_with(reason.as_str()))
                .map_or_else(|| reason.as_str().to_string(), |p| one_line(p))
        ),
        (true, None) => format!(
            "invalid output: {}",
            c.problems
                .iter()
                .map(|p| one_line(p))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    rows.push(vec!["result".into(), result]);
    for o in &c.over_threshold {
        rows.push(vec!["strict".into(), o.clone()]);
    }
    table(&rows)
}

fn print_text(
    components: &[ComponentReport],
    context: Option<&str>,
    rules_given: bool,
    notes: &[String],
    reports: &[FixtureReport],
    strict: bool,
) {
    for c in components {
        println!(
            "{} {} · {} · siloq:rules@{} · sha256 {} · {}",
            c.id,
            c.version,
            c.kind.as_str(),
            c.api_version,
            short_hash(&c.sha256),
            bytes(c.size)
        );
    }
    match context {
        Some(rules) if rules_given => println!(
            "context: {rules} (bundled) runs first, so the points are those of a real ruleset; --alone leaves \
             it out"
        ),
        Some(rules) => {
            println!("context: {rules} (bundled) finds the issues (no rule component was given)")
        }
        None => {}
    }
    for note in notes {
        println!("note: {note}");
    }
    for r in reports {
        println!();
        let lang = r.lang.as_deref().unwrap_or("no language");
        println!("{} ({}, {lang}, {} words)", r.path, r.mode, r.words);
        for note in &r.notes {
            println!("  note: {note}");
        }
        let mut rows = vec![vec![
            "check".to_string(),
            "credit".into(),
            "severity".into(),
            "points".into(),
            "message".into(),
        ]];
        if !rules_given {
            // A scorer or recommender under test: the page's issues show what it was given.
            rows.extend(r.issues.iter().map(|i| {
                vec![
                    i.check.clone(),
                    credit_text(
                        i.details
                            .get("credit")
                            .and_then(Value::as_f64)
                            .map(|c| c as f32),
                    ),
                    i.severity.to_string(),
                    format!("{:.2}", i.points_lost),
                    i.message.clone(),
                ]
            }));
        } else {
            rows.extend(r.findings.iter().map(|f| {
                vec![
                    f.check.clone(),
                    credit_text(f.credit),
                    f.severity.to_string(),
                    f.points_lost
                        .map_or_else(|| "-".to_string(), |p| format!("{p:.2}")),
                    finding_message(f),
                ]
            }));
        }
        if rows.len() == 1 {
            println!("  (no findings)");
        } else {
            print!("{}", table(&rows));
        }
        if rules_given && context.is_some() {
            println!(
                "  + {} issue{} of the bundled rules ({:.2} points)",
                r.other_issues,
                if r.other_issues == 1 { "" } else { "s" },
                r.other_points
            );
        }
        println!();
        let score = match &r.score {
            Some(card) => {
                let categories: Vec<String> =
                    ["technical", "content", "structure", "performance", "onpage"]
                        .iter()
                        .map(|k| {
                            let v = card.categories.get(k).copied().flatten();
                            format!("{k} {}", v.map_or("–".to_string(), |s| s.to_string()))
                        })
                        .collect();
                format!("{} ({})", card.score, categories.join(" · "))
            }
            None => "none (no finding applied)".into(),
        };
        let mut rows = vec![vec![
            "score".to_string(),
            format!("{score}   [{}]", r.scorer),
        ]];
        rows.push(vec![
            "advice".into(),
            format!(
                "{} recommendation{}   [{}]",
                r.recommendations.len(),
                if r.recommendations.len() == 1 {
                    ""
                } else {
                    "s"
                },
                r.recommender
            ),
        ]);
        print!("{}", table(&rows));
        if r.recommender != "built-in recommender" {
            let recs: Vec<Vec<String>> = r
                .recommendations
                .iter()
                .map(|rec| {
                    vec![
                        String::new(),
                        rec.check.clone(),
                        rec.priority.to_string(),
                        format!("impact {:.1}", rec.impact),
                        rec.action.clone(),
                    ]
                })
                .collect();
            print!("{}", table(&recs));
        }
        for c in &r.calls {
            println!();
            if r.calls.len() > 1 {
                println!("  {} {} · {}", c.extension, c.version, c.stage.as_str());
            }
            print!("{}", call_lines(c));
        }
        if r.calls.is_empty() {
            println!("  result   not run");
        }
    }
    let failed = reports.iter().filter(|r| r.result != "ok").count();
    let over = reports
        .iter()
        .flat_map(|r| &r.calls)
        .filter(|c| !c.over_threshold.is_empty())
        .count();
    println!();
    match (failed, over) {
        (0, 0) => println!("{} fixture(s): all runs ok", reports.len()),
        (0, n) => println!(
            "{} fixture(s): all runs ok; {n} call(s) above the upload thresholds{}",
            reports.len(),
            if strict { "" } else { " (--strict fails them)" }
        ),
        (f, _) => println!("{} fixture(s): {f} with a failed run", reports.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_details_fit_on_one_line() {
        let detail = "trap: error while executing at wasm backtrace:\n    0:  0x13234 - <unknown>!<wasm function 361>\n   \
                      15:  0x4b57 - <unknown>!<wasm function 69>: wasm trap: wasm `unreachable` instruction executed\n\
                      stderr: \nthread '<unnamed>' (1) panicked at src/lib.rs:56:13:\nthe title said so\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            one_line(detail),
            "trap: wasm trap: wasm `unreachable` instruction executed · thread '<unnamed>' (1) panicked at \
             src/lib.rs:56:13: the title said so"
        );
        assert_eq!(
            one_line("invalid_finding: check x is not declared"),
            "invalid_finding: check x is not declared"
        );
    }

    #[test]
    fn tables_align_columns() {
        let rows = vec![
            vec!["check".to_string(), "credit".into(), "message".into()],
            vec!["acme.title.too_long".into(), "0.00".into(), "Long.".into()],
        ];
        assert_eq!(
            table(&rows),
            "  check                credit  message\n  acme.title.too_long  0.00    Long.\n"
        );
    }
}

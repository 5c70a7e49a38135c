//! The fuel regression gate (extensions.md §11.2). Fuel is deterministic for given component bytes and page, so
//! `tests/fixtures/fuel-baseline.json` records, per fixture page of `tests/fixtures/seo`, the fuel of one call
//! of each bundled extension and the pipeline's total, plus the compiler, the components' hashes and the checks
//! `siloq.core-rules` declares. This test recomputes everything and fails when:
//!
//! * a figure grows by more than 25 % over the baseline (a drop of more than 10 % only warns: refresh the
//!   baseline to lock the gain in);
//! * a single call uses more than 25 % of the per-call budget (50,000,000), the line uploads must respect;
//! * the baseline names a fixture, extension or check that no longer exists, or misses a new one.
//!
//! `SILOQ_BLESS_FUEL=1 cargo test -p siloq-tests --test fuel` rewrites the baseline (review its diff with the
//! change that caused it). Fuel depends on the exact component bytes, hence on the compiler: when the running
//! rustc differs from the baseline's, the test fails under `CI=true` and is skipped with a notice elsewhere.

use serde::{Deserialize, Serialize};
use siloq_tests::guests::lab::{self, Lab, Plan};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Growth over the baseline that fails the gate.
const MAX_GROWTH: f64 = 0.25;
/// Drop below the baseline that asks for a refresh.
const WARN_DROP: f64 = 0.10;
/// No single call may use more than this (25 % of the default per-call budget of 200,000,000).
const MAX_CALL_FUEL: u64 = 50_000_000;
/// The key of the pipeline total beside the per-extension figures.
const PIPELINE: &str = "pipeline";

const RUSTC: &str = env!("SILOQ_RUSTC_VERSION");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Baseline {
    /// `rustc --version` of the compiler that built the components.
    rustc: String,
    /// Per bundled extension: its version and the SHA-256 of its component.
    components: BTreeMap<String, Component>,
    /// Per rule extension: the checks it declares.
    checks: BTreeMap<String, Vec<String>>,
    /// Per fixture: fuel of one call per extension, and the pipeline total under `pipeline`.
    fixtures: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Component {
    version: String,
    sha256: String,
}

fn baseline_path() -> PathBuf {
    siloq_tests::fixtures_dir().join("fuel-baseline.json")
}

/// Every fixture page of the corpus (scanned and WordPress), by stem.
fn fixture_stems() -> Vec<String> {
    let dir = siloq_tests::fixtures_dir().join("seo");
    let mut stems: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/seo")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_str()?.to_string();
            name.strip_suffix(".http.json")
                .or_else(|| name.strip_suffix(".sync.json"))
                .map(str::to_string)
        })
        .collect();
    stems.sort();
    stems
}

/// Runs the default pipeline on every fixture and collects the figures.
fn measure() -> Baseline {
    let lab = Lab::shared();
    let ruleset = lab
        .load(&Plan::bundled())
        .expect("the bundled ruleset loads");
    let mut fixtures = BTreeMap::new();
    for stem in fixture_stems() {
        let outcome = lab.run(&ruleset, &lab::page(&stem));
        assert!(
            outcome.diagnostics.is_empty(),
            "{stem}: the bundled pipeline must run cleanly to be measured: {:#?}",
            outcome.diagnostics
        );
        let mut figures = outcome.fuel();
        let total = figures.values().sum();
        figures.insert(PIPELINE.to_string(), total);
        fixtures.insert(stem, figures);
    }
    Baseline {
        rustc: RUSTC.to_string(),
        components: lab::bundled_components(lab)
            .into_iter()
            .map(|c| {
                (
                    c.id,
                    Component {
                        version: c.version,
                        sha256: c.sha256,
                    },
                )
            })
            .collect(),
        checks: lab::bundled_rule_checks(lab),
        fixtures,
    }
}

/// What differs between the baseline and a measurement: (failures, warnings).
fn compare(baseline: &Baseline, now: &Baseline) -> (Vec<String>, Vec<String>) {
    let (mut failures, mut warnings) = (Vec::new(), Vec::new());
    for (fixture, figures) in &now.fixtures {
        for (what, &fuel) in figures {
            if what != PIPELINE && fuel > MAX_CALL_FUEL {
                failures.push(format!(
                    "{fixture}/{what}: {fuel} fuel in one call, above 25 % of the per-call budget ({MAX_CALL_FUEL})"
                ));
            }
        }
    }
    for fixture in baseline
        .fixtures
        .keys()
        .filter(|f| !now.fixtures.contains_key(*f))
    {
        failures.push(format!(
            "{fixture}: in the baseline but no longer a fixture"
        ));
    }
    for (fixture, figures) in &now.fixtures {
        let Some(old) = baseline.fixtures.get(fixture) else {
            failures.push(format!("{fixture}: a fixture the baseline does not know"));
            continue;
        };
        for what in old.keys().filter(|k| !figures.contains_key(*k)) {
            failures.push(format!(
                "{fixture}/{what}: in the baseline but no longer measured"
            ));
        }
        for (what, &fuel) in figures {
            let Some(&before) = old.get(what) else {
                failures.push(format!("{fixture}/{what}: not in the baseline"));
                continue;
            };
            let ratio = fuel as f64 / before.max(1) as f64;
            let change = format!(
                "{fixture}/{what}: {before} -> {fuel} fuel ({:+.1} %)",
                (ratio - 1.0) * 100.0
            );
            if ratio > 1.0 + MAX_GROWTH {
                failures.push(format!(
                    "{change}, more than {} % growth",
                    MAX_GROWTH * 100.0
                ));
            } else if ratio < 1.0 - WARN_DROP {
                warnings.push(format!(
                    "{change}: refresh the baseline to lock the gain in"
                ));
            }
        }
    }
    for (extension, checks) in &baseline.checks {
        let Some(current) = now.checks.get(extension) else {
            failures.push(format!(
                "{extension}: in the baseline's checks but no longer bundled"
            ));
            continue;
        };
        for check in checks.iter().filter(|c| !current.contains(c)) {
            failures.push(format!(
                "{extension}: check {check} is in the baseline but no longer declared"
            ));
        }
        for check in current.iter().filter(|c| !checks.contains(c)) {
            failures.push(format!(
                "{extension}: check {check} is declared but missing from the baseline"
            ));
        }
    }
    for extension in now
        .checks
        .keys()
        .filter(|e| !baseline.checks.contains_key(*e))
    {
        failures.push(format!(
            "{extension}: a bundled rule extension the baseline does not know"
        ));
    }
    (failures, warnings)
}

#[test]
fn fuel() {
    siloq_tests::guests::require_built();
    let path = baseline_path();
    let now = measure();
    if std::env::var("SILOQ_BLESS_FUEL").is_ok_and(|v| v == "1") {
        let (failures, _) = compare(&now, &now);
        assert!(
            failures.is_empty(),
            "not blessing a baseline that breaks the gate:\n{}",
            failures.join("\n")
        );
        let text = serde_json::to_string_pretty(&now).expect("serialize") + "\n";
        std::fs::write(&path, text).expect("write the fuel baseline");
        eprintln!("fuel: wrote {}", path.display());
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with SILOQ_BLESS_FUEL=1 cargo test -p siloq-tests --test fuel",
            path.display()
        )
    });
    let baseline: Baseline = serde_json::from_str(&text).expect("fuel-baseline.json");
    if baseline.rustc != now.rustc {
        let message = format!(
            "fuel: the baseline was recorded with `{}`, this build uses `{}`; refresh it alongside the toolchain \
             change with SILOQ_BLESS_FUEL=1 cargo test -p siloq-tests --test fuel",
            baseline.rustc, now.rustc
        );
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "{message}"
        );
        eprintln!("{message} (skipped outside CI)");
        return;
    }
    let (failures, warnings) = compare(&baseline, &now);
    for warning in &warnings {
        eprintln!("fuel: warning: {warning}");
    }
    assert!(
        failures.is_empty(),
        "fuel regression gate, {} problem(s) (SILOQ_BLESS_FUEL=1 rewrites the baseline after an intended \
         change):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_gate_flags_growth_drops_missing_and_new_entries() {
    let figures = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    let base = Baseline {
        rustc: "rustc 1.0.0".into(),
        components: BTreeMap::new(),
        checks: BTreeMap::from([("siloq.core-rules".into(), vec!["a.b".into(), "c.d".into()])]),
        fixtures: BTreeMap::from([
            (
                "p1".into(),
                figures(&[("siloq.core-rules", 1_000), (PIPELINE, 1_100)]),
            ),
            ("gone".into(), figures(&[("siloq.core-rules", 1)])),
        ]),
    };
    let mut now = base.clone();
    now.fixtures.remove("gone");
    now.fixtures
        .insert("new".into(), figures(&[("siloq.core-rules", 1)]));
    now.fixtures
        .get_mut("p1")
        .unwrap()
        .insert("siloq.core-rules".into(), 1_300);
    now.fixtures
        .get_mut("p1")
        .unwrap()
        .insert(PIPELINE.into(), 900);
    now.checks
        .insert("siloq.core-rules".into(), vec!["a.b".into(), "e.f".into()]);
    let (failures, warnings) = compare(&base, &now);
    let all = failures.join("\n");
    assert!(all.contains("p1/siloq.core-rules: 1000 -> 1300"), "{all}");
    assert!(all.contains("gone: in the baseline"), "{all}");
    assert!(
        all.contains("new: a fixture the baseline does not know"),
        "{all}"
    );
    assert!(all.contains("check c.d is in the baseline"), "{all}");
    assert!(all.contains("check e.f is declared"), "{all}");
    assert_eq!(failures.len(), 5, "{all}");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("p1/pipeline"));
    // 25 % growth exactly passes; a call over the upload line fails.
    now = base.clone();
    now.fixtures.remove("gone");
    now.fixtures
        .get_mut("p1")
        .unwrap()
        .insert("siloq.core-rules".into(), 1_250);
    now.fixtures.insert(
        "gone".into(),
        figures(&[("siloq.core-rules", MAX_CALL_FUEL + 1)]),
    );
    let (failures, _) = compare(&base, &now);
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(
        failures.iter().all(|f| f.starts_with("gone/")),
        "{failures:?}"
    );
}

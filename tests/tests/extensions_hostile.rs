//! The hostile-extension suite (extensions.md §10), at run time: every guest of `tests/guests` is loaded by the
//! kernel's host into a ruleset next to the bundled `siloq.core-rules` (and the bundled scorer and recommender)
//! and run on a real fixture page. Each case asserts the diagnostic reason §4.7 names and that the rest of the
//! page result survives. Components the loader must refuse (forbidden imports, wrong WIT version, wrong shape,
//! lying `describe`, garbage bytes) are asserted by their refusal code and message.
//!
//! The last tests run whole servers whose active revision holds `spin` or `panic` (seeded into the store: a
//! server validates ruleset-file components like uploads and refuses these, see `rulesets_file.rs`) or whose
//! ruleset file names `stamp`, and page syncs through the public API.
//!
//! Timing assertions take the fastest of a few runs: the defence either works (and the best run shows it) or it
//! does not; a busy CI machine only ever adds time.

use serde_json::{Value, json};
use siloq_kernel::extensions::{Limits, Ruleset};
use siloq_tests::TestApp;
use siloq_tests::guests::lab::{Entry, Lab, Outcome, Plan};
use siloq_tests::guests::{self, garbage, lab};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// A typical scanned page of the corpus.
const PAGE: &str = "01-good-article";

/// Tests that keep both cores busy for a while (eight spinning syncs, the memory child process) run alone; all
/// others share. Wall-clock deadlines are part of what is tested, and a starved thread would miss them.
static CPU: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

fn cpu_shared() -> tokio::sync::RwLockReadGuard<'static, ()> {
    CPU.blocking_read()
}

/// The bundled ruleset plus `guest` as a second rule, run once on [`PAGE`].
fn run_with(lab: &Lab, guest: Entry) -> Outcome {
    let ruleset = lab
        .load(&Plan::bundled().rule(guest))
        .expect("the guest loads");
    lab.run(&ruleset, &lab::page(PAGE))
}

/// The only diagnostic of `extension`; fails when there is none or more than one.
fn only_diagnostic<'a>(outcome: &'a Outcome, extension: &str) -> &'a lab::Diagnostic {
    let mine = outcome.diagnostics_of(extension);
    assert_eq!(
        mine.len(),
        1,
        "one diagnostic for {extension}: {:#?}",
        outcome.diagnostics
    );
    mine[0]
}

/// The other extensions' work survived: core rules reported, a score exists.
fn assert_rest_of_page_scored(outcome: &Outcome) {
    assert!(
        outcome.checks_of("siloq.core-rules").len() > 10,
        "the bundled rules still reported: {:?}",
        outcome.checks_of("siloq.core-rules")
    );
    assert!(outcome.score.is_some(), "the page is still scored");
}

fn fastest(runs: usize, mut run: impl FnMut() -> f64) -> f64 {
    (0..runs).map(|_| run()).fold(f64::INFINITY, f64::min)
}

#[test]
fn spin_is_stopped_within_60_ms_by_timeout_or_fuel_and_the_page_is_still_scored() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    let mut reasons = BTreeSet::new();
    let best = fastest(3, || {
        let outcome = run_with(lab, Entry::guest(guests::SPIN));
        let d = only_diagnostic(&outcome, "test.spin");
        assert_eq!(d.stage, "rule");
        reasons.insert(d.reason.clone());
        assert!(outcome.degraded, "a failed extension degrades the result");
        assert!(outcome.findings_of("test.spin").is_empty());
        assert_rest_of_page_scored(&outcome);
        d.duration_ms.expect("a call has a duration")
    });
    assert!(
        reasons
            .iter()
            .all(|r| r == "timeout" || r == "fuel_exhausted"),
        "spin ends in timeout or fuel_exhausted, got {reasons:?}"
    );
    assert!(best <= 60.0, "spin stopped after {best} ms (at most 60 ms)");
}

#[test]
fn spin_without_a_practical_deadline_ends_in_fuel_exhausted_the_same_way_every_time() {
    guests::require_built();
    let _cpu = cpu_shared();
    // Epochs practically off: the longest call timeout and page budget there are, and a fuel budget small enough
    // to run out long before them. (`HostOptions { epochs: false }` would be the real switch; see the report on
    // the host: with it the engine still interrupts every call at once.)
    let lab = Lab::with_limits(Limits {
        fuel_per_call: 20_000_000,
        call_timeout_ms: 500,
        page_budget_ms: 2_000,
        ..Limits::default()
    });
    let runs: Vec<(String, Option<u64>)> = (0..3)
        .map(|_| {
            let outcome = run_with(&lab, Entry::guest(guests::SPIN));
            let d = only_diagnostic(&outcome, "test.spin");
            (d.reason.clone(), d.fuel)
        })
        .collect();
    for (reason, fuel) in &runs {
        assert_eq!(reason, "fuel_exhausted");
        assert_eq!(*fuel, Some(20_000_000), "the whole budget was spent");
    }
}

#[test]
fn spin_without_a_practical_fuel_budget_ends_in_timeout_within_60_ms() {
    guests::require_built();
    let _cpu = cpu_shared();
    // Fuel practically off: the ceiling (1,000,000,000) takes far longer than the 50 ms deadline to burn.
    let lab = Lab::with_limits(Limits {
        fuel_per_call: 1_000_000_000,
        ..Limits::default()
    });
    let best = fastest(3, || {
        let outcome = run_with(&lab, Entry::guest(guests::SPIN));
        let d = only_diagnostic(&outcome, "test.spin");
        assert_eq!(d.reason, "timeout");
        assert_eq!(d.fuel, None, "a timed-out call reports no fuel figure");
        d.duration_ms.expect("a call has a duration")
    });
    assert!(best <= 60.0, "timeout after {best} ms (at most 60 ms)");
}

#[test]
fn memory_bomb_ends_in_memory_limit_and_the_next_good_call_succeeds() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    let best = fastest(3, || {
        let outcome = run_with(lab, Entry::guest(guests::MEMORY_BOMB));
        let d = only_diagnostic(&outcome, "test.memory-bomb");
        assert_eq!(d.reason, "memory_limit", "{d:?}");
        assert_rest_of_page_scored(&outcome);
        d.duration_ms.expect("a call has a duration")
    });
    assert!(best <= 50.0, "memory_limit after {best} ms (at most 50 ms)");
    let outcome = run_with(lab, Entry::guest(guests::STAMP));
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    assert_eq!(
        outcome.finding("test.stamp").and_then(|f| f.credit),
        Some(0.0)
    );
}

/// Runs `test` alone in a child process of this test binary (resident memory must not count other tests'
/// allocations); in the child, `SILOQ_TEST_CHILD` is set and the test body runs.
fn in_own_process(test: &str) -> bool {
    if std::env::var_os("SILOQ_TEST_CHILD").is_some() {
        return true;
    }
    let _cpu = CPU.blocking_write();
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args(["--exact", test, "--test-threads=1", "--nocapture"])
        .env("SILOQ_TEST_CHILD", "1")
        .output()
        .expect("run the test in its own process");
    assert!(
        out.status.success(),
        "{test} failed in its own process:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

#[test]
fn memory_bombs_leave_resident_memory_where_it_was() {
    if !in_own_process("memory_bombs_leave_resident_memory_where_it_was") {
        return;
    }
    guests::require_built();
    // Filling 32 MiB page by page takes longer than 50 ms on a small machine; this test is about memory, not time.
    let lab = Lab::with_limits(Limits {
        call_timeout_ms: 500,
        page_budget_ms: 2_000,
        ..Limits::default()
    });
    let reserve = lab
        .load(&Plan::empty().rule(Entry::guest(guests::MEMORY_BOMB)))
        .expect("loads");
    let touch = lab
        .load(&Plan::empty().rule(Entry::guest(guests::MEMORY_BOMB).config(json!({"touch": true}))))
        .expect("loads");
    let page = lab::page(PAGE);
    let bomb = |ruleset: &Ruleset| {
        let outcome = lab.run(ruleset, &page);
        let reasons: Vec<&str> = outcome
            .diagnostics
            .iter()
            .map(|d| d.reason.as_str())
            .collect();
        assert_eq!(reasons, ["memory_limit"]);
    };
    // Warm up: the pool's slots, the compiled code and the allocators exist after the first calls.
    for _ in 0..4 {
        bomb(&reserve);
        bomb(&touch);
    }
    let before = resident_bytes();
    for _ in 0..1_000 {
        bomb(&reserve);
    }
    // Four threads at once, each filling its instance's 32 MiB: pages kept resident would show as 128 MiB.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..25 {
                    bomb(&touch);
                }
            });
        }
    });
    let after = resident_bytes();
    assert!(
        after.saturating_sub(before) <= 50 << 20,
        "resident memory grew by {} MiB over 1,100 memory bombs",
        after.saturating_sub(before) >> 20
    );
    // And a good extension runs normally afterwards.
    let good = lab
        .load(&Plan::empty().rule(Entry::guest(guests::STAMP)))
        .expect("loads");
    assert!(lab.run(&good, &page).diagnostics.is_empty());
}

/// Resident set size of this process (`/proc/self/statm`, Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn deep_recursion_traps_within_5_ms_and_the_host_carries_on() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    let best = fastest(3, || {
        let outcome = run_with(lab, Entry::guest(guests::DEEP_RECURSION));
        let d = only_diagnostic(&outcome, "test.deep-recursion");
        assert_eq!(d.reason, "trap", "{d:?}");
        assert_rest_of_page_scored(&outcome);
        d.duration_ms.expect("a call has a duration")
    });
    assert!(
        best <= 5.0,
        "the stack overflow trapped after {best} ms (at most 5 ms)"
    );
    // The evaluation thread survived: a good extension runs next.
    let outcome = run_with(lab, Entry::guest(guests::STAMP));
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
}

#[test]
fn panic_traps_with_the_message_in_the_detail_and_does_not_poison_the_next_call() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    let ruleset = lab
        .load(&Plan::bundled().rule(Entry::guest(guests::PANIC)))
        .expect("loads");
    for call in 0..3 {
        let outcome = lab.run(&ruleset, &lab::page(PAGE));
        let d = only_diagnostic(&outcome, "test.panic");
        assert_eq!(d.reason, "trap", "call {call}: {d:?}");
        assert!(
            d.detail.contains("boom"),
            "call {call}: the panic message is kept: {:?}",
            d.detail
        );
        assert_rest_of_page_scored(&outcome);
    }
}

#[test]
fn sticky_state_sees_one_call_every_time() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    let ruleset = lab
        .load(&Plan::bundled().rule(Entry::guest(guests::STICKY_STATE)))
        .expect("loads");
    for page in [PAGE, "03-missing-title", PAGE, "02-wp-gutenberg"] {
        let outcome = lab.run(&ruleset, &lab::page(page));
        let finding = outcome
            .finding("test.sticky_state.calls")
            .expect("reported");
        assert_eq!(
            finding.details["calls"], 1,
            "{page}: nothing survives between calls"
        );
    }
}

#[test]
fn huge_output_is_discarded_whole_and_an_overlong_message_is_cut() {
    guests::require_built();
    let _cpu = cpu_shared();
    // Building and lifting 20 MiB takes 20-40 ms on an idle machine and several times that next to the other
    // tests; the longest deadlines keep time out of a test about size.
    let lab = Lab::with_limits(Limits {
        call_timeout_ms: 500,
        page_budget_ms: 2_000,
        ..Limits::default()
    });
    for mode in ["message-20mib", "findings-201"] {
        let outcome = run_with(
            &lab,
            Entry::guest(guests::HUGE_OUTPUT).config(json!({"mode": mode})),
        );
        let d = only_diagnostic(&outcome, "test.huge-output");
        assert_eq!(d.reason, "output_too_large", "{mode}: {d:?}");
        assert!(
            outcome.findings_of("test.huge-output").is_empty(),
            "{mode}: nothing of that call is kept"
        );
        assert!(outcome.degraded, "{mode}");
        assert_rest_of_page_scored(&outcome);
    }
    let outcome = run_with(
        &lab,
        Entry::guest(guests::HUGE_OUTPUT).config(json!({"mode": "message-2kib"})),
    );
    let d = only_diagnostic(&outcome, "test.huge-output");
    assert_eq!(d.reason, "output_truncated", "{d:?}");
    let kept = outcome
        .finding("test.huge_output.c000")
        .expect("the finding is kept");
    assert!(
        kept.message.len() <= 1024,
        "cut to 1 KiB: {} bytes",
        kept.message.len()
    );
    assert!(
        kept.message.len() >= 1022,
        "cut at the last character boundary: {} bytes",
        kept.message.len()
    );
    assert!(kept.message.chars().all(|c| c == 'é'));
}

#[test]
fn log_spam_is_cut_to_20_lines_and_the_call_otherwise_succeeds() {
    guests::require_built();
    let _cpu = cpu_shared();
    // 10,000 host calls and 1 MiB of standard error take a good part of 50 ms in a debug build; this test is
    // about what is kept, so the deadline gets headroom.
    let lab = &Lab::with_limits(Limits {
        call_timeout_ms: 500,
        page_budget_ms: 2_000,
        ..Limits::default()
    });
    let outcome = run_with(lab, Entry::guest(guests::LOG_SPAM));
    let mine = outcome.diagnostics_of("test.log-spam");
    assert!(
        mine.iter().all(|d| d.reason == "logs_truncated") && !mine.is_empty(),
        "one logs_truncated note and no failure: {mine:#?}"
    );
    assert_eq!(
        outcome.finding("test.log_spam.done").and_then(|f| f.credit),
        Some(0.0),
        "the finding of the call is kept"
    );
}

#[test]
fn exit_ends_the_call_with_exit_called() {
    guests::require_built();
    let _cpu = cpu_shared();
    let outcome = run_with(Lab::shared(), Entry::guest(guests::EXIT));
    assert_eq!(only_diagnostic(&outcome, "test.exit").reason, "exit_called");
    assert!(outcome.degraded);
    assert_rest_of_page_scored(&outcome);
}

#[test]
fn invalid_findings_are_dropped_one_by_one_and_valid_ones_kept() {
    guests::require_built();
    let _cpu = cpu_shared();
    let outcome = run_with(Lab::shared(), Entry::guest(guests::BAD_FINDINGS));
    let kept: Vec<&str> = outcome
        .findings_of("test.bad-findings")
        .iter()
        .map(|f| f.check.as_str())
        .collect();
    assert_eq!(
        kept,
        ["test.bad.valid", "test.bad.pass", "test.bad.duplicate"],
        "valid findings stay, in order; the first of a duplicate wins"
    );
    let diagnostics = outcome.diagnostics_of("test.bad-findings");
    assert!(
        diagnostics.iter().all(|d| d.reason == "invalid_finding"),
        "{diagnostics:#?}"
    );
    let details = diagnostics
        .iter()
        .map(|d| d.detail.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for bad in [
        "test.bad.undeclared",
        "test.bad.nan_credit",
        "test.bad.credit_high",
        "test.bad.credit_negative",
        "test.bad.wrong_category",
        "test.bad.reserved_key",
        "test.bad.blocking",
        "test.bad.weight",
        "test.bad.duplicate",
    ] {
        assert!(details.contains(bad), "a diagnostic names {bad}: {details}");
    }
    assert_rest_of_page_scored(&outcome);
}

#[test]
fn a_failing_scorer_falls_back_to_the_built_in_scorer() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    let page = lab::page(PAGE);
    // A revision without a scorer uses the built-in scorer by design (not degraded): the reference.
    let reference = lab.run(
        &lab.load(&Plan::bundled().no_scorer()).expect("loads"),
        &page,
    );
    assert!(!reference.degraded, "{:#?}", reference.diagnostics);
    let reference_score = reference.score.expect("scored");
    for mode in ["nan", "short", "negative", "over", "trap", "error"] {
        let plan =
            Plan::bundled().scorer(Entry::guest(guests::BAD_SCORER).config(json!({"mode": mode})));
        let outcome = lab.run(&lab.load(&plan).expect("loads"), &page);
        let d = only_diagnostic(&outcome, "test.bad-scorer");
        assert_eq!(d.stage, "scorer", "{mode}");
        assert!(
            outcome.degraded,
            "{mode}: the fallback marks the result degraded"
        );
        assert_eq!(
            outcome.score,
            Some(reference_score),
            "{mode}: the built-in scorer's score"
        );
        assert_eq!(
            outcome.points_lost(),
            reference.points_lost(),
            "{mode}: and its points lost"
        );
    }
}

#[test]
fn forbidden_imports_are_refused_at_load_naming_the_interface() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    for (bytes, interface) in [
        (guests::FS_READER, "wasi:filesystem/"),
        (guests::NET_CLIENT, "wasi:sockets/"),
        (guests::CLOCK_READER, "wasi:clocks/"),
        (guests::OS_RANDOM, "wasi:random/random"),
    ] {
        let refusal = lab
            .load(&Plan::bundled().rule(Entry::guest(bytes)))
            .expect_err(interface);
        assert_eq!(refusal.code, "forbidden_import", "{interface}: {refusal:?}");
        assert!(
            refusal.message.contains(interface),
            "{interface}: {refusal:?}"
        );
    }
}

#[test]
fn other_wit_versions_are_refused_by_exact_version() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    for (bytes, version) in [(guests::API_2_0_0, "2.0.0"), (guests::API_1_9_0, "1.9.0")] {
        let refusal = lab
            .load(&Plan::bundled().rule(Entry::guest(bytes)))
            .expect_err(version);
        assert_eq!(
            refusal.code, "unsupported_api_version",
            "{version}: {refusal:?}"
        );
        assert!(
            refusal.message.contains(version),
            "{version}: names the version: {refusal:?}"
        );
        assert!(
            refusal.message.contains("1.0.0"),
            "{version}: lists the supported ones: {refusal:?}"
        );
    }
}

#[test]
fn components_of_the_wrong_shape_or_with_a_lying_describe_are_invalid() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    for (name, bytes, says) in [
        ("two-exports", guests::TWO_EXPORTS, "export"),
        ("no-export", guests::NO_EXPORT, "export"),
        ("bad-describe-kind", guests::BAD_DESCRIBE_KIND, "kind"),
        (
            "bad-describe-duplicate-checks",
            guests::BAD_DESCRIBE_DUPLICATE_CHECKS,
            "test.dup.same",
        ),
        ("bad-describe-huge", guests::BAD_DESCRIBE_HUGE, "describe"),
    ] {
        let refusal = lab
            .load(&Plan::bundled().rule(Entry::guest(bytes)))
            .expect_err(name);
        assert_eq!(refusal.code, "invalid_component", "{name}: {refusal:?}");
        assert!(
            refusal.message.contains(says),
            "{name}: the message says why ({says}): {refusal:?}"
        );
    }
}

#[test]
fn garbage_bytes_are_refused_as_invalid_components_quickly() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    for (what, bytes) in garbage::all(guests::STAMP) {
        let started = Instant::now();
        let refusal = lab
            .load(&Plan::bundled().rule(Entry::bytes(bytes)))
            .expect_err(what);
        let took = started.elapsed();
        assert_eq!(refusal.code, "invalid_component", "{what}: {refusal:?}");
        assert!(
            took < Duration::from_millis(100),
            "{what}: refused after {took:?}"
        );
        if what == "a core module" {
            assert!(refusal.message.contains("core module"), "{refusal:?}");
        }
    }
}

#[test]
fn the_same_page_twice_and_on_two_instances_gives_the_same_findings_score_and_fuel() {
    guests::require_built();
    let _cpu = cpu_shared();
    // Two hosts (two engines, two pools): a second instance of the server, as far as scoring goes.
    let instances = [Lab::shared(), &Lab::new()];
    let plan = Plan::bundled()
        .rule(Entry::guest(guests::STICKY_STATE))
        .rule(Entry::guest(guests::LIGHT));
    let rulesets: Vec<_> = instances
        .iter()
        .map(|lab| lab.load(&plan).expect("loads"))
        .collect();
    for stem in [PAGE, "02-wp-gutenberg", "12-broken-hreflang"] {
        let page = lab::page(stem);
        let reference = instances[0].run(&rulesets[0], &page);
        assert!(
            reference.diagnostics.is_empty(),
            "{stem}: {:#?}",
            reference.diagnostics
        );
        assert!(reference.fuel().values().all(|f| *f > 0));
        for (lab, ruleset) in instances.iter().zip(&rulesets) {
            for _ in 0..2 {
                let again = lab.run(ruleset, &page);
                assert_eq!(again.findings, reference.findings, "{stem}");
                assert_eq!(again.score, reference.score, "{stem}");
                assert_eq!(again.points_lost(), reference.points_lost(), "{stem}");
                assert_eq!(
                    again.fuel(),
                    reference.fuel(),
                    "{stem}: fuel is deterministic"
                );
            }
        }
    }
}

// ---- Ruleset files (extensions.md §6.11): components named by path are loaded like uploads ----

/// A folder with `ruleset.toml` naming the bundled extensions plus `guest` (copied beside it as `guest.wasm`).
fn ruleset_dir(guest: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("guest.wasm"), guest).expect("write guest");
    std::fs::write(
        dir.path().join("ruleset.toml"),
        "comment = \"siloq-tests\"\n\n\
         [[rules]]\nextension = \"siloq.core-rules\"\n\n\
         [[rules]]\npath = \"guest.wasm\"\n\n\
         [scorer]\nextension = \"siloq.core-scorer\"\n\n\
         [[recommenders]]\nextension = \"siloq.core-recommender\"\n",
    )
    .expect("write ruleset");
    dir
}

#[test]
fn a_ruleset_file_runs_a_guest_named_by_path_next_to_the_bundled_extensions() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    let dir = ruleset_dir(guests::STAMP);
    let ruleset =
        Ruleset::from_file(lab.host(), &dir.path().join("ruleset.toml")).expect("the file loads");
    let outcome = lab.run(&ruleset, &lab::page(PAGE));
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    assert!(
        outcome.fired().contains("test.stamp"),
        "{:?}",
        outcome.fired()
    );
    assert_rest_of_page_scored(&outcome);
}

#[test]
fn a_ruleset_file_refuses_a_component_claiming_a_reserved_id_or_a_forbidden_import() {
    guests::require_built();
    let _cpu = cpu_shared();
    let lab = Lab::shared();
    for (bytes, says) in [
        (guests::BAD_DESCRIBE_RESERVED_ID, "siloq.fake"),
        (guests::FS_READER, "wasi:filesystem/"),
    ] {
        let dir = ruleset_dir(bytes);
        let error =
            Ruleset::from_file(lab.host(), &dir.path().join("ruleset.toml")).expect_err(says);
        assert!(error.0.contains("guest.wasm"), "names the entry: {error}");
        assert!(error.0.contains(says), "says why ({says}): {error}");
    }
}

// ---- Whole servers: the active revision holds a guest; pages are synced through the public API ----

/// A server whose active revision is the bundled extensions plus `guest` (after core-rules). The guest is put in
/// the store as it is, without the upload validation, which refuses a guest that spins or panics on the
/// conformance pages (a server's ruleset file is validated like an upload too): these tests are about what the
/// runtime does when a component in the active revision misbehaves on real pages.
async fn spawn_serving(
    guest: &[u8],
    tweak: impl FnOnce(&mut siloq_kernel::config::Config),
) -> TestApp {
    let app = TestApp::spawn_with(tweak).await;
    let state = app.state();
    let ext = state
        .extensions
        .load_extension(guest)
        .expect("the guest compiles and describes itself");
    let new = siloq_kernel::db::NewExtensionVersion {
        extension: ext.id().to_string(),
        version: ext.version().to_string(),
        kind: ext.kind().as_str().to_string(),
        api_version: ext.api_version().to_string(),
        sha256: ext.sha256().to_string(),
        bytes: guest.to_vec(),
        info: siloq_kernel::rulesets::registry::info_json(&ext),
        report: json!({"seeded_by": "siloq-tests"}),
        source: "upload".into(),
        created_by: None,
    };
    let (row, _) = state
        .store
        .register_extension_version(&new)
        .await
        .expect("stored");
    let staff = app.staff_user("ops@x.test").await;
    let active = app
        .get("/api/v1/rulesets/active/")
        .bearer(&staff.token)
        .send()
        .await
        .expect(200)
        .json;
    let mut entries: Vec<Value> = active["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| json!({"extension_version_id": e["extension_version_id"]}))
        .collect();
    entries.insert(1, json!({"extension_version_id": row.id}));
    app.post("/api/v1/rulesets/")
        .bearer(&staff.token)
        .json(&json!({"entries": entries, "comment": "bundled plus a hostile guest"}))
        .send()
        .await
        .expect(201);
    app
}

/// Syncs one small page into a fresh site of a fresh user (staff when asked) and returns the sync's answer and
/// the page's SEO view as that user sees it.
async fn sync_one(app: &TestApp, n: i64, staff: bool) -> (Value, Value) {
    let email = format!("owner{n}@x.test");
    let owner = if staff {
        app.staff_user(&email).await
    } else {
        app.user(&email).await
    };
    let site = app.site(&owner, &format!("https://site{n}.example")).await;
    let key = app.key(site).await;
    let body = json!({"wp_post_id": n, "url": format!("https://site{n}.example/drain-cleaning/"),
        "title": "Drain cleaning in Springfield",
        "content": "<h2>Blocked drains</h2><p>We clear blocked drains and sinks the same day, every day.</p>"});
    let r = app
        .post("/api/v1/pages/sync")
        .bearer(&key)
        .json(&body)
        .send()
        .await;
    assert!(
        [200, 201].contains(&r.status()),
        "sync answers 200/201: {} {}",
        r.status(),
        r.json
    );
    let id = r.i64("page_id");
    let seo = app
        .get(&format!("/api/v1/pages/{id}/seo"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200)
        .json;
    (r.json, seo)
}

fn issue_types(seo: &Value) -> BTreeSet<&str> {
    seo["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| i["type"].as_str())
        .collect()
}

#[tokio::test]
async fn a_server_with_spin_in_its_active_revision_scores_pages_degraded_and_stays_healthy() {
    guests::require_built();
    let _cpu = CPU.write().await;
    let app = spawn_serving(guests::SPIN, |_| {}).await;
    let (sync, seo) = sync_one(&app, 1, false).await;
    assert!(
        sync["seo_score"].is_i64(),
        "scored by the other extensions: {sync}"
    );
    assert_eq!(seo["degraded"], true, "{seo}");
    assert!(
        issue_types(&seo).len() > 1,
        "the bundled rules' issues: {seo}"
    );
    let diagnostics = seo["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["extension"], "test.spin");
    assert_eq!(diagnostics[0]["stage"], "rule");
    assert!(
        ["timeout", "fuel_exhausted"].contains(&diagnostics[0]["reason"].as_str().unwrap()),
        "{diagnostics:?}"
    );
    assert!(
        diagnostics[0].get("detail").is_none(),
        "the detail is for staff only"
    );

    // Eight spinning syncs at once; liveness answers meanwhile.
    let syncs = futures_util::future::join_all((10..18).map(|n| sync_one(&app, n, false)));
    let health = async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let started = Instant::now();
        let r = app.get("/healthz").send().await;
        (r.status(), started.elapsed())
    };
    let (results, (status, took)) = tokio::join!(syncs, health);
    assert_eq!(status, 200);
    assert!(
        took < Duration::from_millis(100),
        "/healthz took {took:?} while 8 syncs spun"
    );
    for (_, seo) in results {
        assert_eq!(seo["degraded"], true, "{seo}");
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_panicking_guest_shows_its_message_to_staff_only() {
    guests::require_built();
    let _cpu = CPU.read().await;
    let app = spawn_serving(guests::PANIC, |_| {}).await;
    let (_, owner_view) = sync_one(&app, 1, false).await;
    let (_, staff_view) = sync_one(&app, 2, true).await;
    for seo in [&owner_view, &staff_view] {
        assert_eq!(seo["degraded"], true, "{seo}");
        assert_eq!(seo["diagnostics"][0]["reason"], "trap", "{seo}");
    }
    assert!(owner_view["diagnostics"][0].get("detail").is_none());
    let detail = staff_view["diagnostics"][0]["detail"]
        .as_str()
        .expect("staff see the detail");
    assert!(detail.contains("boom"), "{detail}");
    app.shutdown().await;
}

#[tokio::test]
async fn a_guest_named_in_the_ruleset_file_changes_a_synced_pages_issues() {
    guests::require_built();
    let _cpu = CPU.read().await;
    // `stamp` passes the upload validation, so a ruleset file can name it.
    let dir = ruleset_dir(guests::STAMP);
    let file = dir.path().join("ruleset.toml");
    let app = TestApp::spawn_with(|config| {
        config.extensions.ruleset_file = file.to_string_lossy().into_owned();
    })
    .await;
    let (_, seo) = sync_one(&app, 1, false).await;
    let types = issue_types(&seo);
    assert!(types.contains("test.stamp"), "{types:?}");
    assert!(types.len() > 1, "the bundled rules ran too: {types:?}");
    assert_eq!(seo["degraded"], false, "{seo}");
    let stamp = seo["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "test.stamp")
        .unwrap();
    assert_eq!(stamp["details"]["extension"], "test.stamp");
    app.shutdown().await;

    // The same server without the file serves the bundled ruleset: no stamp.
    let app = TestApp::spawn().await;
    let (_, seo) = sync_one(&app, 1, false).await;
    assert!(!issue_types(&seo).contains("test.stamp"));
    app.shutdown().await;
}

#[tokio::test]
async fn two_hundred_concurrent_syncs_with_spin_are_all_stored_and_all_scored_in_the_end() {
    guests::require_built();
    let _cpu = CPU.write().await;
    // A short wait for an evaluation thread, so that many syncs are deferred to the re-scoring job.
    let app = spawn_serving(guests::SPIN, |config| {
        config.extensions.queue_wait_ms = 200;
    })
    .await;
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://busy.example").await;
    let key = app.key(site).await;
    let statuses = futures_util::future::join_all((1..=200).map(|n| {
        let (app, key) = (&app, &key);
        async move {
            let body = json!({"wp_post_id": n, "url": format!("https://busy.example/page-{n}/"),
                "title": format!("Busy page number {n}"),
                "content": "<h2>Busy</h2><p>Two hundred pages arrive at the same moment.</p>"});
            app.post("/api/v1/pages/sync")
                .bearer(key)
                .json(&body)
                .send()
                .await
                .status()
        }
    }))
    .await;
    assert!(
        statuses.iter().all(|s| [200, 201].contains(s)),
        "no sync fails: {statuses:?}"
    );
    let count = |query: &'static str| {
        let (app, token) = (&app, owner.token.clone());
        async move {
            app.get(&format!("/api/v1/pages?site_id={}{query}", site.0))
                .bearer(&token)
                .send()
                .await
                .expect(200)
                .json["count"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(count("").await, 200, "every sync is stored");
    let scored_at_once = count("&min_score=0").await;
    assert!(
        scored_at_once < 200,
        "some syncs waited longer than queue_wait_ms and were deferred (the path under test)"
    );
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let scored = count("&min_score=0").await;
        if scored == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {scored} of 200 pages were scored after 90 s"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    app.shutdown().await;
}

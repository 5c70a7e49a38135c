//! Tail latencies for the benchmarks (extensions.md §11.1): criterion reports means and medians, the goals are
//! about tails, so each group is also timed sample by sample; p50, p99 and p99.9 go to the console and to a JSON
//! file under `target/criterion/`. Shared by `kernel/benches/extensions.rs` and `tests/benches/rule_light.rs`.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

static RECORDED: Mutex<Vec<(String, Value)>> = Mutex::new(Vec::new());

/// Times `f` `n` times one by one (after `n / 10` warm-up calls) and records p50, p99 and p99.9.
pub fn percentiles(name: &str, n: usize, mut f: impl FnMut()) {
    for _ in 0..n / 10 {
        f();
    }
    let mut samples: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (p50, p99, p999) = (at(0.50), at(0.99), at(0.999));
    println!(
        "{name}: p50 {:.1} µs, p99 {:.1} µs, p99.9 {:.1} µs ({n} samples)",
        us(p50),
        us(p99),
        us(p999)
    );
    record(
        name,
        json!({"p50_us": us(p50), "p99_us": us(p99), "p999_us": us(p999), "samples": n}),
    );
}

/// Records a figure under `name`.
pub fn record(name: &str, value: Value) {
    RECORDED.lock().unwrap().push((name.to_string(), value));
}

/// Writes everything recorded to `target/criterion/<file>`.
pub fn write(file: &str) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("criterion");
    let _ = std::fs::create_dir_all(&dir);
    let all: serde_json::Map<String, Value> = RECORDED.lock().unwrap().iter().cloned().collect();
    let path = dir.join(file);
    if let Err(e) = std::fs::write(&path, serde_json::to_string_pretty(&all).unwrap()) {
        eprintln!("cannot write {}: {e}", path.display());
    }
}

//! A small closed-loop HTTP load generator for Siloq's benchmarks: N concurrent clients send the same request
//! for a fixed duration, then the tool prints requests/s and latency percentiles.
//!
//! Usage: `siloq-load --url URL [--method POST] [--header 'Name: value']... [--body JSON | --body-template JSON]
//!         [--concurrency 16] [--seconds 10]`
//! `--body-template` replaces `{n}` with a per-request counter (distinct pages for sync benchmarks).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Args {
    url: String,
    method: reqwest::Method,
    headers: Vec<(String, String)>,
    body: Option<String>,
    template: bool,
    concurrency: usize,
    seconds: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        method: reqwest::Method::GET,
        headers: Vec::new(),
        body: None,
        template: false,
        concurrency: 16,
        seconds: 10,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = value()?,
            "--method" => args.method = value()?.parse().map_err(|_| "bad method")?,
            "--header" => {
                let h = value()?;
                let (name, v) = h.split_once(':').ok_or("header must be 'Name: value'")?;
                args.headers
                    .push((name.trim().to_string(), v.trim().to_string()));
            }
            "--body" => args.body = Some(value()?),
            "--body-template" => {
                args.body = Some(value()?);
                args.template = true;
            }
            "--concurrency" => {
                args.concurrency = value()?.parse().map_err(|_| "bad concurrency")?
            }
            "--seconds" => args.seconds = value()?.parse().map_err(|_| "bad seconds")?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.url.is_empty() {
        return Err("--url is required".into());
    }
    Ok(args)
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => Arc::new(a),
        Err(e) => {
            eprintln!("siloq-load: {e}");
            std::process::exit(2);
        }
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()
        .expect("client");
    let counter = Arc::new(AtomicU64::new(1)); // `{n}` starts at 1: ids such as wp_post_id must be positive
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (client, args, counter) = (client.clone(), args.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let mut req = client.request(args.method.clone(), &args.url);
                for (name, value) in &args.headers {
                    req = req.header(name, value);
                }
                if let Some(body) = &args.body {
                    let body = if args.template {
                        body.replace("{n}", &n.to_string())
                    } else {
                        body.clone()
                    };
                    req = req.header("content-type", "application/json").body(body);
                }
                let started = Instant::now();
                match req.send().await {
                    Ok(resp) if resp.status().is_success() => {
                        let _ = resp.bytes().await;
                        latencies.push(started.elapsed());
                    }
                    Ok(resp) => {
                        errors += 1;
                        let _ = resp.bytes().await;
                    }
                    Err(_) => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await.expect("client task");
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64().max(f64::EPSILON);
    latencies.sort();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let idx = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[idx].as_secs_f64() * 1000.0
    };
    println!(
        "requests={} errors={} concurrency={} seconds={:.1} rps={:.1} p50_ms={:.2} p90_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        latencies.len(),
        errors,
        args.concurrency,
        elapsed,
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
}

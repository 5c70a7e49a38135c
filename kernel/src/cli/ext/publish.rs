//! `siloq ext publish COMPONENT --url URL --token TOKEN` (extensions.md §8): uploads a component to a server's
//! `POST /api/v1/extensions/` with a staff token and prints the server's answer: the stored version with its
//! validation report, or the reason it was refused.

use super::{Failure, Outcome};
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;

/// What the command needs.
pub(crate) struct Options<'a> {
    pub component: &'a Path,
    pub url: &'a str,
    pub token: &'a str,
}

pub(crate) fn run(options: &Options<'_>) -> Outcome {
    let bytes = std::fs::read(options.component)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", options.component.display())))?;
    if options.token.trim().is_empty() {
        return Err(Failure::usage(
            "a staff access token is needed: --token or SILOQ_TOKEN",
        ));
    }
    let endpoint = format!("{}/api/v1/extensions/", options.url.trim_end_matches('/'));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(format!("cannot start the async runtime: {e}")))?;
    let (status, body) = runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(&endpoint)
            .bearer_auth(options.token.trim())
            .header("content-type", "application/wasm")
            .body(bytes)
            .send()
            .await
            .map_err(|e| Failure::failed(format!("cannot reach {endpoint}: {e}")))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        Ok::<_, Failure>((
            status,
            serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text)),
        ))
    })?;
    match status {
        200 | 201 => {
            let verb = if status == 201 {
                "published"
            } else {
                "already published"
            };
            println!(
                "{verb}: {} {} · {} · id {} · sha256 {}",
                body["extension"].as_str().unwrap_or("?"),
                body["version"].as_str().unwrap_or("?"),
                body["kind"].as_str().unwrap_or("?"),
                body["id"],
                super::short_hash(body["sha256"].as_str().unwrap_or("")),
            );
            if let Some(fixtures) = body["validation_report"]["fixtures"].as_array() {
                for f in fixtures {
                    println!(
                        "  {:<24} fuel {:>14}  {:>8} ms  {}",
                        f["name"].as_str().unwrap_or("?"),
                        f["fuel"]
                            .as_u64()
                            .map_or_else(|| "-".into(), super::thousands),
                        f["duration_ms"],
                        if f["ok"] == true { "ok" } else { "FAILED" },
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(Failure::failed(format!(
            "the server refused the component ({status}): {}",
            body.get("detail")
                .and_then(Value::as_str)
                .map_or_else(|| body.to_string(), str::to_string)
        ))),
    }
}

//! `siloq ext build [--path DIR] [--target-dir DIR]` (extensions.md §6.1, §8): makes sure the `wasm32-wasip2`
//! target is installed (with rustup when it is missing), runs `cargo build --release --target wasm32-wasip2`
//! in the crate, then the checks of `ext check`, and prints the component's path, size, SHA-256, kind and API
//! version.
//!
//! The nested cargo inherits the environment (`CARGO_HOME`, `RUSTUP_TOOLCHAIN`, offline settings) except what
//! would point the build somewhere else or change the guest's code: `RUSTFLAGS` and friends, a build target and
//! a target directory from the environment. The crate's own `target/` is used unless `--target-dir` is given.

use super::{Failure, Outcome, bytes};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const TARGET: &str = "wasm32-wasip2";

/// Variables that must not reach the nested build.
const CLEARED: [&str; 8] = [
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_BUILD_TARGET",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "RUSTC_WORKSPACE_WRAPPER",
    // Set when this binary runs under `cargo run` or `cargo test`: it names the outer package, not the crate.
    "CARGO_MANIFEST_DIR",
];

fn tool(var: &str, name: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(name), PathBuf::from)
}

fn command(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir);
    for var in CLEARED {
        cmd.env_remove(var);
    }
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_TARGET_") && key.ends_with("_RUSTFLAGS") {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd
}

fn output(cmd: &mut Command, what: &str) -> Result<String, Failure> {
    let out = cmd
        .output()
        .map_err(|e| Failure::failed(format!("cannot run {what}: {e}")))?;
    if !out.status.success() {
        return Err(Failure::failed(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// rustup on `PATH`, else in `$CARGO_HOME/bin` (or `~/.cargo/bin`).
fn find_rustup() -> Option<PathBuf> {
    let exe = format!("rustup{}", std::env::consts::EXE_SUFFIX);
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(&exe));
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin").join(&exe));
    on_path.chain(in_cargo_home).find(|p| p.is_file())
}

fn target_installed(sysroot: &Path) -> bool {
    sysroot
        .join("lib/rustlib")
        .join(TARGET)
        .join("lib")
        .is_dir()
}

/// The standard library for `wasm32-wasip2` of the toolchain that builds in `dir`, installed with rustup when
/// missing.
fn ensure_target(dir: &Path) -> Result<(), Failure> {
    let rustc = tool("RUSTC", "rustc");
    let sysroot = PathBuf::from(output(
        command(&rustc, dir).args(["--print", "sysroot"]),
        "rustc --print sysroot",
    )?);
    if target_installed(&sysroot) {
        return Ok(());
    }
    let version = output(command(&rustc, dir).arg("--version"), "rustc --version")
        .unwrap_or_else(|_| "rustc".into());
    let manual = format!(
        "install it with `rustup target add {TARGET}` or your distribution's standard library for {TARGET}"
    );
    let Some(rustup) = find_rustup() else {
        return Err(Failure::failed(format!(
            "the Rust target {TARGET} is not installed for {version} (sysroot {}) and rustup was not found; \
             {manual}",
            sysroot.display()
        )));
    };
    eprintln!("siloq ext: installing the Rust target {TARGET} with rustup");
    let status = command(&rustup, dir)
        .args(["target", "add", TARGET])
        .status();
    if target_installed(&sysroot) {
        return Ok(());
    }
    let why = match status {
        Ok(s) => format!("rustup target add {TARGET} ended with {s}"),
        Err(e) => format!("rustup could not run: {e}"),
    };
    Err(Failure::failed(format!(
        "the Rust target {TARGET} is not installed for {version} and {why}; {manual}"
    )))
}

/// Runs the release build; returns the `.wasm` files cargo reported (cdylib artifacts of the crate).
fn cargo_build(dir: &Path, target_dir: Option<&Path>) -> Result<Vec<PathBuf>, Failure> {
    let mut cmd = command(tool("CARGO", "cargo"), dir);
    cmd.args([
        "build",
        "--release",
        "--target",
        TARGET,
        "--message-format=json-render-diagnostics",
    ]);
    if let Some(t) = target_dir {
        cmd.arg("--target-dir").arg(t);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut child = cmd
        .spawn()
        .map_err(|e| Failure::failed(format!("cannot run cargo: {e}")))?;
    let mut wasm = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if msg["reason"] != "compiler-artifact" {
                continue;
            }
            let cdylib = msg["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "cdylib"));
            if !cdylib {
                continue;
            }
            wasm.extend(
                msg["filenames"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f.as_str())
                    .filter(|f| f.ends_with(".wasm"))
                    .map(PathBuf::from),
            );
        }
    }
    let status = child
        .wait()
        .map_err(|e| Failure::failed(format!("cargo did not finish: {e}")))?;
    if !status.success() {
        return Err(Failure::failed(format!(
            "cargo build --release --target {TARGET} failed ({status}); the compiler's messages are above"
        )));
    }
    Ok(wasm)
}

pub(super) fn run(dir: &Path, target_dir: Option<&Path>) -> Outcome {
    if !dir.join("Cargo.toml").is_file() {
        return Err(Failure::usage(format!(
            "{} holds no Cargo.toml (give the extension crate with --path)",
            dir.display()
        )));
    }
    ensure_target(dir)?;
    let wasm = cargo_build(dir, target_dir)?;
    let path = match wasm.as_slice() {
        [] => {
            return Err(Failure::failed(
                "the build produced no .wasm component: the crate needs `[lib] crate-type = [\"cdylib\", \"rlib\"]`",
            ));
        }
        [one] => one.clone(),
        many => {
            return Err(Failure::failed(format!(
                "the build produced several components ({}); build one extension crate at a time",
                many.iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let bytes_read = std::fs::read(&path)
        .map_err(|e| Failure::failed(format!("cannot read {}: {e}", path.display())))?;
    let host = super::host()?;
    let verdict = super::check::check(&host, &path, &bytes_read);
    println!();
    print!("{}", verdict.report);
    let Some(ext) = verdict.ext.filter(|_| verdict.accepted) else {
        return Ok(ExitCode::from(1));
    };
    println!();
    println!("built {}", path.display());
    println!(
        "  {} {} · {} · siloq:rules@{} · {} · sha256 {}",
        ext.id(),
        ext.version(),
        ext.kind().as_str(),
        ext.api_version(),
        bytes(ext.size()),
        ext.sha256()
    );
    Ok(ExitCode::SUCCESS)
}

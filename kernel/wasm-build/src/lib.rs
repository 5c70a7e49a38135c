//! Build-script helper for Siloq's WebAssembly components (extensions.md §9).
//!
//! Build scripts (`kernel/build.rs`, `tests/build.rs`) call [`ensure_target`] once and then [`build`] with the
//! packages they embed. The nested cargo gets its own target directory (so it never waits on the outer build's
//! lock), a cleaned environment (host flags such as `-C target-cpu=native` must not reach guests) and
//! `--remap-path-prefix` flags, so a component is byte-for-byte the same on every checkout path: its SHA-256 and
//! its fuel figures stay stable.
//!
//! This crate prints `cargo::warning=` lines itself: it only ever runs inside a build script.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The Rust target components are built for.
pub const TARGET: &str = "wasm32-wasip2";
/// The cargo profile of components (root `Cargo.toml`: small, LTO, stripped).
pub const PROFILE: &str = "wasm-release";

/// Why components could not be built. `Display` is the whole message a build script should print.
#[derive(Debug)]
pub enum Error {
    /// The target is not installed and could not be installed.
    TargetMissing {
        rustc_version: String,
        sysroot: PathBuf,
        /// What happened when rustup was tried; `None` when rustup was not found.
        rustup: Option<String>,
    },
    /// `rustc` or `cargo` could not be run at all.
    Tool { what: String, error: String },
    /// The nested cargo build failed; its diagnostics went to standard error.
    Build { status: String },
    /// The build succeeded but a package produced no `.wasm` file.
    NoArtifact { package: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TargetMissing {
                rustc_version,
                sysroot,
                rustup,
            } => {
                let why = match rustup {
                    None => "and rustup was not found to install it".to_string(),
                    Some(failure) => format!("and installing it with rustup failed ({failure})"),
                };
                write!(
                    f,
                    "error: Siloq's default extensions need the Rust target `{TARGET}`, which is\n\
                     not installed for this toolchain ({rustc_version}, sysroot {}), {why}.\n\
                     \x20 - with rustup:    rustup target add {TARGET}\n\
                     \x20 - without rustup: install your distribution's standard library for {TARGET}\n\
                     \x20 - or set SILOQ_EXTENSIONS_PREBUILT to a folder that holds core-rules.wasm,\n\
                     \x20   core-scorer.wasm, core-recommender.wasm and core-site-rules.wasm",
                    sysroot.display()
                )
            }
            Error::Tool { what, error } => write!(f, "error: could not run {what}: {error}"),
            Error::Build { status } => write!(
                f,
                "error: building the WebAssembly components for {TARGET} failed ({status}); the compiler's \
                 messages are above"
            ),
            Error::NoArtifact { package } => write!(
                f,
                "error: package `{package}` built for {TARGET} but produced no .wasm file (is its crate-type \
                 `cdylib`?)"
            ),
        }
    }
}

impl std::error::Error for Error {}

fn rustc() -> PathBuf {
    std::env::var_os("RUSTC").map_or_else(|| "rustc".into(), PathBuf::from)
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
}

fn output_of(cmd: &mut Command, what: &str) -> Result<String, Error> {
    let out = cmd.output().map_err(|e| Error::Tool {
        what: what.into(),
        error: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(Error::Tool {
            what: what.into(),
            error: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn target_installed(sysroot: &Path) -> bool {
    sysroot
        .join("lib/rustlib")
        .join(TARGET)
        .join("lib")
        .is_dir()
}

/// rustup on `PATH`, else in `$CARGO_HOME/bin` (or `~/.cargo/bin`).
fn find_rustup() -> Option<PathBuf> {
    let exe = format!("rustup{}", std::env::consts::EXE_SUFFIX);
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(&exe));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin").join(&exe));
    on_path.chain(cargo_home).find(|p| p.is_file())
}

/// Makes sure the standard library for [`TARGET`] is installed for the running toolchain: found in
/// `$RUSTC --print sysroot`, else installed with rustup (with a `cargo::warning`), else a clear [`Error`].
pub fn ensure_target() -> Result<(), Error> {
    let sysroot = PathBuf::from(output_of(
        Command::new(rustc()).args(["--print", "sysroot"]),
        "rustc --print sysroot",
    )?);
    if target_installed(&sysroot) {
        return Ok(());
    }
    let rustc_version = output_of(Command::new(rustc()).arg("--version"), "rustc --version")
        .unwrap_or_else(|_| "rustc".into());
    let Some(rustup) = find_rustup() else {
        return Err(Error::TargetMissing {
            rustc_version,
            sysroot,
            rustup: None,
        });
    };
    let mut cmd = Command::new(&rustup);
    cmd.args(["target", "add", TARGET]);
    if let Some(toolchain) = std::env::var_os("RUSTUP_TOOLCHAIN") {
        cmd.arg("--toolchain").arg(toolchain);
    }
    println!(
        "cargo::warning=installing the Rust target {TARGET} with rustup (Siloq's default extensions need it)"
    );
    let failure = match cmd.stdout(Stdio::null()).output() {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        Err(e) => Some(e.to_string()),
    };
    if target_installed(&sysroot) {
        return Ok(());
    }
    Err(Error::TargetMissing {
        rustc_version,
        sysroot,
        rustup: Some(failure.unwrap_or_else(|| "the target is still missing afterwards".into())),
    })
}

/// One nested build: some packages of one workspace, for [`TARGET`] with [`PROFILE`].
#[derive(Debug, Clone)]
pub struct Build {
    /// The workspace's root `Cargo.toml` (or any manifest inside it).
    pub manifest: PathBuf,
    /// Package names (`-p`), e.g. `siloq-core-rules`.
    pub packages: Vec<String>,
    /// A target directory of its own, e.g. `<outer target>/siloq-wasm`.
    pub target_dir: PathBuf,
    /// Source paths rewritten in the components, as `(from, to)`: the workspace root to `/siloq` and the cargo
    /// home to `/cargo` by default ([`Build::new`]).
    pub remap: Vec<(PathBuf, String)>,
    /// Pass `--locked` (the default): `Cargo.lock` is committed and must not change during a build.
    pub locked: bool,
}

/// A built component.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub package: String,
    pub path: PathBuf,
}

impl Build {
    /// A build of `packages` of the workspace whose root manifest is `manifest`, with the default remapping
    /// (workspace root to `/siloq`, cargo home to `/cargo`) and `--locked`.
    pub fn new(
        manifest: impl Into<PathBuf>,
        packages: &[&str],
        target_dir: impl Into<PathBuf>,
    ) -> Self {
        let manifest = manifest.into();
        let mut remap = Vec::new();
        if let Some(root) = manifest.parent() {
            remap.push((root.to_path_buf(), "/siloq".to_string()));
        }
        if let Some(home) = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        {
            remap.push((home, "/cargo".to_string()));
        }
        Build {
            manifest,
            packages: packages.iter().map(|p| p.to_string()).collect(),
            target_dir: target_dir.into(),
            remap,
            locked: true,
        }
    }

    /// Runs the nested `cargo build` and returns one artifact per package, in the order of `packages`.
    /// Compiler messages go to standard error (a build script shows them when it fails).
    pub fn run(&self) -> Result<Vec<Artifact>, Error> {
        let mut cmd = Command::new(cargo());
        cmd.arg("build");
        if self.locked {
            cmd.arg("--locked");
        }
        cmd.args(["--profile", PROFILE, "--target", TARGET])
            .arg("--manifest-path")
            .arg(&self.manifest)
            .arg("--target-dir")
            .arg(&self.target_dir)
            .arg("--message-format=json-render-diagnostics");
        for package in &self.packages {
            cmd.args(["-p", package]);
        }
        for var in [
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_BUILD_RUSTFLAGS",
            "CARGO_BUILD_TARGET",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET_DIR",
            // `cargo clippy` sets this for the outer build; the guests are compiled, not linted, here.
            "RUSTC_WORKSPACE_WRAPPER",
        ] {
            cmd.env_remove(var);
        }
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_TARGET_") && key.ends_with("_RUSTFLAGS") {
                cmd.env_remove(key.as_ref());
            }
        }
        // One flag per line, as CARGO_ENCODED_RUSTFLAGS wants (0x1f separated).
        let flags: Vec<String> = self
            .remap
            .iter()
            .map(|(from, to)| format!("--remap-path-prefix={}={to}", from.display()))
            .collect();
        cmd.env("CARGO_ENCODED_RUSTFLAGS", flags.join("\u{1f}"));
        cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());

        let out = cmd.output().map_err(|e| Error::Tool {
            what: "cargo build".into(),
            error: e.to_string(),
        })?;
        if !out.status.success() {
            return Err(Error::Build {
                status: out.status.to_string(),
            });
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        self.packages
            .iter()
            .map(|package| {
                find_artifact(&stdout, package)
                    .map(|path| Artifact {
                        package: package.clone(),
                        path,
                    })
                    .ok_or_else(|| Error::NoArtifact {
                        package: package.clone(),
                    })
            })
            .collect()
    }
}

/// The `.wasm` file of `package` among cargo's JSON messages (`compiler-artifact` of its cdylib target).
fn find_artifact(messages: &str, package: &str) -> Option<PathBuf> {
    let lib_name = package.replace('-', "_");
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == lib_name.as_str())
        .flat_map(|m| {
            m["filenames"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| f.as_str().map(PathBuf::from))
        })
        .find(|p| p.extension().is_some_and(|e| e == "wasm"))
}

/// A target directory for nested builds beside the outer one: `OUT_DIR` is `<target>/<profile>/build/<pkg>/out`
/// (or `<target>/<triple>/<profile>/...`), so this is `<that target>/<name>`.
pub fn target_dir_from_out_dir(out_dir: &Path, name: &str) -> PathBuf {
    out_dir.ancestors().nth(4).unwrap_or(out_dir).join(name)
}

/// Prints `cargo::rerun-if-changed` for each path (a directory is watched recursively by cargo).
pub fn rerun_if_changed(paths: &[PathBuf]) {
    for path in paths {
        println!("cargo::rerun-if-changed={}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_is_found_among_cargo_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"serde","kind":["lib"]},"filenames":["/t/libserde.rlib"]}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"name":"siloq_core_rules","kind":["cdylib","rlib"]},"filenames":["/t/siloq_core_rules.wasm","/t/libsiloq_core_rules.rlib"]}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#
        );
        assert_eq!(
            find_artifact(messages, "siloq-core-rules"),
            Some(PathBuf::from("/t/siloq_core_rules.wasm"))
        );
        assert_eq!(find_artifact(messages, "siloq-core-scorer"), None);
    }

    #[test]
    fn nested_target_dir_sits_beside_the_profile_dirs() {
        let out = Path::new("/w/target/debug/build/siloq-kernel-0123/out");
        assert_eq!(
            target_dir_from_out_dir(out, "siloq-wasm"),
            PathBuf::from("/w/target/siloq-wasm")
        );
    }

    #[test]
    fn missing_target_message_names_the_remedies() {
        let msg = Error::TargetMissing {
            rustc_version: "rustc 1.95.0".into(),
            sysroot: "/s".into(),
            rustup: None,
        }
        .to_string();
        assert!(msg.contains("rustup target add wasm32-wasip2"));
        assert!(msg.contains("SILOQ_EXTENSIONS_PREBUILT"));
        assert!(msg.contains("rustup was not found"));
    }
}

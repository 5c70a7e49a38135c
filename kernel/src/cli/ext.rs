//! `siloq ext ...`: the commands extension authors run (extensions.md §8). They need no database and no server
//! configuration: every command runs the kernel's own extension host locally, with production limits, so what
//! passes here passes on a server.
//!
//! * `new`: writes an extension crate from a template ([`new`]).
//! * `build`: installs the target if needed, runs the release build for `wasm32-wasip2`, then `check` ([`build`]).
//! * `check`: loads a component exactly as an upload is loaded and prints the validation report ([`check`]).
//! * `test`: runs components on fixture pages through the real pipeline and prints findings, score and cost
//!   against every limit ([`test`]).
//! * `publish`: uploads a component to a server with a staff token ([`publish`]).
//! * `page`: prints the page the kernel would lend for a fixture, as a `MockPage` snapshot ([`fixture`],
//!   [`snapshot`]).
//!
//! Exit codes: 0 success, 1 a component was refused or a run failed, 2 usage error (bad arguments, unreadable
//! files), 3 `ext test --strict` found a run above the upload thresholds.

mod build;
mod check;
mod fixture;
mod new;
mod publish;
mod snapshot;
mod test;

use clap::{Subcommand, ValueEnum};
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

/// `siloq ext <command>`.
#[derive(Debug, Subcommand)]
pub enum ExtCommand {
    /// Write a new extension crate (a rule, scorer or recommender) with tests, fixtures and a README.
    New {
        /// Crate name, `<vendor>-<name>` (e.g. `acme-title-length`); the extension id is derived from it
        /// (`acme.title-length`).
        name: String,
        /// What the extension does.
        #[arg(long, value_enum, default_value_t = KindArg::Rule)]
        kind: KindArg,
        /// Directory of the new crate (default: `./<name>`). It must not exist or be empty.
        #[arg(long, value_name = "DIR")]
        path: Option<PathBuf>,
        /// The `siloq-sdk` crate to depend on (by path; the SDK is not on crates.io). Default: `SILOQ_SDK_PATH`,
        /// else the SDK of the checkout this binary was built from.
        #[arg(long, value_name = "PATH", env = "SILOQ_SDK_PATH")]
        sdk_path: Option<PathBuf>,
        /// Extension id instead of the one derived from the name (e.g. `acme.local-seo`).
        #[arg(long)]
        id: Option<String>,
    },
    /// Build the extension crate for wasm32-wasip2 (installing the target when missing), then check it.
    Build {
        /// The extension crate.
        #[arg(long, value_name = "DIR", default_value = ".")]
        path: PathBuf,
        /// Cargo target directory (default: the crate's own `target/`).
        #[arg(long, value_name = "DIR")]
        target_dir: Option<PathBuf>,
    },
    /// Validate a component as an upload would be validated, and print the report.
    Check {
        /// The component (`.wasm`).
        component: PathBuf,
    },
    /// Run components on fixture pages under production limits and print findings, score and cost.
    ///
    /// Arguments ending in `.wasm` are components; `.html` files are scanned pages at
    /// `https://example.test/<stem>` (a `<stem>.page.toml` sidecar may set url, status, wordpress, keyphrase,
    /// title, description, ttfb_ms and headers); `.page.json` files are page snapshots; a directory stands for
    /// the fixtures in it. The global `--config FILE` gives the components' config (JSON or TOML; an object,
    /// or one object per extension id when several components are tested).
    Test {
        /// Components, then fixtures (any order).
        #[arg(required = true, value_name = "COMPONENT|FIXTURE")]
        paths: Vec<PathBuf>,
        /// Print the results as JSON.
        #[arg(long)]
        json: bool,
        /// Exit with 3 when a call uses more than the upload thresholds (25 % of the fuel, half the memory).
        #[arg(long)]
        strict: bool,
        /// Treat `.html` fixtures as content-only WordPress pages.
        #[arg(long)]
        wordpress: bool,
        /// Run the rule components without the bundled `siloq.core-rules` beside them (by default the bundled
        /// rules run first, so a finding costs the points it would cost in a real ruleset).
        #[arg(long)]
        alone: bool,
    },
    /// Upload a component to a server (staff token) and print its validation report.
    Publish {
        /// The component (`.wasm`).
        component: PathBuf,
        /// The server's base URL.
        #[arg(long, env = "SILOQ_URL", default_value = "http://127.0.0.1:8000")]
        url: String,
        /// A staff access token.
        #[arg(long, env = "SILOQ_TOKEN", hide_env_values = true, default_value = "")]
        token: String,
    },
    /// Print the page the kernel would lend for an HTML fixture, as a snapshot for `MockPage::from_json`.
    Page {
        /// The HTML file.
        fixture: PathBuf,
        /// A content-only WordPress page instead of a scanned one.
        #[arg(long)]
        wordpress: bool,
        /// The page URL (default: `https://example.test/<stem>`, or the sidecar's).
        #[arg(long)]
        url: Option<String>,
    },
}

/// `--kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Rule,
    Scorer,
    Recommender,
}

impl KindArg {
    fn as_str(self) -> &'static str {
        match self {
            KindArg::Rule => "rule",
            KindArg::Scorer => "scorer",
            KindArg::Recommender => "recommender",
        }
    }
}

/// A command's failure: the message for standard error and the exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Exit 1: a component was refused, a build or a run failed.
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    /// Exit 2: the arguments or the files they name are not usable.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub(crate) type Outcome = Result<ExitCode, Failure>;

/// Runs one `ext` command. `config` is the global `--config` flag: for `ext test` it names the components'
/// config file; the other commands read no configuration.
pub fn run(command: ExtCommand, config: Option<PathBuf>) -> ExitCode {
    let outcome = match command {
        ExtCommand::New {
            name,
            kind,
            path,
            sdk_path,
            id,
        } => new::run(&new::Options {
            name,
            kind,
            path,
            sdk_path,
            id,
        }),
        ExtCommand::Build { path, target_dir } => build::run(&path, target_dir.as_deref()),
        ExtCommand::Check { component } => check::run(&component),
        ExtCommand::Test {
            paths,
            json,
            strict,
            wordpress,
            alone,
        } => test::run(&test::Options {
            paths,
            config,
            json,
            strict,
            wordpress,
            alone,
        }),
        ExtCommand::Publish {
            component,
            url,
            token,
        } => publish::run(&publish::Options {
            component: &component,
            url: &url,
            token: &token,
        }),
        ExtCommand::Page {
            fixture,
            wordpress,
            url,
        } => fixture::print_snapshot(&fixture, wordpress, url.as_deref()),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("siloq ext: {failure}");
            ExitCode::from(failure.code)
        }
    }
}

/// The production extension host (the limits of extensions.md §4.6).
pub(crate) fn host() -> Result<std::sync::Arc<crate::extensions::ExtensionHost>, Failure> {
    crate::extensions::ExtensionHost::new(crate::extensions::Limits::default())
        .map_err(|e| Failure::failed(e.to_string()))
}

/// `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `150 KiB`, `1.1 MiB`, `312 B`.
pub(crate) fn bytes(n: usize) -> String {
    const KIB: f64 = 1024.0;
    let x = n as f64;
    if n < 1024 {
        format!("{n} B")
    } else if x < KIB * KIB {
        let k = x / KIB;
        if k < 10.0 && k.fract() != 0.0 {
            format!("{k:.1} KiB")
        } else {
            format!("{k:.0} KiB")
        }
    } else {
        let m = x / (KIB * KIB);
        if m < 10.0 && m.fract() != 0.0 {
            format!("{m:.1} MiB")
        } else {
            format!("{m:.0} MiB")
        }
    }
}

/// `41be…9a07`.
pub(crate) fn short_hash(sha256: &str) -> String {
    if sha256.len() <= 8 {
        return sha256.to_string();
    }
    format!("{}…{}", &sha256[..4], &sha256[sha256.len() - 4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(15_986), "15,986");
        assert_eq!(thousands(200_000_000), "200,000,000");
        assert_eq!(bytes(312), "312 B");
        assert_eq!(bytes(300), "300 B");
        assert_eq!(bytes(153_600), "150 KiB");
        assert_eq!(bytes(1_153_434), "1.1 MiB");
        assert_eq!(bytes(32 * 1024 * 1024), "32 MiB");
        assert_eq!(bytes(4 * 1024 * 1024), "4 MiB");
        assert_eq!(
            short_hash("41be00000000000000000000000000000000000000000000000000000009a07"),
            "41be…9a07"
        );
    }
}

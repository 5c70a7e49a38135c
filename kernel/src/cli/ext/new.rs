//! `siloq ext new <name> [--kind rule|scorer|recommender] [--path DIR] [--sdk-path PATH] [--id ID]`
//! (extensions.md §3.8): writes an extension crate that builds for `wasm32-wasip2` and natively.
//!
//! The crate: `Cargo.toml` (cdylib + rlib, a `[workspace]` of its own, small release profile, `siloq-sdk` by
//! path since the SDK is not on crates.io), `rust-toolchain.toml` (Siloq's toolchain and the target),
//! `src/lib.rs` (the example of §3.6 for a rule, a minimal scorer or recommender otherwise, with native tests),
//! `fixtures/` (two pages and their snapshots), a README and `.gitignore`. When the SDK sits in a Siloq
//! checkout, that checkout's `Cargo.lock` seeds the crate's, so its dependencies resolve to the versions Siloq
//! is tested with (and to what is already in the cargo cache).

use super::{Failure, KindArg, Outcome};
use crate::extensions::validate::{valid_check_id, valid_extension_id};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(super) struct Options {
    pub name: String,
    pub kind: KindArg,
    pub path: Option<PathBuf>,
    pub sdk_path: Option<PathBuf>,
    pub id: Option<String>,
}

const CARGO_TOML: &str = include_str!("template/Cargo.toml.tmpl");
const TOOLCHAIN: &str = include_str!("template/rust-toolchain.toml.tmpl");
const GITIGNORE: &str = include_str!("template/gitignore.tmpl");
const README: &str = include_str!("template/README.md.tmpl");
const RULE: &str = include_str!("template/rule.rs.tmpl");
const SCORER: &str = include_str!("template/scorer.rs.tmpl");
const RECOMMENDER: &str = include_str!("template/recommender.rs.tmpl");
const FIXTURES: [(&str, &str); 2] = [
    (
        "long-title",
        include_str!("template/fixtures/long-title.html"),
    ),
    (
        "short-title",
        include_str!("template/fixtures/short-title.html"),
    ),
];

/// The toolchain file of the checkout this binary was built from: generated crates use the same toolchain.
const SILOQ_TOOLCHAIN: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../rust-toolchain.toml"
));

/// The SDK of the checkout this binary was built from.
const BUILT_IN_SDK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk");

/// Names derived from the crate name (or `--id`).
#[derive(Debug, PartialEq, Eq)]
struct Names {
    /// `acme-title-length`
    krate: String,
    /// `acme_title_length` (the `.wasm` file name)
    lib: String,
    /// `acme.title-length`
    id: String,
    /// `acme.title_length.too_long` (rules)
    check: String,
    /// `TitleLength`
    type_name: String,
    /// `Title length`
    title: String,
}

fn names(krate: &str, id: Option<&str>) -> Result<Names, Failure> {
    let crate_ok = (1..=64).contains(&krate.len())
        && krate.starts_with(|c: char| c.is_ascii_lowercase())
        && krate
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !crate_ok {
        return Err(Failure::usage(format!(
            "{krate:?} is not a usable crate name: use lowercase letters, digits and hyphens, starting with a \
             letter (e.g. acme-title-length)"
        )));
    }
    let id = match id {
        Some(id) => id.to_string(),
        None => {
            let dashed = krate.replace('_', "-");
            let Some((vendor, rest)) = dashed.split_once('-') else {
                return Err(Failure::usage(format!(
                    "cannot derive an extension id from {krate:?}: name the crate <vendor>-<name> (e.g. \
                     acme-title-length, id acme.title-length) or give --id"
                )));
            };
            format!("{vendor}.{rest}")
        }
    };
    if !valid_extension_id(&id) {
        return Err(Failure::usage(format!(
            "{id:?} is not a valid extension id: 3-64 bytes of lowercase dotted segments, each starting with a \
             letter (e.g. acme.title-length); choose another name or give --id"
        )));
    }
    if id.starts_with("siloq.") {
        return Err(Failure::usage(format!(
            "{id:?}: ids beginning with `siloq.` are reserved for Siloq's bundled extensions"
        )));
    }
    let (vendor, rest) = id.split_once('.').expect("a valid id has a dot");
    let words: Vec<&str> = rest.split(['-', '.']).filter(|w| !w.is_empty()).collect();
    let type_name: String = words
        .iter()
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let title = {
        let joined = words.join(" ");
        let mut c = joined.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    let mut check = format!("{vendor}.{}.too_long", words.join("_"));
    if !valid_check_id(&check) {
        check = format!("{vendor}.title.too_long");
    }
    if !valid_check_id(&check) {
        return Err(Failure::usage(format!(
            "cannot derive a check id from {id:?}; give a shorter --id"
        )));
    }
    Ok(Names {
        krate: krate.to_string(),
        lib: krate.replace('-', "_"),
        id,
        check,
        type_name,
        title,
    })
}

/// `--sdk-path` / `SILOQ_SDK_PATH`, else the SDK of the checkout this binary was built from.
fn sdk_path(given: Option<&Path>) -> Result<PathBuf, Failure> {
    let (path, source) = match given {
        Some(p) => (p.to_path_buf(), "--sdk-path (or SILOQ_SDK_PATH)"),
        None => {
            let built_in = PathBuf::from(BUILT_IN_SDK);
            if !built_in.join("Cargo.toml").is_file() {
                return Err(Failure::usage(format!(
                    "cannot find siloq-sdk: it is not on crates.io, and the checkout this binary was built from \
                     ({}) is gone; give --sdk-path <siloq checkout>/sdk or set SILOQ_SDK_PATH",
                    built_in.display()
                )));
            }
            (built_in, "the checkout this binary was built from")
        }
    };
    let manifest = std::fs::read_to_string(path.join("Cargo.toml")).map_err(|e| {
        Failure::usage(format!(
            "{} (from {source}) is not the siloq-sdk crate: {e}",
            path.display()
        ))
    })?;
    let is_sdk = toml::from_str::<toml::Value>(&manifest)
        .ok()
        .and_then(|v| {
            v.get("package")?
                .get("name")?
                .as_str()
                .map(|n| n == "siloq-sdk")
        })
        .unwrap_or(false);
    if !is_sdk {
        return Err(Failure::usage(format!(
            "{} (from {source}) is not the siloq-sdk crate",
            path.display()
        )));
    }
    path.canonicalize()
        .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
}

/// `channel = "1.95.0"` of Siloq's own toolchain file.
fn channel() -> String {
    toml::from_str::<toml::Value>(SILOQ_TOOLCHAIN)
        .ok()
        .and_then(|v| {
            v.get("toolchain")?
                .get("channel")?
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "stable".into())
}

fn fill(template: &str, names: &Names, kind: KindArg, sdk: &Path) -> String {
    let sdk_toml = toml::Value::String(sdk.display().to_string()).to_string();
    let ruleset = match kind {
        KindArg::Rule => format!(
            "[[rules]]\nextension = \"siloq.core-rules\"\n\n[[rules]]\npath = \"extensions/{}.wasm\"   # relative to \
             the ruleset file\n[rules.config]\nmax_chars = 60\n",
            names.lib
        ),
        KindArg::Scorer => format!(
            "[[rules]]\nextension = \"siloq.core-rules\"\n\n[scorer]\npath = \"extensions/{}.wasm\"   # relative to \
             the ruleset file\n[scorer.config]\nignore = []\n",
            names.lib
        ),
        KindArg::Recommender => format!(
            "[[rules]]\nextension = \"siloq.core-rules\"\n\n[[recommenders]]\npath = \"extensions/{}.wasm\"   # \
             relative to the ruleset file\n[recommenders.config]\nmax = 10\n",
            names.lib
        ),
    };
    template
        .replace("__CRATE__", &names.krate)
        .replace("__LIB__", &names.lib)
        .replace("__ID__", &names.id)
        .replace("__CHECK__", &names.check)
        .replace("__TYPE__", &names.type_name)
        .replace("__TITLE__", &names.title)
        .replace("__KIND__", kind.as_str())
        .replace("__SDK_PATH__", &sdk_toml)
        .replace("__CHANNEL__", &channel())
        .replace("__RULESET__", &ruleset)
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::failed(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))
}

pub(super) fn run(options: &Options) -> Outcome {
    let names = names(&options.name, options.id.as_deref())?;
    let dir = options
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from(&options.name));
    if dir.exists() {
        let empty = std::fs::read_dir(&dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Failure::usage(format!(
                "{} already exists and is not empty",
                dir.display()
            )));
        }
    }
    let sdk = sdk_path(options.sdk_path.as_deref())?;
    let kind = options.kind;
    let lib = match kind {
        KindArg::Rule => RULE,
        KindArg::Scorer => SCORER,
        KindArg::Recommender => RECOMMENDER,
    };
    write(
        &dir.join("Cargo.toml"),
        &fill(CARGO_TOML, &names, kind, &sdk),
    )?;
    write(
        &dir.join("rust-toolchain.toml"),
        &fill(TOOLCHAIN, &names, kind, &sdk),
    )?;
    write(&dir.join(".gitignore"), GITIGNORE)?;
    write(&dir.join("README.md"), &fill(README, &names, kind, &sdk))?;
    write(&dir.join("src/lib.rs"), &fill(lib, &names, kind, &sdk))?;
    for (stem, html) in FIXTURES {
        write(&dir.join(format!("fixtures/{stem}.html")), html)?;
        let url = format!("{}/{stem}", super::fixture::FIXTURE_ORIGIN);
        write(
            &dir.join(format!("fixtures/{stem}.page.json")),
            &(super::fixture::snapshot_of(&url, html) + "\n"),
        )?;
    }
    // Siloq's lock file pins the SDK's dependencies to tested versions; cargo drops what the crate does not use.
    if let Some(lock) = sdk.parent().map(|p| p.join("Cargo.lock"))
        && lock.is_file()
    {
        let _ = std::fs::copy(&lock, dir.join("Cargo.lock"));
    }

    println!(
        "created {} in {}: {} {} (siloq-sdk from {})",
        names.krate,
        dir.display(),
        kind.as_str(),
        names.id,
        sdk.display()
    );
    if kind == KindArg::Rule {
        println!("  check {}", names.check);
    }
    println!();
    println!("next:");
    println!("  cd {}", dir.display());
    println!("  cargo test          # native unit tests");
    println!("  siloq ext build     # the component, checked as an upload would be");
    println!(
        "  siloq ext test target/wasm32-wasip2/release/{}.wasm fixtures/",
        names.lib
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_derived_from_the_crate_name() {
        let n = names("acme-title-length", None).unwrap();
        assert_eq!(n.id, "acme.title-length");
        assert_eq!(n.check, "acme.title_length.too_long");
        assert_eq!(n.type_name, "TitleLength");
        assert_eq!(n.title, "Title length");
        assert_eq!(n.lib, "acme_title_length");

        let n = names("acme_local_seo", None).unwrap();
        assert_eq!(n.id, "acme.local-seo");
        let n = names("whatever", Some("acme.local-seo")).unwrap();
        assert_eq!(n.type_name, "LocalSeo");

        for bad in ["titles", "Acme-x", "acme-2fa", "siloq-rules", "-x", ""] {
            let err = names(bad, None).unwrap_err();
            assert_eq!(err.code, 2, "{bad}");
        }
    }

    #[test]
    fn the_toolchain_is_siloqs() {
        assert!(channel().chars().next().unwrap().is_ascii_alphanumeric());
        let sdk = sdk_path(None).unwrap();
        assert!(sdk.join("wit").is_dir());
        assert_eq!(
            sdk_path(Some(Path::new("/nonexistent"))).unwrap_err().code,
            2
        );
    }
}

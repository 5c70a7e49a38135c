//! The one linker per supported WIT version (extensions.md §4.3): the allow-list of what a component can
//! reach, registered interface by interface so that nothing else exists to be imported.
//!
//! Linked: the `rule` world's imports (`types`, `document`, `host`, shared by all three kinds);
//! `wasi:io/{error,poll,streams}`; `wasi:cli/{environment,exit,stdin,stdout,stderr,terminal-*}`, which Rust's
//! standard library imports even when unused; `wasi:random/insecure-seed` with a fixed value. Not linked:
//! filesystem, sockets, clocks, `wasi:random/random`, `wasi:random/insecure`, http. A component importing any of
//! those fails to link even if it bypassed the upload checks ([`super::load`] rejects it by name first).

use super::ctx::{CallCtx, Seed};
use super::io::{Io, Table};
use super::wit::v1_0_0::rule::Rule;
use wasmtime::Engine;
use wasmtime::component::{HasSelf, Linker};
use wasmtime_wasi::cli::{WasiCli, WasiCliCtxView};
use wasmtime_wasi::p2::bindings::{cli, random, sync};

/// Import names a component may have besides `siloq:rules/*` (any 0.2 version); the upload allow-list.
pub const ALLOWED_WASI_IMPORTS: [&str; 14] = [
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:random/insecure-seed",
];

fn cli_view(c: &mut CallCtx) -> WasiCliCtxView<'_> {
    WasiCliCtxView {
        ctx: c.wasi.cli(),
        table: &mut c.table,
    }
}

/// Builds the linker of `siloq:rules@1.0.0`.
pub(crate) fn build(engine: &Engine) -> wasmtime::Result<Linker<CallCtx>> {
    let mut l: Linker<CallCtx> = Linker::new(engine);
    Rule::add_to_linker::<CallCtx, HasSelf<CallCtx>>(&mut l, |c| c)?;
    // The `site` interface of the site-rule world (its `types` and `host` are the rule world's, linked above).
    super::wit::v1_0_0::site_rule::siloq::rules::site::add_to_linker::<CallCtx, HasSelf<CallCtx>>(
        &mut l,
        |c| c,
    )?;

    wasmtime_wasi_io::bindings::wasi::io::error::add_to_linker::<CallCtx, Table>(&mut l, |c| {
        &mut c.table
    })?;
    sync::io::poll::add_to_linker::<CallCtx, Io>(&mut l, |c| super::io::GuestIo(&mut c.table))?;
    sync::io::streams::add_to_linker::<CallCtx, Io>(&mut l, |c| super::io::GuestIo(&mut c.table))?;

    cli::environment::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::exit::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::stdin::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::stdout::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::stderr::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::terminal_input::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::terminal_output::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::terminal_stdin::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::terminal_stdout::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;
    cli::terminal_stderr::add_to_linker::<CallCtx, WasiCli>(&mut l, cli_view)?;

    random::insecure_seed::add_to_linker::<CallCtx, Seed>(&mut l, |c| &mut c.seed)?;
    Ok(l)
}

//! The `siloq` command line (clap): `serve`, `migrate`, `user create`, and the extension authors' `ext`
//! commands (`cli::ext`), which need no database or server configuration.

pub mod ext;

use crate::config::{self, Config, Sources};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "siloq",
    version,
    about = "Siloq: the SEO platform backend (REST API, WordPress sync, scoring, scans)"
)]
pub struct Cli {
    /// Configuration file (TOML); also `SILOQ_CONFIG`. Environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first unless --no-migrate).
    Serve {
        /// Do not apply pending migrations at start-up.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write, build, check and test extensions (no database or server configuration needed).
    Ext {
        #[command(subcommand)]
        command: ext::ExtCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (an operator task; staff accounts can publish extensions).
    Create {
        #[arg(long)]
        email: String,
        /// The password; `-` reads it from standard input (keeps it out of shell history and the process list).
        #[arg(long)]
        password: String,
        /// Make the account staff.
        #[arg(long)]
        staff: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Ext { command } = cli.command {
        return ext::run(command, cli.config);
    }
    let sources = Sources {
        file: cli.config.clone(),
        base_dir: None,
    };
    let config = match config::load(&sources) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("siloq: {e}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("siloq: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("siloq: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Ext { .. } => {
            unreachable!("`ext` commands run before the configuration is loaded")
        }
        Command::Serve { no_migrate } => crate::server::serve(config, !no_migrate).await,
        Command::Migrate => {
            let state = crate::server::build_state_without_extensions(config, true).await?;
            state.store.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    password,
                    staff,
                },
        } => {
            let password = if password == "-" {
                read_stdin_password()?
            } else {
                password
            };
            let state = crate::server::build_state_without_extensions(config, true).await?;
            let user = crate::auth::create_user_cli(&state, &email, &password, staff).await;
            state.store.close().await;
            let user = user?;
            println!(
                "created user {} ({}){}",
                user.id.0,
                user.email,
                if staff { " [staff]" } else { "" }
            );
            Ok(())
        }
    }
}

fn read_stdin_password() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

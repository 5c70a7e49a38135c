//! `siloq serve` as a child process over a test database: for the suites that need separate instances or a
//! real crash (SIGKILL), which an in-process [`crate::TestApp`] cannot give.

use crate::{TestDatabase, siloq_binary, workspace_root};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `siloq serve`; dropping it kills the process (SIGKILL on Unix: no graceful shutdown).
pub struct ServeProcess {
    child: Child,
    pub base: String,
}

impl ServeProcess {
    /// Starts `siloq serve` on a free loopback port with `config/test.toml`, the database's URL and the given
    /// extra environment (e.g. `SILOQ_JOBS__LEASE_SECS`), and waits until `/readyz` answers 200.
    pub async fn start(db: &TestDatabase, env: &[(&str, String)]) -> ServeProcess {
        let port = free_port();
        let child = siloq_command(db)
            .arg("serve")
            .env("PORT", port.to_string())
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .spawn()
            .expect("spawn siloq serve");
        let process = ServeProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = http.get(format!("{}/readyz", process.base)).send().await
                && r.status() == 200
            {
                return process;
            }
            assert!(
                Instant::now() < deadline,
                "siloq serve did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The process id (job lease owners start with it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `{base}/api/v1{path}`.
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `siloq` binary with a clean environment: `config/test.toml`, the database's URL, no inherited
/// `SILOQ_*` settings, output discarded.
pub fn siloq_command(db: &TestDatabase) -> Command {
    let mut cmd = Command::new(siloq_binary());
    for (name, _) in std::env::vars() {
        if name.starts_with("SILOQ_") || name == "DATABASE_URL" || name == "RUST_LOG" {
            cmd.env_remove(name);
        }
    }
    cmd.env("SILOQ_CONFIG", workspace_root().join("config/test.toml"))
        .env("DATABASE_URL", &db.url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

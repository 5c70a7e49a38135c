//! The `siloq` binary as operators use it: help, migrations, account creation, start-up refusals, serving and
//! graceful shutdown on SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn siloq(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_siloq"));
    cmd.current_dir(dir);
    // The suite's environment must not leak into the binary's configuration.
    for (name, _) in std::env::vars() {
        if name.starts_with("SILOQ_")
            || ["SECRET_KEY", "DEBUG", "DATABASE_URL", "PORT", "DB_ENGINE"].contains(&name.as_str())
        {
            cmd.env_remove(name);
        }
    }
    cmd.env("SILOQ_LOG__LEVEL", "warn");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run siloq")
}

#[test]
fn help_lists_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(siloq(dir.path()).arg("--help"));
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "migrate", "user"] {
        assert!(
            text.contains(command),
            "{command} missing from --help:\n{text}"
        );
    }
}

#[test]
fn user_create_stores_an_account_with_an_argon2id_hash() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(siloq(dir.path()).args([
        "user",
        "create",
        "--email",
        "Ops@Example.COM",
        "--password",
        "correct-horse",
        "--staff",
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("siloq.db").is_file(),
        "the embedded database is created on first use"
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (email, hash, staff): (String, String, bool) = rt.block_on(async {
        use sqlx::Connection;
        let url = format!("sqlite://{}", dir.path().join("siloq.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_as("SELECT email, password_hash, is_staff FROM users")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    });
    assert_eq!(email, "ops@example.com");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(staff);

    let again = run(siloq(dir.path()).args([
        "user",
        "create",
        "--email",
        "ops@example.com",
        "--password",
        "correct-horse",
    ]));
    assert!(!again.status.success(), "a duplicate email is refused");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn user_create_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = siloq(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "stdin@example.com",
            "--password",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"from-standard-input\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn weak_or_development_secret_stops_start_up_before_listening() {
    let dir = tempfile::tempdir().unwrap();
    for secret in [
        "only-16-bytes!!!",
        "siloq-development-secret-key-do-not-use-in-production",
    ] {
        let out = run(siloq(dir.path())
            .args(["serve"])
            .env("SECRET_KEY", secret)
            .env("PORT", "0"));
        assert!(!out.status.success(), "serve must refuse {secret:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("SECRET_KEY"), "{stderr}");
        assert!(
            !stderr.contains(secret),
            "the message must not show the value: {stderr}"
        );
    }
}

#[test]
fn missing_secret_with_postgres_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(siloq(dir.path()).args(["serve"]).env(
        "DATABASE_URL",
        "postgres://postgres@127.0.0.1:5432/postgres",
    ));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SECRET_KEY"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    Some(text)
}

fn wait_healthy(child: &mut Child, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(text) = http_get(port, "/healthz")
            && text.starts_with("HTTP/1.1 200")
        {
            return;
        }
        assert!(child.try_wait().unwrap().is_none(), "siloq exited early");
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("siloq did not answer /healthz within 30 s");
}

#[cfg(unix)]
fn sigterm(child: &Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
}

#[cfg(unix)]
#[test]
fn serve_answers_health_then_drains_a_slow_request_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = siloq(dir.path())
        .args(["serve"])
        .env("PORT", port.to_string())
        .spawn()
        .unwrap();
    wait_healthy(&mut child, port);
    assert!(dir.path().join("siloq.db").is_file());
    assert!(
        dir.path().join("siloq.secret").is_file(),
        "a secret is generated beside the database"
    );

    // A request whose body trickles in: it is in flight when SIGTERM arrives and must still be answered.
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let body = br#"{"email":"slow@example.com","password":"wrong-password"}"#;
    write!(
        slow,
        "POST /api/v1/auth/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    slow.write_all(&body[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    sigterm(&child);
    std::thread::sleep(Duration::from_millis(700));
    slow.write_all(&body[10..]).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 "),
        "the in-flight request got an answer: {answer:?}"
    );
    assert!(answer.contains("\"code\""), "a JSON answer: {answer}");

    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
}

//! `net-client` (extensions.md §10 cases 8 and 9): opens a TCP connection with `std::net`, which imports
//! `wasi:sockets`. The import is outside the kernel's allow-list (§4.3), so the component is refused when it is
//! loaded, with an error naming the interface, and never runs.

use siloq_sdk::prelude::*;

pub struct Forbidden;

impl Rule for Forbidden {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.net-client", "net-client").check(Check::new(
            "test.net_client.ran",
            Category::Technical,
            Severity::Low,
            "net-client ran",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        // Loopback only: this never runs (the component is refused), and a test guest must not reach out anyway.
        let outcome = match std::net::TcpStream::connect("127.0.0.1:9") {
            Ok(_) => "Connected.".to_string(),
            Err(e) => format!("Could not connect: {e}"),
        };
        out.fail("test.net_client.ran", outcome);
        Ok(())
    }
}

export_rule!(Forbidden);

//! `config/default.toml` documents every key: it must parse, equal the built-in defaults, and name every key.

use siloq_kernel::config::Config;

#[test]
fn default_toml_matches_the_built_in_defaults_and_lists_every_key() {
    use figment::providers::{Format, Toml};
    let path = siloq_tests::workspace_root().join("config/default.toml");
    let from_file: Config = figment::Figment::from(Toml::file_exact(&path))
        .extract()
        .expect("default.toml parses on its own");
    let built_in = serde_json::to_value(Config::default()).unwrap();
    assert_eq!(
        serde_json::to_value(&from_file).unwrap(),
        built_in,
        "default.toml and Config::default() disagree"
    );

    // Every key (secret_key included, as a documented comment) appears in the file text.
    let text = std::fs::read_to_string(&path).unwrap();
    fn keys(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
        if let serde_json::Value::Object(map) = value {
            for (k, v) in map {
                out.push(k.clone());
                keys(&format!("{prefix}{k}."), v, out);
            }
        }
    }
    let mut all = Vec::new();
    keys("", &built_in, &mut all);
    for key in all {
        assert!(
            text.contains(&key),
            "config/default.toml does not document `{key}`"
        );
    }
}

//! Configuration layering and the seed environment names, in `figment::Jail` sandboxes (env and cwd isolated).
#![expect(
    clippy::result_large_err,
    reason = "figment::Jail closures must return figment::Error, a large type"
)]

use super::*;
use figment::Jail;

fn load_in(jail: &Jail, file: Option<&str>) -> Result<Config, ConfigError> {
    let sources = Sources {
        file: file.map(PathBuf::from),
        base_dir: Some(jail.directory().to_path_buf()),
    };
    from_figment(figment(&sources))
}

#[test]
fn defaults_apply_without_any_source() {
    Jail::expect_with(|jail| {
        let config = load_in(jail, None).unwrap();
        assert_eq!(config.database.url, "sqlite://siloq.db");
        assert_eq!(config.server.port, 8000);
        assert!(!config.debug);
        assert_eq!(config.auth.access_ttl_secs, 7 * 24 * 3600);
        assert!(
            config
                .cors
                .allowed_origins
                .contains(&"https://app.siloq.ai".to_string())
        );
        Ok(())
    });
}

#[test]
fn layers_override_in_order() {
    Jail::expect_with(|jail| {
        jail.create_dir("config")?;
        jail.create_file(
            "config/default.toml",
            "[server]\nport = 7000\nhost = \"0.0.0.0\"\n[log]\nlevel = \"debug\"",
        )?;
        jail.create_file(
            "custom.toml",
            "[server]\nport = 7100\n[database]\nmax_connections = 3",
        )?;
        let config = load_in(jail, None).unwrap();
        assert_eq!(
            config.server.port, 7000,
            "config/default.toml beats built-in defaults"
        );

        let config = load_in(jail, Some("custom.toml")).unwrap();
        assert_eq!(
            config.server.port, 7100,
            "--config beats config/default.toml"
        );
        assert_eq!(
            config.server.host, "0.0.0.0",
            "untouched keys keep the lower layer"
        );

        jail.set_env("SILOQ_CONFIG", "custom.toml");
        assert_eq!(
            load_in(jail, None).unwrap().database.max_connections,
            3,
            "SILOQ_CONFIG names the file"
        );

        jail.set_env("SILOQ_SERVER__PORT", "7200");
        assert_eq!(
            load_in(jail, None).unwrap().server.port,
            7200,
            "SILOQ_* beats files"
        );

        jail.set_env("PORT", "7300");
        assert_eq!(
            load_in(jail, None).unwrap().server.port,
            7300,
            "plain names beat SILOQ_*"
        );
        Ok(())
    });
}

#[test]
fn seed_names_parse_like_the_original_deployment() {
    Jail::expect_with(|jail| {
        jail.set_env("DEBUG", "True");
        jail.set_env("SECRET_KEY", "12345678901234567890123456789012345");
        jail.set_env("ALLOWED_HOSTS", "api.siloq.ai, .siloq.ai");
        jail.set_env(
            "CORS_ALLOWED_ORIGINS",
            "https://a.example,https://b.example",
        );
        jail.set_env("DATABASE_URL", "postgres://app@db.internal:5432/siloq");
        jail.set_env("PORT", "9000");
        let config = load_in(jail, None).unwrap();
        assert!(config.debug);
        assert_eq!(
            config.auth.secret_key.as_ref().unwrap().expose(),
            "12345678901234567890123456789012345"
        );
        assert_eq!(
            config.server.allowed_hosts,
            vec!["api.siloq.ai", ".siloq.ai"]
        );
        assert_eq!(
            config.cors.allowed_origins,
            vec!["https://a.example", "https://b.example"]
        );
        assert_eq!(config.database.url, "postgres://app@db.internal:5432/siloq");
        assert_eq!(config.server.port, 9000);
        Ok(())
    });
}

#[test]
fn numeric_secret_through_siloq_prefix_is_a_string() {
    Jail::expect_with(|jail| {
        jail.set_env("SILOQ_AUTH__SECRET_KEY", "98765432109876543210987654321098");
        let config = load_in(jail, None).unwrap();
        assert_eq!(
            config.auth.secret_key.unwrap().expose(),
            "98765432109876543210987654321098"
        );
        Ok(())
    });
}

#[test]
fn db_parts_build_the_database_url_when_database_url_is_absent() {
    Jail::expect_with(|jail| {
        jail.set_env("DB_ENGINE", "django.db.backends.postgresql");
        jail.set_env("DB_NAME", "siloq_prod");
        jail.set_env("DB_USER", "siloq");
        jail.set_env("DB_PASSWORD", "s3cret");
        jail.set_env("DB_HOST", "10.0.0.5");
        jail.set_env("DB_PORT", "5433");
        assert_eq!(
            load_in(jail, None).unwrap().database.url,
            "postgres://siloq:s3cret@10.0.0.5:5433/siloq_prod"
        );
        jail.set_env("DATABASE_URL", "sqlite://other.db");
        assert_eq!(
            load_in(jail, None).unwrap().database.url,
            "sqlite://other.db",
            "DATABASE_URL wins"
        );
        Ok(())
    });
}

#[test]
fn short_secret_is_refused_outside_debug() {
    Jail::expect_with(|jail| {
        jail.set_env("SECRET_KEY", "too-short");
        let mut config = load_in(jail, None).unwrap();
        let err = resolve_secret_key(&mut config).unwrap_err().to_string();
        assert!(
            err.contains("SECRET_KEY") && !err.contains("too-short"),
            "{err}"
        );

        jail.set_env("SECRET_KEY", DEV_SECRET_KEY);
        let mut config = load_in(jail, None).unwrap();
        assert!(
            resolve_secret_key(&mut config).is_err(),
            "the development value is refused outside debug"
        );

        jail.set_env("DEBUG", "1");
        let mut config = load_in(jail, None).unwrap();
        assert!(
            resolve_secret_key(&mut config).is_ok(),
            "debug mode relaxes the rule"
        );
        Ok(())
    });
}

#[test]
fn missing_secret_with_postgres_stops_start_up() {
    Jail::expect_with(|jail| {
        jail.set_env("DATABASE_URL", "postgres://app@db.internal:5432/siloq");
        let mut config = load_in(jail, None).unwrap();
        let err = resolve_secret_key(&mut config).unwrap_err().to_string();
        assert!(
            err.contains("SECRET_KEY") && err.contains("PostgreSQL"),
            "{err}"
        );
        Ok(())
    });
}

#[test]
fn missing_secret_with_sqlite_is_generated_once_and_kept_private() {
    Jail::expect_with(|jail| {
        let db = jail.directory().join("data/siloq.db");
        jail.set_env("DATABASE_URL", format!("sqlite://{}", db.display()));
        let mut first = load_in(jail, None).unwrap();
        resolve_secret_key(&mut first).unwrap();
        let secret_file = jail.directory().join("data/siloq.secret");
        assert!(secret_file.is_file());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&secret_file)
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o777,
                0o600
            );
        }
        let mut second = load_in(jail, None).unwrap();
        resolve_secret_key(&mut second).unwrap();
        assert_eq!(
            first.auth.secret_key, second.auth.secret_key,
            "the kept secret is reused"
        );
        assert!(first.auth.secret_key.unwrap().expose().len() >= 64);
        Ok(())
    });
}

#[test]
fn secrets_never_print() {
    let secret = SecretString::new("hunter2-hunter2-hunter2-hunter2-hunter2");
    assert!(!format!("{secret:?} {secret}").contains("hunter2"));
    let mut config = Config::default();
    config.auth.secret_key = Some(secret);
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn weak_hashing_costs_need_debug() {
    Jail::expect_with(|jail| {
        jail.set_env("SILOQ_AUTH__ARGON2_MEMORY_KIB", "1024");
        assert!(load_in(jail, None).is_err());
        jail.set_env("DEBUG", "yes");
        assert!(load_in(jail, None).is_ok());
        Ok(())
    });
}

#[test]
fn unknown_siloq_variables_are_reported() {
    Jail::expect_with(|jail| {
        jail.set_env("SILOQ_DATABSE__URL", "typo");
        jail.set_env("SILOQ_SERVER__PORT", "1");
        let unknown = env::unknown_siloq_variables();
        assert!(unknown.contains(&"SILOQ_DATABSE__URL".to_string()));
        assert!(!unknown.contains(&"SILOQ_SERVER__PORT".to_string()));
        Ok(())
    });
}

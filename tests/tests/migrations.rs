//! Both migration folders carry the same versions and names, so the two backends never drift apart.

use std::collections::BTreeSet;

fn migrations(dialect: &str) -> BTreeSet<String> {
    let dir = siloq_tests::workspace_root()
        .join("migrations")
        .join(dialect);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .collect()
}

#[test]
fn sqlite_and_postgres_migrations_have_identical_version_lists() {
    let sqlite = migrations("sqlite");
    let postgres = migrations("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres differ"
    );
    let versions: Vec<&str> = sqlite
        .iter()
        .map(|name| name.split('_').next().unwrap())
        .collect();
    let unique: BTreeSet<&&str> = versions.iter().collect();
    assert_eq!(
        unique.len(),
        versions.len(),
        "two migrations share a version number"
    );
}

//! Support for the test suites, which run against SQLite by default and
//! against PostgreSQL when `ADACT_TEST_DATABASE_URL` names a server.

use std::path::Path;

use sqlx::{Connection as _, Executor as _};

/// The environment variable naming a PostgreSQL server for the tests.
pub const TEST_DATABASE_ENV: &str = "ADACT_TEST_DATABASE_URL";

/// A database URL for one test, remembered in `dir` so a restart of the
/// test's server finds the same database: a new SQLite file in `dir`, or a
/// new database on the PostgreSQL server in `ADACT_TEST_DATABASE_URL`.
pub async fn database_url(dir: &Path) -> anyhow::Result<String> {
    let remembered = dir.join("database-url");
    if let Ok(url) = std::fs::read_to_string(&remembered) {
        return Ok(url);
    }
    let url = match std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => {
            sqlx::any::install_default_drivers();
            let name = adact_domain::time::new_id("adact_test");
            let mut admin = sqlx::AnyConnection::connect(&server).await?;
            admin
                .execute(sqlx::AssertSqlSafe(format!("create database {name}")))
                .await?;
            admin.close().await?;
            let (base, _) = server.rsplit_once('/').unwrap_or((&server, ""));
            format!("{base}/{name}")
        }
        None => format!("sqlite://{}", dir.join("adact.db").display()),
    };
    std::fs::write(&remembered, &url)?;
    Ok(url)
}

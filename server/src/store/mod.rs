//! The database: one pool, migrations per backend, and the queries, grouped
//! by what they touch. Times are unix milliseconds and ids are text, so the
//! same SQL runs on every backend sqlx's `Any` driver supports.

use std::{str::FromStr, sync::Arc, time::Duration};

use anyhow::Context as _;
use sqlx::{
    AnyPool, AssertSqlSafe, Executor as _,
    any::{AnyPoolOptions, AnyRow},
    sqlite::SqliteConnectOptions,
};

pub mod accounts;
pub mod campaigns;
pub mod players;
pub mod plays;
pub mod segments;
pub mod webhooks;

/// Which database the URL names; the few statements that differ (pragmas,
/// the delivery claim, wake-ups) branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
    /// SQLite takes one writer at a time, and a connection waiting for the
    /// write lock sleeps in SQLite's busy handler (1, 2, 5, ... 100 ms),
    /// which made tail latencies of hundreds of ms under load. Writers
    /// queue here instead and are woken the moment the lock is free.
    writer: Arc<tokio::sync::Mutex<()>>,
}

/// A write transaction, and on SQLite the turn to write that it holds
/// until dropped (after its commit).
pub type WriteTx = (
    Option<tokio::sync::OwnedMutexGuard<()>>,
    sqlx::Transaction<'static, sqlx::Any>,
);

impl Store {
    /// Connects (creating an SQLite file when missing) and runs migrations.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!(
                "unsupported DATABASE_URL {:?}: expected sqlite://PATH or postgres://...",
                redact(url)
            );
        };
        let pool = match backend {
            Backend::Sqlite => {
                // Validate the URL and create the file up front, so a bad path
                // fails here with a clear message rather than on first query.
                let options = SqliteConnectOptions::from_str(url)
                    .with_context(|| format!("invalid SQLite URL {url:?}"))?
                    .create_if_missing(true);
                drop(
                    sqlx::ConnectOptions::connect(&options)
                        .await
                        .with_context(|| format!("cannot open SQLite database {url:?}"))?,
                );
                AnyPoolOptions::new()
                    .max_connections(max_connections.max(1))
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; a busy
                            // timeout queues writers instead of failing them.
                            conn.execute(
                                "pragma journal_mode = wal; pragma synchronous = normal; \
                                 pragma foreign_keys = on; pragma busy_timeout = 5000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await
                    .with_context(|| format!("cannot connect to {url:?}"))?
            }
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(max_connections.max(1))
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .with_context(|| format!("cannot connect to {:?}", redact(url)))?,
        };
        let store = Self {
            pool,
            backend,
            url: url.to_owned(),
            writer: Arc::new(tokio::sync::Mutex::new(())),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        migrator
            .run(&self.pool)
            .await
            .context("running database migrations")
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that reads then writes. On SQLite it takes the
    /// write lock up front (`BEGIN IMMEDIATE`: a deferred transaction that
    /// upgrades fails with SQLITE_BUSY under concurrency), one writer at a
    /// time.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        match self.backend {
            Backend::Sqlite => {
                let turn = self.writer.clone().lock_owned().await;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok((Some(turn), tx))
            }
            // PostgreSQL locks rows, not the database: writers run together.
            Backend::Postgres => Ok((None, self.pool.begin().await?)),
        }
    }

    /// One of the account's rows of `table` by id: tenants see only their own.
    async fn owned_row(
        &self,
        table: &'static str,
        account_id: &str,
        id: &str,
    ) -> sqlx::Result<Option<AnyRow>> {
        // `table` is one of our own static names, never input.
        sqlx::query(AssertSqlSafe(format!(
            "select * from {table} where id = $1 and account_id = $2"
        )))
        .bind(id)
        .bind(account_id)
        .fetch_optional(self.pool())
        .await
    }

    /// A page of the account's rows of `table`, oldest first (ids sort by
    /// creation time), after the cursor id.
    async fn owned_page(
        &self,
        table: &'static str,
        account_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> sqlx::Result<Vec<AnyRow>> {
        sqlx::query(AssertSqlSafe(format!(
            "select * from {table} where account_id = $1 and id > $2 order by id limit $3"
        )))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// "SQLite" or "PostgreSQL", for messages.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    /// The URL this store connected to (with its password: never log it).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Reads a boolean stored as an integer 0/1: the portable form across the
/// backends of sqlx's `Any` driver (bind booleans as `i64::from(b)`).
pub fn flag(row: &AnyRow, column: &str) -> sqlx::Result<bool> {
    use sqlx::Row as _;
    Ok(row.try_get::<Option<i64>, _>(column)?.unwrap_or(0) != 0)
}

/// Milliseconds since the unix epoch: how every time is stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A new id: a prefix naming the kind of thing, then a ULID, so ids sort by
/// creation time (cursor pagination relies on it) and say what they are.
pub fn new_id(prefix: &str) -> String {
    format!(
        "{prefix}_{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_and_sort_by_time() {
        let a = new_id("cmp");
        std::thread::sleep(Duration::from_millis(2));
        let b = new_id("cmp");
        assert!(a.starts_with("cmp_") && a.len() == 30, "{a}");
        assert!(a < b);
    }

    #[test]
    fn redact_hides_passwords() {
        assert_eq!(redact("postgres://u:secret@db/x"), "postgres://***@db/x");
        assert_eq!(redact("sqlite://adact.db"), "sqlite://adact.db");
    }
}

//! The database: one pool, the migrations, and repositories that return
//! domain types, one module per thing stored. `dialect` holds every
//! difference between SQLite and PostgreSQL; `outbox` writes events with
//! their deliveries in the caller's transaction; `queue` is the delivery
//! workers' claim and completion; `history` the retention clean-up.

use std::{
    ops::{Deref, DerefMut},
    sync::Arc,
};

use anyhow::Context as _;
use sqlx::{AnyConnection, AnyPool, AssertSqlSafe, any::AnyRow};

pub mod accounts;
pub mod cache;
pub mod campaigns;
pub mod deliveries;
pub mod dialect;
pub mod endpoints;
pub mod history;
pub mod outbox;
pub mod players;
pub mod plays;
pub mod queue;
pub mod segments;
pub mod session_keys;

pub use dialect::Backend;

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
    /// What renders read, in memory (see `cache`).
    cache: Arc<cache::Cache>,
    session_keys: Arc<session_keys::SessionKeys>,
}

/// A write transaction, and on SQLite the turn to write that it holds
/// until it is committed or dropped. Use it as the connection it wraps.
#[derive(Debug)]
pub struct WriteTx {
    // Declared before the turn, so a dropped transaction rolls back before
    // the next writer's turn begins.
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    backend: Backend,
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl Store {
    /// Connects (creating an SQLite file when missing), runs migrations and
    /// loads the session keys, with the default cache TTL.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        Self::open(url, max_connections, cache::DEFAULT_TTL).await
    }

    /// [`Store::connect`], keeping renders' reads in memory for at most
    /// `cache_ttl` (see `cache`).
    pub async fn open(
        url: &str,
        max_connections: u32,
        cache_ttl: std::time::Duration,
    ) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let pool = backend.connect(url, max_connections).await?;
        backend
            .migrator()
            .run(&pool)
            .await
            .context("running database migrations")?;
        let store = Self {
            pool,
            backend,
            url: url.to_owned(),
            writer: Arc::new(tokio::sync::Mutex::new(())),
            cache: Arc::new(cache::Cache::new(cache_ttl)),
            session_keys: Arc::default(),
        };
        store
            .load_session_keys()
            .await
            .context("loading the session keys")?;
        segments::key_titles(&store)
            .await
            .context("keying the segment titles")?;
        Ok(store)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that reads then writes: on SQLite it takes the
    /// write lock up front, one writer at a time; PostgreSQL locks rows, not
    /// the database, so its writers run together.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        let turn = match self.backend {
            Backend::Sqlite => Some(self.writer.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.pool.begin_with(self.backend.begin_write()).await?;
        Ok(WriteTx {
            tx,
            _turn: turn,
            backend: self.backend,
        })
    }

    /// Begins a read-only transaction that sees one snapshot throughout.
    pub async fn begin_snapshot(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.pool.begin().await?;
        if let Some(statement) = self.backend.snapshot_statement() {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        Ok(tx)
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

    /// Whether the database answers.
    pub async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query("select 1").execute(self.pool()).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// "SQLite" or "PostgreSQL", for messages.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// The URL this store connected to (with its password: never log it).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Reads JSON stored as text (a definition, a step's answer); text that does not decode is a decode error
/// of the column, like any other.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> sqlx::Result<T> {
    serde_json::from_str(text).map_err(|err| sqlx::Error::Decode(Box::new(err)))
}

/// JSON text to store.
pub fn to_json<T: serde::Serialize>(value: &T) -> sqlx::Result<String> {
    serde_json::to_string(value).map_err(|err| sqlx::Error::Encode(Box::new(err)))
}

/// A stored name that no variant has: a decode error of its column.
fn unknown(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what} {value:?}").into())
}

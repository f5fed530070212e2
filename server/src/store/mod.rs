//! The database: one pool, the migrations, and repositories that return
//! domain types, one module per thing stored. `dialect` holds every
//! difference between SQLite and PostgreSQL; `outbox` writes events with
//! their deliveries in the caller's transaction; `queue` is the delivery
//! workers' claim and completion; `history` the retention clean-up.

use std::{
    ops::{Deref, DerefMut},
    sync::{Arc, OnceLock},
};

use anyhow::Context as _;
use sqlx::{AnyConnection, AnyPool, AssertSqlSafe, any::AnyRow};
use tokio::sync::mpsc;

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
mod writer;

pub use dialect::Backend;

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
    /// SQLite's one write connection, with group commit (see `writer`):
    /// every write goes through it, so writers queue in order instead of
    /// colliding in SQLite's busy handler, and share their commits. None on
    /// PostgreSQL, whose writers run together on the pool.
    writer: Option<Arc<writer::Writer>>,
    /// What renders read, in memory (see `cache`).
    cache: Arc<cache::Cache>,
    session_keys: Arc<session_keys::SessionKeys>,
    /// This process's delivery workers, once they run (see `queue::Handoff`).
    handoff: Arc<OnceLock<queue::Handoff>>,
    /// The accounts' event sequences this process knows exist (PostgreSQL;
    /// see `outbox`).
    sequences: Arc<std::sync::RwLock<std::collections::HashSet<String>>>,
}

/// A write transaction: on PostgreSQL one of the pool's, on SQLite a turn
/// of the writer (see `writer`), whose commit returns once it is on disk.
/// Use it as the connection it wraps; dropped uncommitted, it rolls back.
#[derive(Debug)]
pub struct WriteTx {
    tx: Tx,
    backend: Backend,
    handoff: Option<queue::Handoff>,
    /// Deliveries this transaction queued already claimed, for this
    /// process's workers once it commits.
    handed: Vec<(mpsc::OwnedPermit<queue::Claimed>, queue::Claimed)>,
    /// It queued deliveries for the workers to claim.
    queued: bool,
    sequences: Arc<std::sync::RwLock<std::collections::HashSet<String>>>,
    /// Sequences this transaction may have created: known once it commits.
    sequences_made: Vec<String>,
}

#[derive(Debug)]
enum Tx {
    Postgres(sqlx::Transaction<'static, sqlx::Any>),
    Sqlite(writer::Turn),
}

impl WriteTx {
    /// Commits; then hands the deliveries it claimed to this process's
    /// workers, and wakes them for those it queued.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.tx {
            Tx::Postgres(tx) => tx.commit().await?,
            Tx::Sqlite(turn) => turn.commit().await?,
        }
        for (place, delivery) in self.handed {
            place.send(delivery);
        }
        if let Ok(mut known) = self.sequences.write() {
            known.extend(self.sequences_made);
        }
        if let Some(handoff) = self.handoff.filter(|_| self.queued) {
            handoff.wake();
        }
        Ok(())
    }

    /// A place with this process's workers for a delivery this transaction
    /// queues, and the end of its lease; None when they are busy (or not
    /// running): the delivery is then queued for a claim.
    pub(super) fn reserve_handoff(
        &self,
        now: i64,
    ) -> Option<(mpsc::OwnedPermit<queue::Claimed>, i64)> {
        self.handoff.as_ref()?.reserve(now)
    }

    /// Hands `delivery` to the workers once this transaction commits.
    pub(super) fn hand_over(
        &mut self,
        place: mpsc::OwnedPermit<queue::Claimed>,
        delivery: queue::Claimed,
    ) {
        self.handed.push((place, delivery));
    }

    /// Whether the event sequence `name` is known to exist (see `outbox`).
    pub(super) fn knows_sequence(&self, name: &str) -> bool {
        self.sequences
            .read()
            .is_ok_and(|known| known.contains(name))
    }

    pub(super) fn known_sequence(&self, name: String) {
        if let Ok(mut known) = self.sequences.write() {
            known.insert(name);
        }
    }

    /// This transaction made (or found made meanwhile) the sequence `name`.
    pub(super) fn sequence_made(&mut self, name: String) {
        self.sequences_made.push(name);
    }

    /// Wakes the workers once this transaction commits: it queued
    /// deliveries for them to claim.
    pub(super) fn queued(&mut self) {
        self.queued = true;
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.tx {
            Tx::Postgres(tx) => tx,
            Tx::Sqlite(turn) => turn.conn(),
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.tx {
            Tx::Postgres(tx) => tx,
            Tx::Sqlite(turn) => turn.conn_mut(),
        }
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
        let writer = match backend {
            Backend::Sqlite => Some(Arc::new(
                writer::Writer::connect(url)
                    .await
                    .context("opening the SQLite write connection")?,
            )),
            Backend::Postgres => None,
        };
        if let Some(writer) = &writer {
            writer::spawn_checkpoints(pool.clone(), Arc::downgrade(writer));
        }
        let store = Self {
            pool,
            backend,
            url: url.to_owned(),
            writer,
            cache: Arc::new(cache::Cache::new(cache_ttl)),
            session_keys: Arc::default(),
            handoff: Arc::default(),
            sequences: Arc::default(),
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

    /// Hands the deliveries this process commits to its workers from now
    /// on (see `queue::Handoff`); once per store.
    pub fn hand_off_to(&self, handoff: queue::Handoff) {
        if self.handoff.set(handoff).is_err() {
            tracing::warn!("delivery workers were already handed this store's deliveries");
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that reads then writes: on SQLite a turn of the
    /// one writer (see `writer`); PostgreSQL locks rows, not the database,
    /// so its writers run together.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        let tx = match &self.writer {
            Some(writer) => Tx::Sqlite(writer.turn().await?),
            None => Tx::Postgres(self.pool.begin_with(self.backend.begin_write()).await?),
        };
        Ok(WriteTx {
            tx,
            backend: self.backend,
            handoff: self.handoff.get().cloned(),
            handed: Vec::new(),
            queued: false,
            sequences: self.sequences.clone(),
            sequences_made: Vec::new(),
        })
    }

    /// Runs one statement that writes, on its own: through the writer on
    /// SQLite (committed to disk when this returns), on the pool on
    /// PostgreSQL.
    pub async fn write<'q>(
        &self,
        statement: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::Result<sqlx::any::AnyQueryResult> {
        if self.writer.is_none() {
            return statement.execute(self.pool()).await;
        }
        let mut tx = self.begin_write().await?;
        let done = statement.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done)
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

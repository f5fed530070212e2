//! The database: one pool, the migrations, and repositories that return
//! domain types, one module per thing stored. `dialect` holds every
//! difference between SQLite and PostgreSQL; `outbox` writes events with
//! their deliveries in the caller's transaction; `queue` is the delivery
//! workers' claim and completion; `history` the retention clean-up;
//! `stats` the campaigns' numbers.

use std::{
    collections::HashSet,
    ops::{Deref, DerefMut},
    sync::{Arc, OnceLock, RwLock},
};

use anyhow::Context as _;
use futures_util::future::BoxFuture;
use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{mpsc, oneshot};

pub mod accounts;
pub mod cache;
pub mod campaigns;
pub mod deliveries;
pub mod dialect;
pub mod endpoints;
pub mod history;
mod named;
pub mod outbox;
pub mod players;
pub mod plays;
pub mod queue;
pub mod segments;
pub mod session_keys;
pub mod stats;
#[doc(hidden)]
pub mod testing;
mod writer;

pub use dialect::Backend;

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
    /// SQLite's one writer, a task with group commit (see `writer`): every
    /// write goes through it, so writers queue in order instead of
    /// colliding in SQLite's busy handler, and share their commits. None on
    /// PostgreSQL, whose writers run together on the pool.
    writer: Option<writer::Writer>,
    /// What renders read, in memory (see `cache`).
    cache: Arc<cache::Cache>,
    session_keys: Arc<session_keys::SessionKeys>,
    /// The renders' views not written yet (see `stats`).
    views: Arc<stats::Views>,
    /// This process's delivery workers, once they run (see `queue::Handoff`).
    handoff: Arc<OnceLock<queue::Handoff>>,
    /// The accounts' event sequences this process knows exist (PostgreSQL;
    /// see `outbox`).
    sequences: Arc<RwLock<HashSet<String>>>,
}

/// Something to do once a transaction has committed, and only then.
pub type AfterCommit = Box<dyn FnOnce() + Send>;

/// A write transaction, lent to the body given to [`Store::transact`]:
/// on PostgreSQL one of the pool's, on SQLite a savepoint in the writer's
/// group. Use it as the connection it wraps. What must happen only once it
/// commits (handing deliveries to the workers, waking them, forgetting
/// cached reads, noting sequences made) goes on its [`after_commit`]
/// list, run after the commit succeeded and before the caller is answered.
///
/// [`after_commit`]: WriteTx::after_commit
pub struct WriteTx {
    conn: Conn,
    backend: Backend,
    handoff: Option<queue::Handoff>,
    cache: Arc<cache::Cache>,
    sequences: Arc<RwLock<HashSet<String>>>,
    after_commit: Vec<AfterCommit>,
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteTx")
            .field("backend", &self.backend)
            .field("after_commit", &self.after_commit.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
enum Conn {
    Postgres(sqlx::Transaction<'static, sqlx::Any>),
    Sqlite(AnyConnection),
}

impl WriteTx {
    /// Runs `duty` once this transaction has committed (never if it does
    /// not), before its caller is answered.
    pub fn after_commit(&mut self, duty: impl FnOnce() + Send + 'static) {
        self.after_commit.push(Box::new(duty));
    }

    /// A place with this process's workers for a delivery this transaction
    /// queues, and the end of its lease; None when they are busy (or not
    /// running): the delivery is then queued for a claim.
    pub(crate) fn reserve_handoff(
        &self,
        now: i64,
    ) -> Option<(mpsc::OwnedPermit<queue::Claimed>, i64)> {
        self.handoff.as_ref()?.reserve(now)
    }

    /// Hands `delivery` to the workers once this transaction commits.
    pub(crate) fn hand_over(
        &mut self,
        place: mpsc::OwnedPermit<queue::Claimed>,
        delivery: queue::Claimed,
    ) {
        self.after_commit(move || {
            place.send(delivery);
        });
    }

    /// Wakes the workers once this transaction commits: it queued
    /// deliveries for them to claim.
    pub(crate) fn queued(&mut self) {
        if let Some(handoff) = self.handoff.clone() {
            self.after_commit(move || handoff.wake());
        }
    }

    /// Whether the event sequence `name` is known to exist (see `outbox`).
    pub(crate) fn knows_sequence(&self, name: &str) -> bool {
        self.sequences
            .read()
            .is_ok_and(|known| known.contains(name))
    }

    pub(crate) fn known_sequence(&self, name: String) {
        if let Ok(mut known) = self.sequences.write() {
            known.insert(name);
        }
    }

    /// This transaction made (or found made meanwhile) the sequence `name`:
    /// known once it commits.
    pub(crate) fn sequence_made(&mut self, name: String) {
        let sequences = self.sequences.clone();
        self.after_commit(move || {
            if let Ok(mut known) = sequences.write() {
                known.insert(name);
            }
        });
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Commits a PostgreSQL transaction, then runs its after-commit duties.
    async fn commit(self) -> sqlx::Result<()> {
        let Self {
            conn, after_commit, ..
        } = self;
        if let Conn::Postgres(tx) = conn {
            tx.commit().await?;
        }
        for duty in after_commit {
            duty();
        }
        Ok(())
    }

    /// Gives SQLite's writer its connection back, with the duties.
    fn into_sqlite(self) -> (AnyConnection, Vec<AfterCommit>) {
        match self.conn {
            Conn::Sqlite(conn) => (conn, self.after_commit),
            Conn::Postgres(_) => unreachable!("SQLite's writer lends only its own connection"),
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.conn {
            Conn::Postgres(tx) => tx,
            Conn::Sqlite(conn) => conn,
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.conn {
            Conn::Postgres(tx) => tx,
            Conn::Sqlite(conn) => conn,
        }
    }
}

/// A transaction's body and its caller's answer, as SQLite's writer runs
/// them (see `writer`).
struct Body<F, T, E> {
    body: F,
    answer: oneshot::Sender<Result<T, E>>,
}

impl<F, T, E> writer::Job for Body<F, T, E>
where
    F: for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: From<sqlx::Error> + Send + 'static,
{
    fn run(self: Box<Self>, tx: &mut WriteTx) -> BoxFuture<'_, (bool, writer::Reply)> {
        let Self { body, answer } = *self;
        Box::pin(async move {
            match body(tx).await {
                Ok(value) => {
                    let reply = move |committed: sqlx::Result<()>| {
                        let _ = answer.send(committed.map(|()| value).map_err(E::from));
                    };
                    (true, Box::new(reply) as writer::Reply)
                }
                Err(err) => {
                    let reply = move |_| {
                        let _ = answer.send(Err(err));
                    };
                    (false, Box::new(reply) as writer::Reply)
                }
            }
        })
    }

    fn fail(self: Box<Self>, err: sqlx::Error) {
        let _ = self.answer.send(Err(err.into()));
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
        let cache = Arc::new(cache::Cache::new(cache_ttl));
        let handoff: Arc<OnceLock<queue::Handoff>> = Arc::default();
        let sequences: Arc<RwLock<HashSet<String>>> = Arc::default();
        let writer = if backend.one_writer() {
            let (cache, handoff, sequences) = (cache.clone(), handoff.clone(), sequences.clone());
            let tx = move |conn| WriteTx {
                conn: Conn::Sqlite(conn),
                backend,
                handoff: handoff.get().cloned(),
                cache: cache.clone(),
                sequences: sequences.clone(),
                after_commit: Vec::new(),
            };
            let writer = writer::Writer::start(url, tx)
                .await
                .context("opening the SQLite write connection")?;
            writer::spawn_checkpoints(pool.clone());
            Some(writer)
        } else {
            None
        };
        let store = Self {
            pool,
            backend,
            url: url.to_owned(),
            writer,
            cache,
            session_keys: Arc::default(),
            views: Arc::default(),
            handoff,
            sequences,
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

    /// Runs `body` as one transaction that reads then writes, and returns
    /// its answer once the transaction is committed (durable on SQLite:
    /// `synchronous = full`). A body that fails is rolled back and answers
    /// its error; nothing it wrote is kept.
    ///
    /// The body runs apart from the caller: on SQLite in the writer's task
    /// (see `writer`), on PostgreSQL in a task of its own. A caller that is
    /// dropped meanwhile (its client hung up, its time limit passed) stops
    /// waiting, not the transaction, which commits or rolls back whole; a
    /// retried step then finds it done. So the body owns what it uses
    /// (`move`), and touches nothing but the database through `tx`: on
    /// SQLite every other write waits while it runs.
    pub async fn transact<T, E, F>(&self, body: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
    {
        let Some(writer) = &self.writer else {
            let store = self.clone();
            let task = tokio::spawn(async move { store.transact_on_pool(body).await });
            return match task.await {
                Ok(answer) => answer,
                Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
                Err(_) => Err(sqlx::Error::WorkerCrashed.into()),
            };
        };
        let (answer, answered) = oneshot::channel();
        if writer.send(Box::new(Body { body, answer })).await.is_err() {
            return Err(sqlx::Error::PoolClosed.into());
        }
        // The answer is dropped unsent only when the body panicked.
        answered.await.unwrap_or_else(|_| {
            Err(
                sqlx::Error::Protocol("the write failed unexpectedly and was rolled back".into())
                    .into(),
            )
        })
    }

    /// [`Store::transact`] on PostgreSQL: a transaction of the pool.
    async fn transact_on_pool<T, E, F>(&self, body: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, Result<T, E>>,
        E: From<sqlx::Error>,
    {
        let tx = self.pool.begin_with(self.backend.begin_write()).await?;
        let mut tx = WriteTx {
            conn: Conn::Postgres(tx),
            backend: self.backend,
            handoff: self.handoff.get().cloned(),
            cache: self.cache.clone(),
            sequences: self.sequences.clone(),
            after_commit: Vec::new(),
        };
        match body(&mut tx).await {
            Ok(value) => {
                tx.commit().await?;
                Ok(value)
            }
            Err(err) => {
                if let Conn::Postgres(tx) = tx.conn
                    && let Err(rollback) = tx.rollback().await
                {
                    tracing::warn!(%rollback, "rolling back a failed write failed");
                }
                Err(err)
            }
        }
    }

    /// Runs one statement that writes, on its own, apart from the caller
    /// like [`Store::transact`]: through the writer on SQLite (committed to
    /// disk when this returns), on the pool on PostgreSQL.
    pub async fn write(
        &self,
        statement: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::Result<sqlx::any::AnyQueryResult> {
        if self.writer.is_none() {
            let pool = self.pool.clone();
            return tokio::spawn(async move { statement.execute(&pool).await })
                .await
                .map_err(|_| sqlx::Error::WorkerCrashed)?;
        }
        self.transact(move |tx| Box::pin(async move { statement.execute(&mut **tx).await }))
            .await
    }

    /// Begins a read-only transaction that sees one snapshot throughout.
    pub async fn begin_snapshot(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.pool.begin().await?;
        if let Some(statement) = self.backend.snapshot_statement() {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        Ok(tx)
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

/// The cursor of a list's first page, newest first: above every id (a
/// lower-case prefix, `_` and a lower-case ULID), compared in byte order or
/// in a linguistic collation alike: no prefix begins with `z`. (`~`, above
/// every id in byte order, is ignored by collations such as `en_US`, where
/// it would sort below them all and leave first pages empty.)
const TOP: &str = "zzzz";

/// Reads JSON stored as text (a definition, a step's answer); text that does not decode is a decode error
/// of the column, like any other.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> sqlx::Result<T> {
    serde_json::from_str(text).map_err(|err| sqlx::Error::Decode(Box::new(err)))
}

/// JSON text to store.
pub fn to_json<T: serde::Serialize>(value: &T) -> sqlx::Result<String> {
    serde_json::to_string(value).map_err(|err| sqlx::Error::Encode(Box::new(err)))
}

#[cfg(test)]
mod tests {
    use adact_domain::time::new_id;

    #[test]
    fn the_first_page_cursor_is_above_every_id() {
        for prefix in [
            "acc", "att", "cmp", "dlv", "ep", "evt", "play", "plr", "prz", "seg", "sk",
        ] {
            let id = new_id(prefix);
            assert!(id.as_str() < super::TOP, "{id}");
            assert!(!id.starts_with('z'), "{id}");
        }
    }
}

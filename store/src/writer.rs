//! SQLite's one writer: a task that owns the write connection, with group
//! commit.
//!
//! SQLite takes one writer at a time, and with `synchronous = full` every
//! commit waits for the disk. One commit per request would cap the server
//! at a few hundred writes a second. So every write is a job sent to one
//! task, which runs the jobs back to back and lets those that queue up
//! behind each other share a commit:
//!
//! - A job is the body of a transaction ([`Store::transact`](super::Store::transact)).
//!   The task runs it as a savepoint inside the group's transaction: a body
//!   that succeeds releases its savepoint; one that fails is rolled back to
//!   it, alone, and answered at once.
//! - When a job ends and another is queued (and the group has room and is
//!   young), the group stays open for it; otherwise the task commits, runs
//!   each member's after-commit duties, and only then answers them:
//!   acknowledged means durable.
//! - If the commit fails (a full disk, an I/O error), the task rolls back,
//!   answers every member with the error, and goes on with the next job.
//!
//! The caller only sends the job and awaits the answer. A caller that goes
//! away (its client hung up, its time limit passed) drops the answer, not
//! the job: no savepoint, commit or rollback is ever cut in the middle, and
//! its write is either wholly committed or wholly absent. The queue is
//! bounded ([`QUEUE`]): past it, callers wait to queue, and one that goes
//! away while waiting has written nothing.
//!
//! Other processes on the same file (more servers, the CLI) take the
//! write lock between our groups. SQLite's own busy handler would poll for
//! it at up to 100 ms intervals, and a busy server, which starts its next
//! group microseconds after the last commit, would starve them for seconds.
//! So the writer waits for the lock itself, trying every millisecond
//! ([`begin`](State::begin)), and while another process has been seen
//! writing (in the last [`CONTENDED_FOR`]), after [`SHARE_AFTER`] of
//! back-to-back groups it leaves the lock free for [`SHARE_FOR`] before
//! taking it again: the jobs that queue up meanwhile join the next group,
//! and a server beside it waits tens of milliseconds, not seconds. A lone
//! server never pauses.

use std::{
    panic::AssertUnwindSafe,
    time::{Duration, Instant},
};

use futures_util::{FutureExt as _, future::BoxFuture};
use sqlx::{AnyConnection, Connection as _, Executor as _};
use tokio::sync::mpsc;

use super::{WriteTx, dialect::SQLITE_PRAGMAS};

/// How many jobs one commit may carry.
const MAX_MEMBERS: usize = 256;
/// How many jobs may wait for the writer. Beyond that, callers wait to
/// queue theirs: under more load than the disk takes, requests wait (and
/// reach their time limit before writing anything) instead of piling up
/// writes that would commit long after their clients gave up.
const QUEUE: usize = 4 * MAX_MEMBERS;
/// How long a group may stay open gathering jobs.
const MAX_AGE: Duration = Duration::from_millis(10);
/// How often the log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// How long the writer may hold the lock in back-to-back groups before it
/// lets another process have it.
const SHARE_AFTER: Duration = Duration::from_millis(25);
/// How long it then leaves the lock free: longer than the others' polling.
const SHARE_FOR: Duration = Duration::from_millis(2);
/// How long after finding the lock taken the writer keeps sharing it.
const CONTENDED_FOR: Duration = Duration::from_secs(5);
/// How often a writer waiting for another process's lock tries again.
const POLL_LOCK: Duration = Duration::from_millis(1);
/// How long a writer waits for another process's lock before it fails.
const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// A transaction's body, type-erased for the writer's queue.
pub(super) trait Job: Send {
    /// Runs the body on `tx`; returns whether it succeeded (its writes are
    /// to be kept) and how to answer its caller once the group's fate is
    /// known.
    fn run(self: Box<Self>, tx: &mut WriteTx) -> BoxFuture<'_, (bool, Reply)>;

    /// Answers the caller without running the body: the transaction could
    /// not begin.
    fn fail(self: Box<Self>, err: sqlx::Error);
}

/// Answers a job's caller: with `Ok` once the group committed (or at once
/// for a failed body, which answers its own error), with the commit's
/// error otherwise.
pub(super) type Reply = Box<dyn FnOnce(Result<(), sqlx::Error>) + Send>;

/// The handle callers send jobs through; the task ends when every handle
/// is gone.
#[derive(Debug, Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Opens the write connection and starts the writer's task; `tx`
    /// makes each job's [`WriteTx`] around the connection.
    pub(super) async fn start(
        url: &str,
        tx: impl Fn(AnyConnection) -> WriteTx + Send + Sync + 'static,
    ) -> sqlx::Result<Self> {
        let mut conn = AnyConnection::connect(url).await?;
        conn.execute(SQLITE_PRAGMAS).await?;
        // Checkpoints run beside the writer (`spawn_checkpoints`), never
        // inside one of its commits.
        conn.execute("pragma wal_autocheckpoint = 0").await?;
        // The writer waits for other processes' locks itself (`begin`).
        conn.execute("pragma busy_timeout = 0").await?;
        let now = Instant::now();
        let state = State {
            conn: Some(conn),
            last_commit: now,
            run_began: now,
            contended_at: None,
        };
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(state.run(queue, tx));
        Ok(Self { jobs })
    }

    /// Queues a job, waiting for room; an error when the writer has
    /// stopped. A caller dropped while it waits has queued nothing.
    pub(super) async fn send(&self, job: Box<dyn Job>) -> Result<(), Box<dyn Job>> {
        self.jobs.send(job).await.map_err(|err| err.0)
    }
}

/// Copies the write-ahead log back into the database file every
/// [`CHECKPOINT_EVERY`], on a connection of `pool`, until the pool closes.
/// SQLite's default checkpoints inside the commit that fills the log past
/// 1,000 pages, and every write queued behind that commit waits while it
/// syncs the database file; a passive checkpoint on another connection
/// runs beside the writer instead.
pub(super) fn spawn_checkpoints(pool: sqlx::AnyPool) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if pool.is_closed() {
                return;
            }
            if let Err(err) = sqlx::query("pragma wal_checkpoint(passive)")
                .execute(&pool)
                .await
            {
                tracing::warn!(%err, "checkpointing the SQLite log failed; trying again");
            }
        }
    });
}

#[derive(Debug)]
struct State {
    /// The write connection; lent to each job's [`WriteTx`] while it runs.
    conn: Option<AnyConnection>,
    /// When the last group committed, and when the run of back-to-back
    /// groups it belongs to began.
    last_commit: Instant,
    run_began: Instant,
    /// When `BEGIN` last found another process holding the lock.
    contended_at: Option<Instant>,
}

/// A member of the open group: its answer and what to do once it commits.
struct Member {
    reply: Reply,
    after_commit: Vec<super::AfterCommit>,
}

impl State {
    async fn run(
        mut self,
        mut queue: mpsc::Receiver<Box<dyn Job>>,
        make_tx: impl Fn(AnyConnection) -> WriteTx,
    ) {
        while let Some(first) = queue.recv().await {
            if let Err(err) = self.begin().await {
                first.fail(err);
                continue;
            }
            let opened = Instant::now();
            let mut members = Vec::new();
            let mut next = Some(first);
            let mut broken = None;
            while let Some(job) = next.take() {
                match self.run_job(job, &make_tx).await {
                    Ok(Some(member)) => members.push(member),
                    Ok(None) => {}
                    Err(err) => {
                        broken = Some(err);
                        break;
                    }
                }
                if members.len() < MAX_MEMBERS && opened.elapsed() < MAX_AGE {
                    next = queue.try_recv().ok();
                }
            }
            match broken {
                None => self.commit(members).await,
                Some(err) => {
                    tracing::error!(%err, members = members.len(), "a write group broke; rolling it back");
                    self.roll_back().await;
                    answer(members, &err);
                }
            }
        }
    }

    /// Runs one job in a savepoint of the group. `Ok(Some)`: its writes are
    /// kept, to be answered at the commit; `Ok(None)`: it failed, was rolled
    /// back alone and answered; `Err`: the group's transaction cannot go on.
    async fn run_job(
        &mut self,
        job: Box<dyn Job>,
        make_tx: &impl Fn(AnyConnection) -> WriteTx,
    ) -> sqlx::Result<Option<Member>> {
        if let Err(err) = self.conn().execute("SAVEPOINT job").await {
            job.fail(copy_error(&err));
            return Err(err);
        }
        let conn = self.conn.take().expect("the writer holds its connection");
        let mut tx = make_tx(conn);
        let ran = AssertUnwindSafe(job.run(&mut tx)).catch_unwind().await;
        let (conn, after_commit) = tx.into_sqlite();
        self.conn = Some(conn);
        let (ok, reply) = match ran {
            Ok(ran) => ran,
            Err(_) => {
                // The caller's answer was dropped with the job: it hears
                // that the write failed, and the writer goes on.
                tracing::error!("a write panicked; rolled back");
                (false, Box::new(|_| {}) as Reply)
            }
        };
        if ok {
            self.conn().execute("RELEASE job").await?;
            return Ok(Some(Member {
                reply,
                after_commit,
            }));
        }
        let undone = self
            .conn()
            .execute("ROLLBACK TO job; RELEASE job")
            .await
            .map(drop);
        reply(Ok(()));
        undone.map(|()| None)
    }

    fn conn(&mut self) -> &mut AnyConnection {
        self.conn.as_mut().expect("the writer holds its connection")
    }

    /// Takes the database's write lock for a new group, sharing it with
    /// other processes (see the module's doc).
    async fn begin(&mut self) -> sqlx::Result<()> {
        let contended = self
            .contended_at
            .is_some_and(|at| at.elapsed() < CONTENDED_FOR);
        if self.last_commit.elapsed() > SHARE_FOR {
            self.run_began = Instant::now();
        } else if contended && self.run_began.elapsed() > SHARE_AFTER {
            tokio::time::sleep(SHARE_FOR).await;
            self.run_began = Instant::now();
        }
        let asked = Instant::now();
        loop {
            match self.conn().execute("BEGIN IMMEDIATE").await {
                Err(err) if is_busy(&err) && asked.elapsed() < LOCK_TIMEOUT => {
                    self.contended_at = Some(Instant::now());
                    tokio::time::sleep(POLL_LOCK).await;
                }
                Err(err) if is_in_transaction(&err) => {
                    // Cannot happen: every group ends in a commit or a
                    // rollback. Should it anyway, end it rather than fail
                    // every write from now on.
                    tracing::error!(%err, "the write connection was left in a transaction");
                    self.roll_back().await;
                }
                outcome => return outcome.map(drop),
            }
        }
    }

    /// Commits the group; then runs each member's after-commit duties and
    /// answers it. A failed commit is rolled back and answered to all.
    async fn commit(&mut self, members: Vec<Member>) {
        let committed = self.conn().execute("COMMIT").await;
        self.last_commit = Instant::now();
        match committed {
            Ok(_) => {
                for member in members {
                    for duty in member.after_commit {
                        duty();
                    }
                    (member.reply)(Ok(()));
                }
            }
            Err(err) => {
                tracing::error!(%err, members = members.len(), "a group commit failed; rolled back");
                self.roll_back().await;
                answer(members, &err);
            }
        }
    }

    /// Ends whatever transaction is open. SQLite may have rolled it back
    /// itself (a full disk, an I/O error), so "no transaction is active" is
    /// as good as done.
    async fn roll_back(&mut self) {
        if let Err(err) = self.conn().execute("ROLLBACK").await
            && !err.to_string().contains("no transaction is active")
        {
            tracing::error!(%err, "rolling back the write connection failed");
        }
    }
}

/// Answers every member of a failed group with (a copy of) its error.
fn answer(members: Vec<Member>, err: &sqlx::Error) {
    for member in members {
        (member.reply)(Err(copy_error(err)));
    }
}

/// An error for each member of a failed group (`sqlx::Error` is not
/// `Clone`), keeping what the HTTP layer tells apart: a full disk stays a
/// full disk.
fn copy_error(err: &sqlx::Error) -> sqlx::Error {
    const SQLITE_FULL: i32 = 13;
    let message = format!("the write's group failed: {err}");
    if sqlite_code(err) == Some(SQLITE_FULL) {
        sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            message,
        ))
    } else {
        sqlx::Error::Protocol(message)
    }
}

/// The primary SQLite result code of a database error.
fn sqlite_code(err: &sqlx::Error) -> Option<i32> {
    err.as_database_error()
        .and_then(|err| err.code())
        .and_then(|code| code.parse::<i32>().ok())
        .map(|code| code & 0xff)
}

/// SQLite's `SQLITE_BUSY`, in any of its extended forms: another
/// connection holds the lock.
fn is_busy(err: &sqlx::Error) -> bool {
    const SQLITE_BUSY: i32 = 5;
    sqlite_code(err) == Some(SQLITE_BUSY)
}

fn is_in_transaction(err: &sqlx::Error) -> bool {
    err.to_string()
        .contains("cannot start a transaction within a transaction")
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt as _;

    use crate::Store;

    async fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}/writer.db", dir.path().display());
        let store = Store::connect(&url, 4).await.expect("the store opens");
        sqlx::query("create table t (n integer primary key)")
            .execute(store.pool())
            .await
            .expect("the table");
        (store, dir)
    }

    async fn count(store: &Store) -> i64 {
        sqlx::query_scalar("select count(*) from t")
            .fetch_one(store.pool())
            .await
            .expect("the count")
    }

    async fn insert(tx: &mut crate::WriteTx, n: i64) -> sqlx::Result<()> {
        sqlx::query("insert into t (n) values ($1)")
            .bind(n)
            .execute(&mut **tx)
            .await
            .map(drop)
    }

    /// Writes that queue together share commits; each keeps or loses only
    /// its own: a committed one is visible once answered, a failed one
    /// (even after a failed statement, even one that panicked) is rolled
    /// back alone, and a cancelled caller's write is whole either way.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_write_keeps_or_loses_only_its_own_rows() {
        let (store, _dir) = store().await;
        let tasks: Vec<_> = (0..200_i64)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let written = store.transact(move |tx| {
                        Box::pin(async move {
                            insert(tx, n).await?;
                            // A second row, so a half-kept write would show.
                            insert(tx, n + 1000).await?;
                            match n % 4 {
                                // A failed statement (the row exists).
                                0 => insert(tx, n).await,
                                1 => Err(sqlx::Error::RowNotFound),
                                _ => Ok(()),
                            }
                        })
                    });
                    if n % 8 == 2 {
                        // The caller goes away once its write is queued:
                        // the write still commits, whole.
                        assert!(written.now_or_never().is_none());
                        return;
                    }
                    let kept = written.await.is_ok();
                    assert_eq!(kept, n % 4 > 1, "write {n}");
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("the task");
        }
        // A write behind all the others: once answered, they are done too.
        store
            .write(sqlx::query("delete from t where n < 0"))
            .await
            .expect("a write");
        assert_eq!(count(&store).await, 200);
        let halves: i64 = sqlx::query_scalar(
            "select count(*) from t a where a.n < 1000 \
             and not exists (select 1 from t b where b.n = a.n + 1000)",
        )
        .fetch_one(store.pool())
        .await
        .expect("the count");
        assert_eq!(halves, 0);
    }

    /// A body that panics fails its own write; the writer goes on.
    #[tokio::test]
    async fn a_panicking_write_fails_alone() {
        let (store, _dir) = store().await;
        let panicked = store
            .transact(|tx| {
                Box::pin(async move {
                    insert(tx, 1).await?;
                    if std::hint::black_box(true) {
                        panic!("a bug in a write");
                    }
                    Ok::<_, sqlx::Error>(())
                })
            })
            .await;
        assert!(panicked.is_err());
        store
            .transact(|tx| Box::pin(insert(tx, 2)))
            .await
            .expect("the next write");
        assert_eq!(count(&store).await, 1);
    }
}

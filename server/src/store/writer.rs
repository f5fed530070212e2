//! SQLite's one writer, with group commit.
//!
//! SQLite takes one writer at a time, and with `synchronous = full` every
//! commit waits for the disk (about 3 ms here). One commit per request
//! would cap the server at a few hundred writes a second. So every write
//! goes through one connection, one turn at a time, and the turns that
//! queue up behind each other share a commit:
//!
//! - A turn is a savepoint inside the group's transaction. Committing a
//!   turn releases its savepoint; dropping it rolls the savepoint back, so
//!   a failed turn takes none of the others with it.
//! - When a turn ends and another is waiting, the group stays open for the
//!   next one; the last turn of a run (nobody waiting, or the group is full
//!   or old) commits it. Every turn's `commit` returns only after the
//!   group's commit is on disk: acknowledged means durable.
//! - A member whose group nobody closes (the turns waiting behind it were
//!   cancelled) closes it itself after [`ORPHANED_AFTER`].
//!
//! If the group's commit fails, every member's commit fails with it.
//!
//! Other processes on the same file (more servers, the CLI) take the
//! write lock between our groups. SQLite's own busy handler would poll for
//! it at up to 100 ms intervals, and a busy server, which starts its next
//! group microseconds after the last commit, would starve them for seconds.
//! So the writer waits for the lock itself, trying every millisecond
//! ([`begin`](State::begin)), and while another process has been seen
//! writing (in the last [`CONTENDED_FOR`]), after [`SHARE_AFTER`] of
//! back-to-back groups it leaves the lock free for [`SHARE_FOR`] before
//! taking it again: the turns that queue up meanwhile join the next group,
//! and a server beside it waits tens of milliseconds, not seconds. A lone
//! server never pauses.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use sqlx::{AnyConnection, Connection as _, Executor as _};

use super::dialect::SQLITE_PRAGMAS;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

/// How many turns one commit may carry.
const MAX_MEMBERS: usize = 256;
/// How long a group may stay open gathering turns.
const MAX_AGE: Duration = Duration::from_millis(10);
/// When a member closes a group that nobody else closed.
const ORPHANED_AFTER: Duration = Duration::from_millis(250);
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

#[derive(Debug)]
pub(super) struct Writer {
    state: Arc<Mutex<State>>,
    /// Turns waiting for the connection: while there are any, a group stays
    /// open for them.
    waiting: AtomicUsize,
}

#[derive(Debug)]
struct State {
    conn: AnyConnection,
    group: Option<Group>,
    /// Numbers the groups, so a member can tell whether its own is still open.
    generation: u64,
    /// A turn ended without committing and its savepoint is still to be
    /// rolled back.
    savepoint_open: bool,
    /// When the last group committed, and when the run of back-to-back
    /// groups it belongs to began.
    last_commit: Instant,
    run_began: Instant,
    /// When `BEGIN` last found another process holding the lock.
    contended_at: Option<Instant>,
}

#[derive(Debug)]
struct Group {
    generation: u64,
    opened: Instant,
    members: Vec<oneshot::Sender<Result<(), String>>>,
}

impl Writer {
    pub(super) async fn connect(url: &str) -> sqlx::Result<Self> {
        let mut conn = AnyConnection::connect(url).await?;
        conn.execute(SQLITE_PRAGMAS).await?;
        // Checkpoints run beside the writer (`spawn_checkpoints`), never
        // inside one of its commits.
        conn.execute("pragma wal_autocheckpoint = 0").await?;
        // The writer waits for other processes' locks itself (`begin`).
        conn.execute("pragma busy_timeout = 0").await?;
        let now = Instant::now();
        Ok(Self {
            state: Arc::new(Mutex::new(State {
                conn,
                group: None,
                generation: 0,
                savepoint_open: false,
                last_commit: now,
                run_began: now,
                contended_at: None,
            })),
            waiting: AtomicUsize::new(0),
        })
    }

    /// Waits for the connection and begins a turn.
    pub(super) async fn turn(self: &Arc<Self>) -> sqlx::Result<Turn> {
        let state = {
            self.waiting.fetch_add(1, Ordering::AcqRel);
            let _waiting = Waiting(&self.waiting);
            self.state.clone().lock_owned().await
        };
        let mut turn = Turn {
            writer: self.clone(),
            state: Some(state),
        };
        // On an error the dropped turn ends itself.
        let state = turn.state_mut();
        state.clean_up().await?;
        if state.group.is_none() {
            state.begin().await?;
            state.generation += 1;
            state.group = Some(Group {
                generation: state.generation,
                opened: Instant::now(),
                members: Vec::new(),
            });
        }
        state.conn.execute("SAVEPOINT turn").await?;
        state.savepoint_open = true;
        Ok(turn)
    }

    /// After a turn: leaves the group open for the next turn when one is
    /// waiting (and the group has room), and commits it otherwise.
    async fn end_turn(&self, mut state: OwnedMutexGuard<State>) {
        let Some(group) = &state.group else { return };
        let carried_on = self.waiting.load(Ordering::Acquire) > 0
            && group.members.len() < MAX_MEMBERS
            && group.opened.elapsed() < MAX_AGE;
        if !carried_on {
            state.commit_group().await;
        }
    }

    /// Waits for the group `generation` to commit, closing it if it was
    /// left open with nobody to close it.
    async fn committed(
        &self,
        generation: u64,
        mut done: oneshot::Receiver<Result<(), String>>,
    ) -> sqlx::Result<()> {
        let outcome = tokio::select! {
            outcome = &mut done => outcome,
            () = tokio::time::sleep(ORPHANED_AFTER) => {
                let mut state = self.state.clone().lock_owned().await;
                if state.group.as_ref().is_some_and(|g| g.generation == generation) {
                    // Nobody took the turn the group was left open for.
                    if let Err(err) = state.clean_up().await {
                        tracing::warn!(%err, "rolling back an abandoned write failed");
                    }
                    state.commit_group().await;
                }
                drop(state);
                done.await
            }
        };
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(sqlx::Error::Protocol(format!(
                "the write's group commit failed: {err}"
            ))),
            Err(_) => Err(sqlx::Error::Protocol(
                "the write's group was dropped before it committed".into(),
            )),
        }
    }
}

/// Copies the write-ahead log back into the database file every
/// [`CHECKPOINT_EVERY`], on a connection of `pool`, for as long as the
/// writer lives. SQLite's default checkpoints inside the commit that fills
/// the log past 1,000 pages, and every write queued behind that commit
/// waits while it syncs the database file; a passive checkpoint on another
/// connection runs beside the writer instead.
pub(super) fn spawn_checkpoints(pool: sqlx::AnyPool, writer: std::sync::Weak<Writer>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if writer.strong_count() == 0 || pool.is_closed() {
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

impl State {
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
            match self.conn.execute("BEGIN IMMEDIATE").await {
                Err(err) if is_busy(&err) && asked.elapsed() < LOCK_TIMEOUT => {
                    self.contended_at = Some(Instant::now());
                    tokio::time::sleep(POLL_LOCK).await;
                }
                outcome => return outcome.map(drop),
            }
        }
    }

    /// Rolls back the savepoint a turn left open when it was dropped.
    async fn clean_up(&mut self) -> sqlx::Result<()> {
        if !self.savepoint_open {
            return Ok(());
        }
        let undone = self
            .conn
            .execute("ROLLBACK TO turn; RELEASE turn")
            .await
            .map(drop);
        if undone.is_err() {
            // The transaction cannot go on: the group fails as a whole.
            self.fail_group("a rolled-back write broke the group's transaction")
                .await;
        }
        self.savepoint_open = false;
        undone
    }

    /// Commits the open group and tells its members.
    async fn commit_group(&mut self) {
        let Some(group) = self.group.take() else {
            return;
        };
        let committed = self.conn.execute("COMMIT").await;
        self.last_commit = Instant::now();
        let outcome = match committed {
            Ok(_) => Ok(()),
            Err(err) => {
                tracing::error!(%err, members = group.members.len(), "a group commit failed");
                let _ = self.conn.execute("ROLLBACK").await;
                Err(err.to_string())
            }
        };
        for member in group.members {
            let _ = member.send(outcome.clone());
        }
    }

    async fn fail_group(&mut self, why: &str) {
        let _ = self.conn.execute("ROLLBACK").await;
        if let Some(group) = self.group.take() {
            for member in group.members {
                let _ = member.send(Err(why.to_owned()));
            }
        }
    }
}

/// SQLite's `SQLITE_BUSY`, in any of its extended forms: another
/// connection holds the lock.
fn is_busy(err: &sqlx::Error) -> bool {
    const SQLITE_BUSY: i32 = 5;
    err.as_database_error()
        .and_then(|err| err.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| code & 0xff == SQLITE_BUSY)
}

/// One write's turn on the connection (see the module's doc).
#[derive(Debug)]
pub(super) struct Turn {
    writer: Arc<Writer>,
    state: Option<OwnedMutexGuard<State>>,
}

impl Turn {
    fn state_mut(&mut self) -> &mut State {
        self.state
            .as_mut()
            .expect("a turn holds the connection until it ends")
    }

    pub(super) fn conn(&self) -> &AnyConnection {
        &self
            .state
            .as_ref()
            .expect("a turn holds the connection until it ends")
            .conn
    }

    pub(super) fn conn_mut(&mut self) -> &mut AnyConnection {
        &mut self.state_mut().conn
    }

    /// Keeps the turn's writes, and returns once they are committed to disk
    /// with the rest of its group.
    pub(super) async fn commit(mut self) -> sqlx::Result<()> {
        let state = self.state_mut();
        // On an error the dropped turn rolls back and ends itself.
        state.conn.execute("RELEASE turn").await?;
        state.savepoint_open = false;
        let (member, done) = oneshot::channel();
        let generation = match &mut state.group {
            Some(group) => {
                group.members.push(member);
                group.generation
            }
            None => {
                return Err(sqlx::Error::Protocol(
                    "the write's group failed before it committed".into(),
                ));
            }
        };
        let state = self
            .state
            .take()
            .expect("a turn holds the connection until it ends");
        self.writer.end_turn(state).await;
        self.writer.committed(generation, done).await
    }
}

impl Drop for Turn {
    /// A turn dropped before its commit (an error, or a cancelled request)
    /// rolls its savepoint back and ends, in the background; without a
    /// runtime to do that, the next turn rolls it back first.
    fn drop(&mut self) {
        let Some(mut state) = self.state.take() else {
            return;
        };
        let writer = self.writer.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(err) = state.clean_up().await {
                    tracing::warn!(%err, "rolling back a dropped write failed");
                }
                writer.end_turn(state).await;
            });
        }
    }
}

/// Counts a turn as waiting until it has the connection (or gave up).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Row as _;

    use crate::store::Store;

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
        sqlx::query("select count(*) as n from t")
            .fetch_one(store.pool())
            .await
            .and_then(|row| row.try_get("n"))
            .expect("the count")
    }

    /// Turns that queue together share commits; each keeps or loses only
    /// its own writes: a committed one is visible once `commit` returns, a
    /// dropped one (even after a failed statement) is rolled back alone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_turn_keeps_or_loses_only_its_own_writes() {
        let (store, _dir) = store().await;
        let tasks: Vec<_> = (0..200_i64)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut tx = store.begin_write().await.expect("a turn");
                    sqlx::query("insert into t (n) values ($1)")
                        .bind(n)
                        .execute(&mut *tx)
                        .await
                        .expect("the insert");
                    match n % 4 {
                        // Dropped: rolled back.
                        0 => false,
                        // A failed statement (the row exists), then dropped.
                        1 => {
                            let again = sqlx::query("insert into t (n) values ($1)")
                                .bind(n)
                                .execute(&mut *tx)
                                .await;
                            assert!(again.is_err());
                            false
                        }
                        _ => {
                            tx.commit().await.expect("the commit");
                            let seen = sqlx::query("select n from t where n = $1")
                                .bind(n)
                                .fetch_optional(store.pool())
                                .await
                                .expect("the read");
                            assert!(seen.is_some(), "{n} committed but not visible");
                            true
                        }
                    }
                })
            })
            .collect();
        let mut kept = 0;
        for task in tasks {
            kept += i64::from(task.await.expect("the task"));
        }
        // The last dropped turns roll back in the background.
        store
            .write(sqlx::query("delete from t where n < 0"))
            .await
            .expect("a write");
        assert_eq!(count(&store).await, kept);
        assert_eq!(kept, 100);
    }
}

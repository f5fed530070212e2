//! Every difference between SQLite and PostgreSQL, in one place. The rest
//! of the store writes one SQL text for both, through sqlx's `Any` driver:
//! times are unix milliseconds (`bigint`/`integer`), ids and JSON are text,
//! booleans are integers 0/1 (see [`flag`]), and placeholders are numbered
//! (`$1`), which both backends accept.

use std::{str::FromStr as _, time::Duration};

use anyhow::Context as _;
use sqlx::{
    AnyPool, Executor as _, any::AnyPoolOptions, migrate::Migrator, sqlite::SqliteConnectOptions,
};

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend of `sqlite://PATH` or `postgres://...`.
    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            anyhow::bail!(
                "unsupported DATABASE_URL {:?}: expected sqlite://PATH or postgres://...",
                redact(url)
            )
        }
    }

    /// "SQLite" or "PostgreSQL", for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }

    /// Opens the pool (on SQLite, for reads: writes go through
    /// `writer`). SQLite: the file is created when missing, and each
    /// connection gets its pragmas.
    ///
    /// PostgreSQL can go away and come back (a restart, a failover): the
    /// pool checks a connection before handing it out, so one the server
    /// closed is replaced rather than failing a request, and a request waits
    /// at most [`PG_ACQUIRE_TIMEOUT`] for a connection, so that while the
    /// database is down it is answered 503 `database_unavailable` in seconds
    /// (see `http::error`) rather than holding the client. The pool opens
    /// new connections as requests need them, so it recovers by itself once
    /// the database is back. SQLite's pool only waits for another request's
    /// read to end, so it keeps the longer wait.
    pub async fn connect(self, url: &str, max_connections: u32) -> anyhow::Result<AnyPool> {
        let options = AnyPoolOptions::new().max_connections(max_connections.max(1));
        match self {
            Self::Sqlite => {
                // Validate the URL and create the file up front, so a bad path
                // fails here with a clear message rather than on first query.
                let sqlite = SqliteConnectOptions::from_str(url)
                    .with_context(|| format!("invalid SQLite URL {url:?}"))?
                    .create_if_missing(true);
                drop(
                    sqlx::ConnectOptions::connect(&sqlite)
                        .await
                        .with_context(|| format!("cannot open SQLite database {url:?}"))?,
                );
                options
                    .acquire_timeout(SQLITE_ACQUIRE_TIMEOUT)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await
                    .with_context(|| format!("cannot connect to {url:?}"))
            }
            Self::Postgres => options
                .acquire_timeout(PG_ACQUIRE_TIMEOUT)
                .test_before_acquire(true)
                .connect(url)
                .await
                .with_context(|| format!("cannot connect to {:?}", redact(url))),
        }
    }

    /// The migrations. The two folders hold the same schema, spelled for
    /// each backend (`integer primary key autoincrement` / `bigserial`,
    /// `integer` / `bigint`); `migrations_agree` below fails when they
    /// drift. They cannot become one folder: sqlx checks each applied
    /// migration's checksum, so installed databases pin today's texts.
    pub fn migrator(self) -> Migrator {
        match self {
            Self::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Self::Postgres => sqlx::migrate!("migrations/postgres"),
        }
    }

    /// What to start a transaction that reads then writes with. SQLite
    /// takes the write lock up front (`BEGIN IMMEDIATE`: a deferred
    /// transaction that upgrades fails with SQLITE_BUSY under concurrency).
    pub fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres => "BEGIN",
        }
    }

    /// The statement that makes a read transaction see one snapshot, when
    /// the backend needs one: PostgreSQL's default isolation lets each
    /// statement see a different commit; SQLite's transactions are
    /// snapshots already.
    pub fn snapshot_statement(self) -> Option<&'static str> {
        match self {
            Self::Sqlite => None,
            Self::Postgres => Some("set transaction isolation level repeatable read"),
        }
    }

    /// The lock clause of the delivery claim's subquery. On PostgreSQL,
    /// many processes claim at once: SKIP LOCKED lets each take rows the
    /// others are not taking, without waiting on them. SQLite has one
    /// writer at a time, so the plain statement is already exclusive.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " for update skip locked",
        }
    }

    /// An insert of a pool's codes, given as one JSON array of strings
    /// (`$2`), for the prize `$1`; codes it has already are skipped. One
    /// statement whatever the pool's size: the database walks the array
    /// itself, far faster than binding two parameters a row. SQLite needs
    /// `where true` before an upsert's `on conflict` after a SELECT.
    pub fn insert_codes(self) -> &'static str {
        match self {
            Self::Sqlite => {
                "insert into prize_codes (prize_id, code) select $1, trim(value) from json_each($2) \
                 where true on conflict (prize_id, code) do nothing"
            }
            Self::Postgres => {
                "insert into prize_codes (prize_id, code) \
                 select $1, trim(value) from json_array_elements_text(cast($2 as json)) as value \
                 on conflict (prize_id, code) do nothing"
            }
        }
    }

    /// Erases a player ($1, of the account $2) from the stored bodies of
    /// their events: `data.player` keeps its id, consent and times, and
    /// loses its external id, email, name and form fields.
    pub fn erase_event_player(self) -> &'static str {
        match self {
            Self::Sqlite => {
                "update events set payload = json_set(payload, \
                   '$.data.player.external_id', '', '$.data.player.email', null, \
                   '$.data.player.name', null, '$.data.player.fields', json('{}')) \
                 where player_id = $1 and account_id = $2 \
                 and json_type(payload, '$.data.player') = 'object'"
            }
            Self::Postgres => {
                "update events set payload = jsonb_set(payload::jsonb, '{data,player}', \
                   (payload::jsonb #> '{data,player}') \
                   || '{\"external_id\": \"\", \"email\": null, \"name\": null, \"fields\": {}}'::jsonb \
                 )::text \
                 where player_id = $1 and account_id = $2 \
                 and jsonb_typeof(payload::jsonb #> '{data,player}') = 'object'"
            }
        }
    }

    /// Erases a player ($1, of the account $2) from their plays: the rows
    /// stay (statistics and given codes count them) without the player,
    /// and each step's stored answer without the events it carried.
    pub fn erase_plays_player(self) -> &'static str {
        match self {
            Self::Sqlite => {
                "update plays set player_id = null, external_id = '', \
                   register_result = json_set(register_result, '$.events', json('[]')), \
                   play_result = json_set(play_result, '$.events', json('[]')), \
                   finish_result = json_set(finish_result, '$.events', json('[]')) \
                 where player_id = $1 and account_id = $2"
            }
            Self::Postgres => {
                "update plays set player_id = null, external_id = '', \
                   register_result = jsonb_set(register_result::jsonb, '{events}', '[]')::text, \
                   play_result = jsonb_set(play_result::jsonb, '{events}', '[]')::text, \
                   finish_result = jsonb_set(finish_result::jsonb, '{events}', '[]')::text \
                 where player_id = $1 and account_id = $2"
            }
        }
    }

    /// A query answering the rows of `rows` (a select naming its columns
    /// `columns`) in one row: `rows`, a JSON array of arrays in no
    /// particular order (one row to hand over for many); `last`, the
    /// least `key`; and `count`.
    pub fn json_rows(self, columns: &str, key: &str, rows: &str) -> String {
        let aggregate = match self {
            Self::Sqlite => format!("json_group_array(json_array({columns}))"),
            Self::Postgres => format!("json_agg(json_build_array({columns}))::text"),
        };
        format!(
            "select {aggregate} as rows, min({key}) as last, count(*) as count \
             from ({rows}) as chunk"
        )
    }

    /// The statement a step counts itself with, in its own transaction
    /// (see `stats`): SQLite's one writer adds to the hour's row at once;
    /// PostgreSQL appends a row of its own, folded in later by
    /// [`Backend::fold_step_counts`], so that concurrent plays of one
    /// campaign never wait on each other's lock of the hour's row. `$1`
    /// campaign, `$2` bucket, `$3` prize ('' for none), `$4` account, then
    /// the registrations, players, plays, wins and finishes to add.
    pub fn count_step(self) -> &'static str {
        match self {
            Self::Sqlite => {
                "insert into campaign_stats (campaign_id, bucket, prize_id, account_id,                  registrations, players, plays, wins, finishes)                  values ($1, $2, $3, $4, $5, $6, $7, $8, $9)                  on conflict (campaign_id, bucket, prize_id) do update set                  registrations = campaign_stats.registrations + excluded.registrations,                  players = campaign_stats.players + excluded.players,                  plays = campaign_stats.plays + excluded.plays,                  wins = campaign_stats.wins + excluded.wins,                  finishes = campaign_stats.finishes + excluded.finishes"
            }
            Self::Postgres => {
                "insert into campaign_stat_deltas (campaign_id, bucket, prize_id, account_id,                  registrations, players, plays, wins, finishes)                  values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            }
        }
    }

    /// Folds up to `$1` of the steps' appended counts into their hours'
    /// rows, in one statement (so a count is in one place or the other,
    /// never both or neither); None where steps count in place (SQLite).
    /// Rows another server is folding are skipped, and the hours' rows are
    /// updated in key order, as the view counts' flush does, so two servers
    /// never deadlock.
    pub fn fold_step_counts(self) -> Option<&'static str> {
        match self {
            Self::Sqlite => None,
            Self::Postgres => Some(
                "with folded as (                    delete from campaign_stat_deltas where id in (                      select id from campaign_stat_deltas order by id limit $1 for update skip locked)                    returning campaign_id, bucket, prize_id, account_id,                      registrations, players, plays, wins, finishes)                  insert into campaign_stats (campaign_id, bucket, prize_id, account_id,                    registrations, players, plays, wins, finishes)                  select campaign_id, bucket, prize_id, min(account_id), sum(registrations),                    sum(players), sum(plays), sum(wins), sum(finishes)                  from folded group by campaign_id, bucket, prize_id                  order by campaign_id, bucket, prize_id                  on conflict (campaign_id, bucket, prize_id) do update set                  registrations = campaign_stats.registrations + excluded.registrations,                  players = campaign_stats.players + excluded.players,                  plays = campaign_stats.plays + excluded.plays,                  wins = campaign_stats.wins + excluded.wins,                  finishes = campaign_stats.finishes + excluded.finishes",
            ),
        }
    }

    /// Where an account's event sequence numbers come from (see
    /// `outbox::next_sequence` and docs/webhooks.md, "Order").
    ///
    /// SQLite: the account's counter row, in the event's transaction; with
    /// one writer at a time the numbers are gapless and in commit order.
    ///
    /// PostgreSQL: the account's own sequence object, which never waits for
    /// another transaction. A counter row there is locked from the event to
    /// its transaction's commit, so the account's event-writing
    /// transactions commit one after another, each waiting for the one
    /// before it to reach the disk. Measured with pgbench on one account,
    /// PostgreSQL 15 with fsync on, 2 cores, a transaction taking its
    /// number then writing an event and a delivery: with 32 writers the
    /// counter row commits 380-390 a second (p99 430-480 ms), the sequence
    /// object 2,500-2,800 (p99 60-80 ms); with 8 writers 270-380 against
    /// 1,500-2,200. One identity column for all accounts (`events.seq`) is
    /// as fast as the sequence object (3,100-3,350 with 32 writers) but
    /// numbers no account 1, 2, 3 ...: an account's events would skip every
    /// other account's numbers.
    pub fn event_numbers(self) -> EventNumbers {
        match self {
            Self::Sqlite => EventNumbers::CounterRow(
                "insert into event_sequences (account_id, last_sequence) values ($1, 1) \
                 on conflict (account_id) do update \
                 set last_sequence = event_sequences.last_sequence + 1 returning last_sequence",
            ),
            Self::Postgres => EventNumbers::SequenceObject("select nextval($1::regclass)"),
        }
    }

    /// Whether every write goes through one writer task (see `writer`):
    /// SQLite admits one writer at a time, so writers queue in order there
    /// and share commits, instead of colliding in SQLite's busy handler.
    /// PostgreSQL's writers run together on the pool.
    pub fn one_writer(self) -> bool {
        self == Self::Sqlite
    }

    /// Whether other processes can be woken on commit (`pg_notify`): the
    /// delivery workers, and other replicas' caches.
    pub fn notifies(self) -> bool {
        self == Self::Postgres
    }
}

/// Where an account's next event number comes from: the statement that
/// takes it (see [`Backend::event_numbers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventNumbers {
    /// Bumps the account's (`$1`) counter row and returns the number.
    CounterRow(&'static str),
    /// Takes the next value of the account's sequence object, named `$1`
    /// (made by `outbox` the first time it is needed).
    SequenceObject(&'static str),
}

/// How long a request waits for one of PostgreSQL's pooled connections,
/// connecting included: while the database is unreachable, about how long
/// a request takes to be answered 503.
pub const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long a read waits for one of SQLite's pooled connections: only
/// other reads hold them.
const SQLITE_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The PostgreSQL channel that wakes delivery workers in every process.
pub const WAKE_CHANNEL: &str = "adact_deliveries";

/// The pragmas of every SQLite connection, the writer's and the pool's.
/// WAL lets readers run beside the writer; `synchronous = full` puts a
/// commit on disk before it is acknowledged (the writer's group commit
/// shares that cost between the writes that queue together); a busy
/// timeout queues another process's writer instead of failing it.
pub const SQLITE_PRAGMAS: &str = "pragma journal_mode = wal; pragma synchronous = full; \
     pragma foreign_keys = on; pragma busy_timeout = 5000;";

/// Numbered placeholders for SQL assembled at run time (a list of ids, a
/// multi-row VALUES, optional filters).
///
/// Why not sqlx's `QueryBuilder`: `QueryBuilder<Any>` writes `?`, which
/// PostgreSQL refuses; numbered `$n` work on SQLite and PostgreSQL alike.
/// Only placeholders are formatted into SQL this way: values are bound.
#[derive(Debug, Clone)]
pub struct Placeholders {
    next: usize,
}

impl Placeholders {
    /// Numbering from `$first`, after the statement's fixed parameters.
    pub fn from(first: usize) -> Self {
        Self { next: first }
    }

    /// The next placeholder, `$n`.
    pub fn one(&mut self) -> String {
        self.next += 1;
        format!("${}", self.next - 1)
    }

    /// `count` placeholders, comma-separated: `$3, $4, $5`.
    pub fn list(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| self.one())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether `err` is a unique constraint's refusal, on either backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// What a database error says about the database itself, when it is
/// something the client can act on rather than a fault of the server's
/// (see `http::error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The database cannot be reached now: down, restarting, refusing
    /// connections, a connection it closed, or no connection in time. The
    /// same request may succeed in a moment.
    Unavailable,
    /// The database's disk is full: nothing more is written until room is
    /// made.
    StorageFull,
}

/// The [`Fault`] `err` shows, if any, on either backend.
pub fn fault(err: &sqlx::Error) -> Option<Fault> {
    use sqlx::postgres::PgDatabaseError;
    /// SQLite's `SQLITE_FULL`: a write found the disk (or the database's
    /// `max_page_count`) full.
    const SQLITE_FULL: i32 = 13;
    match err {
        // ENOSPC, wherever it surfaces as an I/O error.
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => {
            Some(Fault::StorageFull)
        }
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => Some(Fault::Unavailable),
        sqlx::Error::Database(db) => {
            if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
                return match pg.code() {
                    // disk_full
                    "53100" => Some(Fault::StorageFull),
                    // too_many_connections; admin_shutdown, crash_shutdown,
                    // cannot_connect_now (a restart or a recovery under
                    // way); class 08, connection exceptions.
                    "53300" | "57P01" | "57P02" | "57P03" => Some(Fault::Unavailable),
                    code if code.starts_with("08") => Some(Fault::Unavailable),
                    _ => None,
                };
            }
            // SQLite's result codes are numbers, any extended one with the
            // primary code in its low byte; so is the code of an error
            // that carries SQLite's on (the writer's, for a group's
            // members).
            let code = db.code()?.parse::<i32>().ok()?;
            (code & 0xff == SQLITE_FULL).then_some(Fault::StorageFull)
        }
        _ => None,
    }
}

/// A boolean stored as an integer 0/1: the portable form across the
/// backends of sqlx's `Any` driver, whose `bool` reads only a boolean
/// column (bind booleans as `i64::from(b)`). A field of a row struct; a
/// NULL (a left join that found nothing) reads as `Option<Flag>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Self(<i64 as sqlx::Decode<sqlx::Any>>::decode(value)? != 0))
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_passwords() {
        assert_eq!(redact("postgres://u:secret@db/x"), "postgres://***@db/x");
        assert_eq!(redact("sqlite://adact.db"), "sqlite://adact.db");
    }

    #[test]
    fn placeholders_number_on() {
        let mut p = Placeholders::from(3);
        assert_eq!(p.list(3), "$3, $4, $5");
        assert_eq!(p.one(), "$6");
    }

    /// SQLite's "disk full" through the `Any` driver, made with a page
    /// limit rather than a full disk.
    #[tokio::test]
    async fn a_full_sqlite_database_is_storage_full() {
        use sqlx::Connection as _;
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/full.db?mode=rwc", dir.path().display());
        let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
        conn.execute("pragma max_page_count = 8; create table t (x blob)")
            .await
            .unwrap();
        let mut refused = None;
        for _ in 0..64 {
            if let Err(err) = sqlx::query("insert into t values (randomblob(4000))")
                .execute(&mut conn)
                .await
            {
                refused = Some(err);
                break;
            }
        }
        let refused = refused.expect("eight pages fill up");
        assert_eq!(fault(&refused), Some(Fault::StorageFull), "{refused}");
        let other = conn.execute("select * from missing").await.unwrap_err();
        assert_eq!(fault(&other), None);
    }

    #[test]
    fn io_errors_and_timeouts_mean_unavailable() {
        assert_eq!(fault(&sqlx::Error::PoolTimedOut), Some(Fault::Unavailable));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(fault(&sqlx::Error::Io(refused)), Some(Fault::Unavailable));
        let enospc = std::io::Error::from_raw_os_error(28);
        assert_eq!(fault(&sqlx::Error::Io(enospc)), Some(Fault::StorageFull));
        assert_eq!(fault(&sqlx::Error::RowNotFound), None);
    }

    /// The PostgreSQL migrations are the SQLite ones with PostgreSQL's
    /// spelling of the id and time columns, and without the comments. A
    /// change made to one folder only fails here.
    #[test]
    fn migrations_agree() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let read = |backend: &str| {
            let mut files: Vec<_> = std::fs::read_dir(dir.join(backend))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            files
                .iter()
                .map(|path| {
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    (name, normalise(&std::fs::read_to_string(path).unwrap()))
                })
                .collect::<Vec<_>>()
        };
        let (sqlite, postgres) = (read("sqlite"), read("postgres"));
        assert_eq!(
            sqlite.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            postgres.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "the two folders must hold the same migrations"
        );
        for ((name, lite), (_, pg)) in sqlite.iter().zip(&postgres) {
            assert_eq!(lite, pg, "{name} differs between SQLite and PostgreSQL");
        }
    }

    /// SQL without comments, in one spelling of the types that differ,
    /// and of a JSON path read: PostgreSQL's `column::jsonb #>> '{a,b}'` as
    /// SQLite's `json_extract(column, '$.a.b')`. PostgreSQL's key columns
    /// compare in byte order (`collate "C"`), as SQLite's always do; and
    /// without SQLite's `without rowid` (a table's layout on disk).
    fn normalise(sql: &str) -> String {
        let words = sql
            .lines()
            .map(|line| line.split("--").next().unwrap_or(""))
            .flat_map(str::split_whitespace)
            .collect::<Vec<_>>()
            .join(" ");
        let mut words = words
            .to_lowercase()
            .replace("integer primary key autoincrement", "bigserial primary key")
            .replace("integer", "bigint")
            .replace(" collate \"c\"", "")
            .replace(") without rowid;", ");");
        while let Some(at) = words.find("::jsonb #>> '{") {
            let start = words[..at]
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            let rest = &words[at + "::jsonb #>> '{".len()..];
            let Some(end) = rest.find("}'") else { break };
            let read = format!(
                "json_extract({}, '$.{}')",
                &words[start..at],
                rest[..end].replace(',', ".")
            );
            let after = at + "::jsonb #>> '{".len() + end + "}'".len();
            words.replace_range(start..after, &read);
        }
        words
    }
}

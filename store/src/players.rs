//! Players: unique per account and external id, with their registration.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::{
    Backend, TOP, WriteTx,
    accounts::{AccountRow, account_columns},
    dialect::Flag,
    from_json, to_json,
};
use adact_domain::{
    account::Account,
    player::{Consent, Contact, Listed, PlayRecord, Player, PlayerFilter, Registered, search_key},
    time::{new_id, now_ms},
};

/// The columns of [`PlayerRow`], of `players` as `pl`.
macro_rules! player_columns {
    () => {
        "pl.id, pl.external_id, pl.data, pl.email, pl.name, pl.consent_given, pl.consent_text, \
         pl.consent_at, pl.created_at, pl.updated_at"
    };
}

/// A row of `players`, as [`player_columns`] names it.
#[derive(sqlx::FromRow)]
pub(super) struct PlayerRow {
    id: String,
    external_id: String,
    data: String,
    email: Option<String>,
    name: Option<String>,
    consent_given: Flag,
    consent_text: Option<String>,
    consent_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<PlayerRow> for Player {
    type Error = sqlx::Error;

    fn try_from(row: PlayerRow) -> sqlx::Result<Self> {
        let consent = match (row.consent_text, row.consent_at) {
            (Some(text), Some(at)) => Some(Consent {
                given: row.consent_given.into(),
                text,
                at,
            }),
            _ => None,
        };
        Ok(Player {
            id: row.id,
            external_id: row.external_id,
            data: from_json(&row.data)?,
            email: row.email,
            name: row.name,
            consent,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The columns of [`JoinedPlayerRow`]: [`player_columns`] of a left join,
/// each named `pl_{column}`.
macro_rules! joined_player_columns {
    () => {
        "pl.id as pl_id, pl.external_id as pl_external_id, pl.data as pl_data, \
         pl.email as pl_email, pl.name as pl_name, pl.consent_given as pl_consent_given, \
         pl.consent_text as pl_consent_text, pl.consent_at as pl_consent_at, \
         pl.created_at as pl_created_at, pl.updated_at as pl_updated_at"
    };
}
pub(super) use joined_player_columns;

/// A player's row from a left join (every column NULL when none), beside
/// other tables' columns, as [`joined_player_columns`] names it.
#[derive(sqlx::FromRow)]
pub(super) struct JoinedPlayerRow {
    pl_id: Option<String>,
    pl_external_id: Option<String>,
    pl_data: Option<String>,
    pl_email: Option<String>,
    pl_name: Option<String>,
    pl_consent_given: Option<Flag>,
    pl_consent_text: Option<String>,
    pl_consent_at: Option<i64>,
    pl_created_at: Option<i64>,
    pl_updated_at: Option<i64>,
}

impl TryFrom<JoinedPlayerRow> for Option<Player> {
    type Error = sqlx::Error;

    fn try_from(row: JoinedPlayerRow) -> sqlx::Result<Self> {
        let (Some(id), Some(external_id), Some(data), Some(created_at), Some(updated_at)) = (
            row.pl_id,
            row.pl_external_id,
            row.pl_data,
            row.pl_created_at,
            row.pl_updated_at,
        ) else {
            return Ok(None);
        };
        Player::try_from(PlayerRow {
            id,
            external_id,
            data,
            email: row.pl_email,
            name: row.pl_name,
            consent_given: row.pl_consent_given.unwrap_or_default(),
            consent_text: row.pl_consent_text,
            consent_at: row.pl_consent_at,
            created_at,
            updated_at,
        })
        .map(Some)
    }
}

pub async fn player_by_external_id(
    conn: &mut AnyConnection,
    account_id: &str,
    external_id: &str,
) -> sqlx::Result<Option<Player>> {
    let sql = concat!(
        "select ",
        player_columns!(),
        " from players pl where pl.account_id = $1 and pl.external_id = $2"
    );
    one_player(conn, sql, account_id, external_id).await
}

/// The player `sql` finds by the account (`$1`) and one key (`$2`).
async fn one_player(
    conn: &mut AnyConnection,
    sql: &'static str,
    account_id: &str,
    key: &str,
) -> sqlx::Result<Option<Player>> {
    sqlx::query_as::<_, PlayerRow>(sql)
        .bind(account_id)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?
        .map(Player::try_from)
        .transpose()
}

/// Creates the player or merges `values`, `contact` and `consent` (the
/// form's consent answer, when it asked) into what is stored, in the
/// caller's transaction.
pub async fn register(
    conn: &mut AnyConnection,
    account_id: &str,
    external_id: &str,
    values: BTreeMap<String, String>,
    contact: Contact,
    consent: Option<Consent>,
) -> sqlx::Result<(Player, Registered)> {
    let now = now_ms();
    match player_by_external_id(conn, account_id, external_id).await? {
        Some(mut player) => {
            player.data.extend(values);
            player.email = contact.email.or(player.email);
            player.name = contact.name.or(player.name);
            player.consent = consent.or(player.consent);
            player.updated_at = now;
            sqlx::query(
                "update players set data = $1, email = $2, name = $3, consent_given = $4, \
                 consent_text = $5, consent_at = $6, updated_at = $7, email_key = $9, \
                 name_key = $10 where id = $8",
            )
            .bind(to_json(&player.data)?)
            .bind(player.email.as_deref())
            .bind(player.name.as_deref())
            .bind(i64::from(player.consent.as_ref().is_some_and(|c| c.given)))
            .bind(player.consent.as_ref().map(|c| c.text.as_str()))
            .bind(player.consent.as_ref().map(|c| c.at))
            .bind(now)
            .bind(&player.id)
            .bind(player.email.as_deref().map(search_key))
            .bind(player.name.as_deref().map(search_key))
            .execute(&mut *conn)
            .await?;
            Ok((player, Registered::Updated))
        }
        None => {
            let player = Player {
                id: new_id("plr"),
                external_id: external_id.to_owned(),
                data: values,
                email: contact.email,
                name: contact.name,
                consent,
                created_at: now,
                updated_at: now,
            };
            sqlx::query(
                "insert into players (id, account_id, external_id, data, email, name, \
                 consent_given, consent_text, consent_at, created_at, updated_at, email_key, \
                 name_key, external_key) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13)",
            )
            .bind(&player.id)
            .bind(account_id)
            .bind(external_id)
            .bind(to_json(&player.data)?)
            .bind(player.email.as_deref())
            .bind(player.name.as_deref())
            .bind(i64::from(player.consent.as_ref().is_some_and(|c| c.given)))
            .bind(player.consent.as_ref().map(|c| c.text.as_str()))
            .bind(player.consent.as_ref().map(|c| c.at))
            .bind(now)
            .bind(player.email.as_deref().map(search_key))
            .bind(player.name.as_deref().map(search_key))
            .bind(search_key(external_id))
            .execute(&mut *conn)
            .await?;
            Ok((player, Registered::Created))
        }
    }
}

/// A play `p` of the player `pl` within the filter's campaign, segment and
/// time ($4 to $7).
macro_rules! play_in_scope {
    () => {
        "p.player_id = pl.id and ($4 is null or p.campaign_id = $4) \
         and ($5 is null or p.segment_id = $5) and ($6 is null or p.played_at >= $6) \
         and ($7 is null or p.played_at < $7)"
    };
}

/// The list's conditions on `pl`: the account ($1), below the cursor ($2),
/// consent ($3), a play in scope ($4 to $7, when one is set: $9), won or
/// not ($8).
macro_rules! listed_where {
    () => {
        concat!(
            "pl.account_id = $1 and pl.id < $2 and ($3 is null or pl.consent_given = $3) \
             and ($9 = 0 or exists (select 1 from plays p where ",
            play_in_scope!(),
            ")) and ($8 is null or ($8 = 1) = exists (select 1 from plays p where ",
            play_in_scope!(),
            " and p.prize_id is not null))"
        )
    };
}

/// A listed player's plays, wins and last play.
macro_rules! listed_counts {
    () => {
        "(select count(p.played_at) from plays p where p.player_id = pl.id) as plays, \
         (select count(p.prize_id) from plays p where p.player_id = pl.id) as wins, \
         (select max(p.played_at) from plays p where p.player_id = pl.id) as last_played_at"
    };
}

/// Binds what the list and the export filter by, as `$1` to `$8`: the
/// account, the cursor, consent, campaign, segment, the two times, won.
fn bind_filter<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    account_id: &'q str,
    after: Option<&'q str>,
    filter: &'q PlayerFilter,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    query
        .bind(account_id)
        .bind(after.unwrap_or(TOP))
        .bind(filter.consent.map(i64::from))
        .bind(filter.campaign_id.as_deref())
        .bind(filter.segment_id.as_deref())
        .bind(filter.played_since)
        .bind(filter.played_until)
        .bind(filter.won.map(i64::from))
}

/// A page of the account's players, newest first, below the cursor `after`
/// (an id), matching `filter`.
///
/// Without a search the newest players are walked down the account's index
/// until the page is full. A search reads the three prefix ranges of the
/// search keys (email, name, external id) and orders what they found.
pub async fn list(
    conn: &mut AnyConnection,
    account_id: &str,
    filter: &PlayerFilter,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Listed>> {
    const LIST: &str = concat!(
        "select ",
        player_columns!(),
        ", ",
        listed_counts!(),
        " from players pl where ",
        listed_where!(),
        " order by pl.id desc limit $10"
    );
    const SEARCH: &str = concat!(
        "select ",
        player_columns!(),
        ", ",
        listed_counts!(),
        " from (select id from players where account_id = $1 and email_key >= $11 and email_key < $12 \
           union select id from players where account_id = $1 and name_key >= $11 and name_key < $12 \
           union select id from players where account_id = $1 and external_key >= $11 \
             and external_key < $12) as found \
         join players pl on pl.id = found.id where ",
        listed_where!(),
        " order by pl.id desc limit $10"
    );
    let range = filter.search_range();
    let query = bind_filter(
        sqlx::query_as::<_, ListedRow>(if range.is_some() { SEARCH } else { LIST }),
        account_id,
        after,
        filter,
    )
    .bind(i64::from(filter.filters_plays()))
    .bind(limit);
    let query = match &range {
        Some((low, high)) => query.bind(low.as_str()).bind(high.as_str()),
        None => query,
    };
    query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Listed {
                player: row.player.try_into()?,
                plays: row.plays,
                wins: row.wins,
                last_played_at: row.last_played_at,
            })
        })
        .collect()
}

/// A listed player, as [`list`] reads it.
#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    player: PlayerRow,
    plays: i64,
    wins: i64,
    last_played_at: Option<i64>,
}

/// The account's player with this id.
pub async fn player(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> sqlx::Result<Option<Player>> {
    let sql = concat!(
        "select ",
        player_columns!(),
        " from players pl where pl.account_id = $1 and pl.id = $2"
    );
    one_player(conn, sql, account_id, id).await
}

/// One of a player's plays with the names it had, for their page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayOfPlayer {
    pub play: PlayRecord,
    pub campaign_name: String,
    pub campaign_kind: String,
    /// `None` once the segment was deleted.
    pub segment_title: Option<String>,
    /// Whether a webhook carrying the play's code (`prize.assigned`) was
    /// answered 2xx by an endpoint.
    pub code_sent: bool,
}

/// The columns of [`PlayRow`], of `plays` as `p` and its code `pc`.
macro_rules! play_columns {
    () => {
        "p.id, p.campaign_id, p.segment_id, p.created_at, p.played_at, p.finished_at, \
         p.prize_id, p.prize_name, p.score, pc.code"
    };
}

/// A play with its code, as [`play_columns`] names it.
#[derive(sqlx::FromRow)]
struct PlayRow {
    id: String,
    campaign_id: String,
    segment_id: String,
    created_at: i64,
    played_at: Option<i64>,
    finished_at: Option<i64>,
    prize_id: Option<String>,
    prize_name: Option<String>,
    score: Option<i64>,
    code: Option<String>,
}

impl From<PlayRow> for PlayRecord {
    fn from(row: PlayRow) -> Self {
        PlayRecord {
            id: row.id,
            campaign_id: row.campaign_id,
            segment_id: row.segment_id,
            started_at: row.created_at,
            played_at: row.played_at,
            finished_at: row.finished_at,
            prize_id: row.prize_id,
            prize_name: row.prize_name,
            code: row.code,
            score: row.score,
        }
    }
}

/// A play of a player with the names it had, as [`plays_of`] reads it.
#[derive(sqlx::FromRow)]
struct PlayOfPlayerRow {
    #[sqlx(flatten)]
    play: PlayRow,
    campaign_name: String,
    campaign_kind: String,
    segment_title: Option<String>,
    code_sent: Flag,
}

/// Every play of the player, newest first.
pub async fn plays_of(
    conn: &mut AnyConnection,
    player_id: &str,
) -> sqlx::Result<Vec<PlayOfPlayer>> {
    let rows = sqlx::query_as::<_, PlayOfPlayerRow>(concat!(
        "select ",
        play_columns!(),
        ", c.name as campaign_name, c.kind as campaign_kind, s.title as segment_title, \
         case when exists (select 1 from events e join deliveries d on d.event_id = e.id \
           where e.play_id = p.id and e.type = 'prize.assigned' and d.status = 'succeeded') \
           then 1 else 0 end as code_sent \
         from plays p join campaigns c on c.id = p.campaign_id \
         left join segments s on s.id = p.segment_id \
         left join prize_codes pc on pc.play_id = p.id \
         where p.player_id = $1 order by p.id desc"
    ))
    .bind(player_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| PlayOfPlayer {
            play: row.play.into(),
            campaign_name: row.campaign_name,
            campaign_kind: row.campaign_kind,
            segment_title: row.segment_title,
            code_sent: row.code_sent.into(),
        })
        .collect())
}

/// A play with its player, a row of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub play: PlayRecord,
    pub player: Player,
}

/// The export's conditions on the play `p` and its player `pl`: the
/// account ($1), below the cursor ($2), consent ($3), campaign, segment and
/// time ($4 to $7), won or not ($8).
macro_rules! exported_where {
    () => {
        "p.account_id = $1 and p.id < $2 and ($3 is null or pl.consent_given = $3) \
         and ($4 is null or p.campaign_id = $4) and ($5 is null or p.segment_id = $5) \
         and ($6 is null or p.played_at >= $6) and ($7 is null or p.played_at < $7) \
         and ($8 is null or ($8 = 1) = (p.prize_id is not null))"
    };
}

/// The columns of an export row, in the order [`ExportRow`] reads them.
const EXPORTED: &[&str] = &[
    "p.id",
    "p.campaign_id",
    "p.segment_id",
    "p.created_at",
    "p.played_at",
    "p.finished_at",
    "p.prize_id",
    "p.prize_name",
    "p.score",
    "pc.code",
    "pl.id",
    "pl.external_id",
    "pl.data",
    "pl.email",
    "pl.name",
    "pl.consent_given",
    "pl.consent_text",
    "pl.consent_at",
    "pl.created_at",
    "pl.updated_at",
];

/// An export row as the database aggregates it: the columns of
/// [`EXPORTED`], in order.
#[derive(serde::Deserialize)]
struct ExportRow(
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<i64>,
    i64,
    i64,
);

/// A chunk of the export as the database answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportChunk {
    /// The plays with their players: a JSON array of rows (read them with
    /// [`exported_rows`]).
    pub rows: String,
    /// The last (oldest) play's id: the cursor of the next chunk.
    pub last: Option<String>,
    /// How many plays.
    pub count: i64,
}

/// The next `limit` plays of the export, newest first, below the cursor
/// `after` (a play id), with their players. One query a chunk, so that no
/// statement or read transaction lasts as long as the whole export; one
/// row a chunk, because the drivers hand each row over on its own, which
/// costs more than the row itself.
pub async fn export_chunk(
    conn: &mut AnyConnection,
    backend: Backend,
    account_id: &str,
    filter: &PlayerFilter,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<ExportChunk> {
    let range = filter.search_range();
    let players = if range.is_some() {
        "(select id from players where account_id = $1 and email_key >= $10 and email_key < $11 \
           union select id from players where account_id = $1 and name_key >= $10 \
             and name_key < $11 \
           union select id from players where account_id = $1 and external_key >= $10 \
             and external_key < $11) as found \
         join players pl on pl.id = found.id join plays p on p.player_id = pl.id"
    } else {
        "plays p join players pl on pl.id = p.player_id"
    };
    let columns: Vec<String> = EXPORTED
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} as c{i}"))
        .collect();
    let chunk = format!(
        "select {} from {players} left join prize_codes pc on pc.play_id = p.id where {} \
         order by p.id desc limit $9",
        columns.join(", "),
        exported_where!(),
    );
    let names: Vec<String> = (0..EXPORTED.len()).map(|i| format!("c{i}")).collect();
    let sql = backend.json_rows(&names.join(", "), "c0", &chunk);
    let query = bind_filter(
        sqlx::query_as::<_, ExportChunkRow>(sqlx::AssertSqlSafe(sql)),
        account_id,
        after,
        filter,
    )
    .bind(limit);
    let query = match &range {
        Some((low, high)) => query.bind(low.as_str()).bind(high.as_str()),
        None => query,
    };
    let row = query.fetch_one(&mut *conn).await?;
    Ok(ExportChunk {
        rows: row.rows.unwrap_or_else(|| "[]".to_owned()),
        last: row.last,
        count: row.count,
    })
}

/// A chunk of the export, as the dialect's `json_rows` names its columns.
#[derive(sqlx::FromRow)]
struct ExportChunkRow {
    rows: Option<String>,
    last: Option<String>,
    count: i64,
}

/// The rows of a chunk [`export_chunk`] answered, newest first.
pub fn exported_rows(chunk: &str) -> sqlx::Result<Vec<Exported>> {
    let mut rows: Vec<ExportRow> = from_json(chunk)?;
    // The aggregate keeps no order of its own.
    rows.sort_unstable_by(|a, b| b.0.cmp(&a.0));
    rows.into_iter()
        .map(|r| {
            let consent = match (r.16, r.17) {
                (Some(text), Some(at)) => Some(Consent {
                    given: r.15 != 0,
                    text,
                    at,
                }),
                _ => None,
            };
            Ok(Exported {
                play: PlayRecord {
                    id: r.0,
                    campaign_id: r.1,
                    segment_id: r.2,
                    started_at: r.3,
                    played_at: r.4,
                    finished_at: r.5,
                    prize_id: r.6,
                    prize_name: r.7,
                    score: r.8,
                    code: r.9,
                },
                player: Player {
                    id: r.10,
                    external_id: r.11,
                    data: from_json(&r.12)?,
                    email: r.13,
                    name: r.14,
                    consent,
                    created_at: r.18,
                    updated_at: r.19,
                },
            })
        })
        .collect()
}

/// The account's player with this id, locked for the caller's transaction
/// (PostgreSQL: the row lock; SQLite: the write lock is the transaction's).
pub async fn lock_player(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> sqlx::Result<Option<Player>> {
    sqlx::query("update players set id = id where id = $1 and account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    player(conn, account_id, id).await
}

/// Erases the player from everything Adact holds, in the caller's
/// transaction: their row goes; their events' stored bodies, the bodies of
/// every webhook attempt that carried them and their plays' stored answers
/// lose what named them (see the dialect's `erase_` statements). Plays,
/// given codes and counts stay, pointing at no one.
pub async fn erase(tx: &mut WriteTx, account_id: &str, id: &str) -> sqlx::Result<()> {
    let backend = tx.backend();
    // Each statement is of the player ($1) of the account ($2).
    for statement in [
        backend.erase_event_player(),
        // An attempt's request body is its event's body as sent.
        "update delivery_attempts set request_body = \
           (select e.payload from deliveries d join events e on e.id = d.event_id \
            where d.id = delivery_attempts.delivery_id) \
         where delivery_id in (select d.id from deliveries d join events e on e.id = d.event_id \
           where e.player_id = $1 and e.account_id = $2)",
        "update events set player_id = null where player_id = $1 and account_id = $2",
        backend.erase_plays_player(),
        "delete from players where id = $1 and account_id = $2",
    ] {
        sqlx::query(statement)
            .bind(id)
            .bind(account_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Up to `limit` of the account's players last registered before `before`
/// (Unix milliseconds), oldest first: what its retention erases next.
pub async fn expired(
    conn: &mut AnyConnection,
    account_id: &str,
    before: i64,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "select id from players where account_id = $1 and updated_at < $2 \
         order by updated_at limit $3",
    )
    .bind(account_id)
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

/// The accounts that keep players a number of days, with that number.
pub async fn retentions(conn: &mut AnyConnection) -> sqlx::Result<Vec<(Account, i64)>> {
    sqlx::query_as::<_, RetentionRow>(concat!(
        "select ",
        account_columns!(),
        ", a.player_retention_days from accounts a where a.player_retention_days is not null"
    ))
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| Ok((row.account.try_into()?, row.player_retention_days)))
    .collect()
}

/// An account that keeps players a number of days, as [`retentions`]
/// reads it.
#[derive(sqlx::FromRow)]
struct RetentionRow {
    #[sqlx(flatten)]
    account: AccountRow,
    player_retention_days: i64,
}

/// How many days the account keeps a player after their last
/// registration; `None`: forever.
pub async fn retention(conn: &mut AnyConnection, account_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("select player_retention_days from accounts where id = $1")
        .bind(account_id)
        .fetch_one(&mut *conn)
        .await
}

/// Every event recorded about the player, oldest first: the bodies as
/// webhooks carry them.
pub async fn events_of(
    conn: &mut AnyConnection,
    account_id: &str,
    player_id: &str,
) -> sqlx::Result<Vec<serde_json::Value>> {
    let bodies: Vec<String> = sqlx::query_scalar(
        "select payload from events where player_id = $1 and account_id = $2 order by seq",
    )
    .bind(player_id)
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    bodies.iter().map(|body| from_json(body)).collect()
}

//! Play rows: a session from render to finish, each step's stored answer,
//! the plays that count against a limit, and taking a prize's stock and a
//! code for a play.

use sqlx::{AnyConnection, AnyPool};

use super::{
    campaigns::{CampaignRow, campaign_columns},
    players::{JoinedPlayerRow, joined_player_columns},
};
use adact_domain::{
    campaign::Campaign, play::Session, player::Player, session::SessionClaims, time::now_ms,
};

/// The session's row, written by its first step from the signed token's
/// claims (a render writes nothing), and locked for the step's
/// transaction: a concurrent copy of the step waits here, then finds the
/// first one's answer.
pub async fn claim_session(
    conn: &mut AnyConnection,
    claims: &SessionClaims,
) -> sqlx::Result<Option<Session>> {
    sqlx::query(
        "insert into plays (id, account_id, campaign_id, segment_id, external_id, created_at) \
         values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing",
    )
    .bind(&claims.id)
    .bind(&claims.account_id)
    .bind(&claims.campaign_id)
    .bind(&claims.segment_id)
    .bind(&claims.external_id)
    .bind(claims.issued_at)
    .execute(&mut *conn)
    .await?;
    lock_session(conn, &claims.account_id, &claims.id).await
}

/// The account's session with this id, locked for the caller's
/// transaction (PostgreSQL: the row lock, held to commit; SQLite: the
/// write lock is already the transaction's); `None` when it has no row.
pub async fn lock_session(
    conn: &mut AnyConnection,
    account_id: &str,
    play_id: &str,
) -> sqlx::Result<Option<Session>> {
    sqlx::query("update plays set id = id where id = $1 and account_id = $2")
        .bind(play_id)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    session(conn, account_id, play_id).await
}

/// The columns of [`SessionRow`], of `plays` as `p` and its segment `s`.
macro_rules! session_columns {
    () => {
        "p.id as play_id, p.campaign_id, p.segment_id, s.title as segment_title, \
         p.external_id as play_external_id, p.player_id, p.register_result, p.play_result, \
         p.finished_at, p.finish_result"
    };
}

/// A play session's row, as [`session_columns`] names it.
#[derive(sqlx::FromRow)]
struct SessionRow {
    play_id: String,
    campaign_id: String,
    segment_id: String,
    segment_title: Option<String>,
    play_external_id: String,
    player_id: Option<String>,
    register_result: Option<String>,
    play_result: Option<String>,
    finished_at: Option<i64>,
    finish_result: Option<String>,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        Session {
            id: row.play_id,
            campaign_id: row.campaign_id,
            segment_id: row.segment_id,
            segment_title: row.segment_title,
            external_id: row.play_external_id,
            player_id: row.player_id,
            register_result: row.register_result,
            play_result: row.play_result,
            finished: row.finished_at.is_some(),
            finish_result: row.finish_result,
        }
    }
}

/// A session with its campaign and player, as [`session_with_campaign`]
/// reads it.
#[derive(sqlx::FromRow)]
struct SessionWithCampaignRow {
    #[sqlx(flatten)]
    session: SessionRow,
    #[sqlx(flatten)]
    campaign: CampaignRow,
    #[sqlx(flatten)]
    player: JoinedPlayerRow,
}

/// The account's play session with this id.
async fn session(
    conn: &mut AnyConnection,
    account_id: &str,
    play_id: &str,
) -> sqlx::Result<Option<Session>> {
    Ok(sqlx::query_as::<_, SessionRow>(concat!(
        "select ",
        session_columns!(),
        " from plays p left join segments s on s.id = p.segment_id \
         where p.id = $1 and p.account_id = $2"
    ))
    .bind(play_id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(Session::from))
}

/// The session with its campaign and player, in one query.
pub async fn session_with_campaign(
    conn: &mut AnyConnection,
    account_id: &str,
    play_id: &str,
) -> sqlx::Result<Option<(Session, Campaign, Option<Player>)>> {
    let row = sqlx::query_as::<_, SessionWithCampaignRow>(concat!(
        "select ",
        session_columns!(),
        ", ",
        campaign_columns!(),
        ", ",
        joined_player_columns!(),
        " from plays p join campaigns c on c.id = p.campaign_id \
         left join segments s on s.id = p.segment_id \
         left join players pl on pl.id = p.player_id \
         where p.id = $1 and p.account_id = $2"
    ))
    .bind(play_id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((
        row.session.into(),
        row.campaign.try_into()?,
        row.player.try_into()?,
    )))
}

/// Records the register step's player and answer.
pub async fn set_registered(
    conn: &mut AnyConnection,
    play_id: &str,
    player_id: &str,
    result: &str,
) -> sqlx::Result<()> {
    sqlx::query("update plays set player_id = $1, register_result = $2 where id = $3")
        .bind(player_id)
        .bind(result)
        .bind(play_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records the play step's outcome (the prize's id and name, a quiz's
/// score), on the row
/// [`claim_session`] locked.
pub async fn set_played(
    conn: &mut AnyConnection,
    play_id: &str,
    prize: Option<(&str, &str)>,
    score: Option<u32>,
    result: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update plays set played_at = $1, prize_id = $2, play_result = $3, score = $5, \
         prize_name = $6 where id = $4",
    )
    .bind(now_ms())
    .bind(prize.map(|(id, _)| id))
    .bind(result)
    .bind(play_id)
    .bind(score.map(i64::from))
    .bind(prize.map(|(_, name)| name))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the finish step and its answer.
pub async fn set_finished(
    conn: &mut AnyConnection,
    play_id: &str,
    result: &str,
) -> sqlx::Result<()> {
    sqlx::query("update plays set finished_at = $1, finish_result = $2 where id = $3")
        .bind(now_ms())
        .bind(result)
        .bind(play_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How often the player played the campaign since `since`, not counting
/// `this_play`.
pub async fn plays_since(
    conn: &mut AnyConnection,
    player_id: &str,
    campaign_id: &str,
    since: i64,
    this_play: Option<&str>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "select count(*) from plays where player_id = $1 and campaign_id = $2 \
         and played_at is not null and played_at >= $3 and id <> $4",
    )
    .bind(player_id)
    .bind(campaign_id)
    .bind(since)
    .bind(this_play.unwrap_or(""))
    .fetch_one(&mut *conn)
    .await
}

/// A prize with stock left: its id and its code prefix (generated codes).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InStock {
    pub prize_id: String,
    pub code_prefix: Option<String>,
}

/// The campaign's prizes that have stock left now.
pub async fn prizes_in_stock(pool: &AnyPool, campaign_id: &str) -> sqlx::Result<Vec<InStock>> {
    sqlx::query_as(
        "select id as prize_id, code_prefix from prizes where campaign_id = $1 and active = 1 \
         and (stock_remaining is null or stock_remaining > 0)",
    )
    .bind(campaign_id)
    .fetch_all(pool)
    .await
}

/// Takes one unit of the prize's stock; false when there is none left (or
/// the prize was retired since the draw read it). One conditional update
/// for both kinds of stock: a limited one goes down by one unless empty;
/// an unlimited one (NULL) stays NULL.
pub async fn take_stock(conn: &mut AnyConnection, prize_id: &str) -> sqlx::Result<bool> {
    let taken = sqlx::query(
        "update prizes set stock_remaining = stock_remaining - 1 \
         where id = $1 and active = 1 and (stock_remaining is null or stock_remaining > 0)",
    )
    .bind(prize_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(taken > 0)
}

/// Records a generated code as given to the play.
pub async fn give_generated_code(
    conn: &mut AnyConnection,
    prize_id: &str,
    code: &str,
    play_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("insert into prize_codes (prize_id, code, play_id) values ($1, $2, $3)")
        .bind(prize_id)
        .bind(code)
        .bind(play_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Gives the play the prize's next code from its pool; `None` when the
/// pool ran dry before the stock did, which then ends the prize's stock.
pub async fn give_pool_code(
    conn: &mut AnyConnection,
    prize_id: &str,
    play_id: &str,
) -> sqlx::Result<Option<String>> {
    let code: Option<String> = sqlx::query_scalar(
        "update prize_codes set play_id = $1 where id = \
           (select id from prize_codes where prize_id = $2 and play_id is null order by id limit 1) \
         and play_id is null returning code",
    )
    .bind(play_id)
    .bind(prize_id)
    .fetch_optional(&mut *conn)
    .await?;
    if code.is_none() {
        sqlx::query("update prizes set stock_remaining = 0 where id = $1")
            .bind(prize_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(code)
}

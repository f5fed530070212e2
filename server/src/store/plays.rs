//! Play sessions, from render to finish. Each step runs in one write
//! transaction (`Store::begin_write`), records its events in it, and stores
//! its answer on the play row so that a retried step returns the same answer.

use adact_wire::{PlayResponse, PrizeView, RegisterRequest, RegisterResponse};
use anyhow::Context as _;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row as _};

use super::{
    Store, new_id, now_ms,
    players::{self, Player, Registered},
};
use crate::{
    auth,
    campaigns::{Campaign, Prize, Refusal, Status, draw},
    error::{Error, Result},
    events::{self, EventType},
    store::accounts::Account,
};

/// A play row as the steps need it.
#[derive(Debug, Clone)]
struct PlayRow {
    id: String,
    campaign_id: String,
    segment_id: String,
    segment_title: Option<String>,
    external_id: String,
    token_hash: String,
    player_id: Option<String>,
    register_result: Option<String>,
    play_result: Option<String>,
    finished: bool,
}

/// The player's external id: the host page's user id, or the embed's
/// anonymous id marked as such.
pub fn external_id(user_id: Option<&str>, anonymous_id: Option<&str>) -> String {
    match (user_id, anonymous_id) {
        (Some(id), _) => id.to_owned(),
        (None, Some(anon)) => format!("anon:{anon}"),
        (None, None) => format!("anon:{}", new_id("srv")),
    }
}

impl Store {
    /// Opens a play session; returns its id and token (only the token's
    /// hash is kept).
    pub async fn open_session(
        &self,
        account_id: &str,
        campaign_id: &str,
        segment_id: &str,
        external_id: &str,
    ) -> Result<(String, String)> {
        let id = new_id("play");
        let token = auth::new_session_token();
        sqlx::query(
            "insert into plays (id, account_id, campaign_id, segment_id, external_id, token_hash, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(campaign_id)
        .bind(segment_id)
        .bind(external_id)
        .bind(auth::hash_token(&token))
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok((id, token))
    }

    /// Why this player may not play the campaign now, if so.
    pub async fn refusal(&self, campaign: &Campaign, external_id: &str) -> Result<Option<Refusal>> {
        let mut conn = self.pool().acquire().await?;
        let player =
            players::player_by_external_id(&mut conn, &campaign.account_id, external_id).await?;
        Ok(check_may_play(
            &mut conn,
            campaign,
            player.as_ref().map(|p| p.id.as_str()),
            None,
        )
        .await
        .err())
    }

    /// The register step: checks the form, creates or updates the player.
    pub async fn register(
        &self,
        account: &Account,
        play_id: &str,
        request: &RegisterRequest,
    ) -> Result<RegisterResponse> {
        let (_turn, mut tx) = self.begin_write().await?;
        let play = load_play(&mut tx, &account.id, play_id, &request.token).await?;
        if let Some(result) = &play.register_result {
            return Ok(serde_json::from_str(result).context("stored register result")?);
        }
        let campaign = load_campaign(&mut tx, &play.campaign_id).await?;
        let existing =
            players::player_by_external_id(&mut tx, &account.id, &play.external_id).await?;
        check_may_play(
            &mut tx,
            &campaign,
            existing.as_ref().map(|p| p.id.as_str()),
            None,
        )
        .await?;
        let values = campaign
            .definition
            .check_registration(&request.fields, request.consent)?;
        let (player, registered) =
            players::register(&mut tx, &account.id, &play.external_id, values).await?;
        let result = RegisterResponse {
            player_id: player.id.clone(),
            created: registered == Registered::Created,
        };
        sqlx::query("update plays set player_id = $1, register_result = $2 where id = $3")
            .bind(&player.id)
            .bind(serde_json::to_string(&result).context("encoding")?)
            .bind(&play.id)
            .execute(&mut *tx)
            .await?;
        let event = match registered {
            Registered::Created => EventType::PlayerCreated,
            Registered::Updated => EventType::PlayerUpdated,
        };
        let mut data = context(account, &campaign, &play, Some(&player));
        data["consent"] = request.consent.into();
        events::record(&mut tx, &account.id, event, data).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// The play step: the server draws the outcome among the prizes in
    /// stock and takes the prize's stock and a code in the same transaction.
    pub async fn play(
        &self,
        account: &Account,
        play_id: &str,
        token: &str,
        answers: &[u32],
    ) -> Result<PlayResponse> {
        // Read the session, its campaign and player before taking the turn
        // to write: the write section stays short. A concurrent retry is
        // caught by the conditional update below.
        let mut conn = self.pool().acquire().await?;
        let (play, campaign, player) = load_session(&mut conn, &account.id, play_id, token).await?;
        drop(conn);
        if let Some(result) = &play.play_result {
            return Ok(serde_json::from_str(result).context("stored play result")?);
        }
        let Some(player_id) = &play.player_id else {
            return Err(Error::Refused {
                code: "not_registered",
                message: "Register before playing.".into(),
            });
        };
        let (score, passed) = campaign.definition.score(answers)?;
        // Which prizes had stock a moment ago; the conditional updates in
        // the write section catch any that ran out since.
        let in_stock = if passed {
            prizes_in_stock(self.pool(), &campaign).await?
        } else {
            Vec::new()
        };
        let (_turn, mut tx) = self.begin_write().await?;
        check_may_play(&mut tx, &campaign, Some(player_id), Some(&play.id)).await?;
        let won = if passed {
            take_prize(&mut tx, &campaign, &in_stock, &play.id).await?
        } else {
            None
        };
        let now = now_ms();
        let result = PlayResponse {
            play_id: play.id.clone(),
            prize: won.as_ref().map(|(prize, _)| prize.clone()),
            code: won.as_ref().map(|(_, code)| code.clone()),
            score,
        };
        let updated = sqlx::query(
            "update plays set played_at = $1, prize_id = $2, play_result = $3 \
             where id = $4 and play_result is null",
        )
        .bind(now)
        .bind(won.as_ref().map(|(prize, _)| prize.id.clone()))
        .bind(serde_json::to_string(&result).context("encoding")?)
        .bind(&play.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            // A retry of this step won the race: give back what it drew.
            drop(tx);
            let stored: String = sqlx::query_scalar("select play_result from plays where id = $1")
                .bind(&play.id)
                .fetch_one(self.pool())
                .await?;
            return Ok(serde_json::from_str(&stored).context("stored play result")?);
        }
        let mut data = context(account, &campaign, &play, player.as_ref());
        data["outcome"] = json!({
            "won": won.is_some(),
            "prize": won.as_ref().map(|(p, _)| json!({"id": p.id, "name": p.name})),
            "score": score,
        });
        events::record(&mut tx, &account.id, EventType::GameEnded, data.clone()).await?;
        if let Some((prize, code)) = &won {
            let mut data = context(account, &campaign, &play, player.as_ref());
            data["prize"] =
                json!({"id": prize.id, "name": prize.name, "description": prize.description});
            data["code"] = code.clone().into();
            events::record(&mut tx, &account.id, EventType::PrizeAssigned, data).await?;
        }
        tx.commit().await?;
        Ok(result)
    }

    /// The finish step: the player reached the end screen.
    pub async fn finish(&self, account: &Account, play_id: &str, token: &str) -> Result<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        let play = load_play(&mut tx, &account.id, play_id, token).await?;
        if play.finished {
            return Ok(());
        }
        let Some(result) = &play.play_result else {
            return Err(Error::Refused {
                code: "not_played",
                message: "Play before finishing.".into(),
            });
        };
        let result: PlayResponse = serde_json::from_str(result).context("stored play result")?;
        sqlx::query("update plays set finished_at = $1 where id = $2")
            .bind(now_ms())
            .bind(&play.id)
            .execute(&mut *tx)
            .await?;
        let campaign = load_campaign(&mut tx, &play.campaign_id).await?;
        let player =
            players::player_by_external_id(&mut tx, &account.id, &play.external_id).await?;
        let mut data = context(account, &campaign, &play, player.as_ref());
        data["prize"] = match &result.prize {
            Some(p) => json!({"id": p.id, "name": p.name}),
            None => Value::Null,
        };
        data["code"] = result.code.into();
        events::record(&mut tx, &account.id, EventType::GameplayFinished, data).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The ids and names every play event carries.
fn context(
    account: &Account,
    campaign: &Campaign,
    play: &PlayRow,
    player: Option<&Player>,
) -> Value {
    json!({
        "account": {"id": account.id, "name": account.name},
        "campaign": {"id": campaign.id, "name": campaign.name, "kind": campaign.kind.as_str()},
        "segment": {"id": play.segment_id, "title": play.segment_title},
        "player": player.map(|p| json!({"id": p.id, "external_id": p.external_id, "fields": p.data})),
        "play": {"id": play.id},
    })
}

async fn load_play(
    conn: &mut AnyConnection,
    account_id: &str,
    play_id: &str,
    token: &str,
) -> Result<PlayRow> {
    let row = sqlx::query(
        "select p.*, s.title as segment_title from plays p \
         left join segments s on s.id = p.segment_id \
         where p.id = $1 and p.account_id = $2",
    )
    .bind(play_id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("session_not_found", "This play session does not exist."))?;
    play_from_row(&row, token)
}

fn play_from_row(row: &sqlx::any::AnyRow, token: &str) -> Result<PlayRow> {
    let play = PlayRow {
        id: row.try_get("id")?,
        campaign_id: row.try_get("campaign_id")?,
        segment_id: row.try_get("segment_id")?,
        segment_title: row.try_get("segment_title")?,
        external_id: row.try_get("external_id")?,
        token_hash: row.try_get("token_hash")?,
        player_id: row.try_get("player_id")?,
        register_result: row.try_get("register_result")?,
        play_result: row.try_get("play_result")?,
        finished: row.try_get::<Option<i64>, _>("finished_at")?.is_some(),
    };
    if !auth::token_matches(token, &play.token_hash) {
        return Err(Error::Unauthorized(
            "The play session token is not valid for this session.",
        ));
    }
    Ok(play)
}

/// The session with its campaign and player, in one query; checks the token.
async fn load_session(
    conn: &mut AnyConnection,
    account_id: &str,
    play_id: &str,
    token: &str,
) -> Result<(PlayRow, Campaign, Option<Player>)> {
    let row = sqlx::query(
        "select p.*, s.title as segment_title, \
           c.account_id as c_account_id, c.name as c_name, c.kind as c_kind, \
           c.status as c_status, c.definition as c_definition, \
           pl.external_id as pl_external_id, pl.data as pl_data \
         from plays p join campaigns c on c.id = p.campaign_id \
         left join segments s on s.id = p.segment_id \
         left join players pl on pl.id = p.player_id \
         where p.id = $1 and p.account_id = $2",
    )
    .bind(play_id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("session_not_found", "This play session does not exist."))?;
    let play = play_from_row(&row, token)?;
    let kind: String = row.try_get("c_kind")?;
    let status: String = row.try_get("c_status")?;
    let definition: String = row.try_get("c_definition")?;
    let campaign = Campaign {
        id: play.campaign_id.clone(),
        account_id: row.try_get("c_account_id")?,
        name: row.try_get("c_name")?,
        kind: adact_wire::CampaignKind::parse(&kind).context("stored campaign kind")?,
        status: Status::parse(&status).context("stored campaign status")?,
        definition: serde_json::from_str(&definition).context("stored campaign definition")?,
    };
    let player = match &play.player_id {
        Some(id) => {
            let data: String = row.try_get("pl_data")?;
            Some(Player {
                id: id.clone(),
                external_id: row.try_get("pl_external_id")?,
                data: serde_json::from_str(&data).context("stored player data")?,
            })
        }
        None => None,
    };
    Ok((play, campaign, player))
}

async fn load_campaign(conn: &mut AnyConnection, campaign_id: &str) -> Result<Campaign> {
    let row = sqlx::query("select * from campaigns where id = $1")
        .bind(campaign_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("campaign_not_found", "The campaign was deleted."))?;
    Ok(super::campaigns::campaign_from_row(&row)?)
}

/// The status, schedule and play limit, checked in the step's transaction.
/// `this_play` is not counted against the limit.
async fn check_may_play(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    player_id: Option<&str>,
    this_play: Option<&str>,
) -> Result<(), Refusal> {
    if campaign.status != Status::Active {
        return Err(Refusal::Ended);
    }
    let now = now_ms();
    campaign.check_schedule(now)?;
    let limit = campaign.definition.play_limit;
    let (Some(player_id), Some(since)) = (player_id, limit.window_start(now)) else {
        return Ok(());
    };
    let plays: i64 = sqlx::query_scalar(
        "select count(*) from plays where player_id = $1 and campaign_id = $2 \
         and played_at is not null and played_at >= $3 and id <> $4",
    )
    .bind(player_id)
    .bind(&campaign.id)
    .bind(since)
    .bind(this_play.unwrap_or(""))
    .fetch_one(&mut *conn)
    .await
    // A failed count must not let anyone past the limit.
    .unwrap_or(i64::MAX);
    limit.check(plays)
}

/// A prize with stock left: its id and its code prefix (generated codes).
type InStock = (String, Option<String>);

async fn prizes_in_stock(pool: &sqlx::AnyPool, campaign: &Campaign) -> Result<Vec<InStock>> {
    let rows = sqlx::query(
        "select id, code_prefix from prizes where campaign_id = $1 and active = 1 \
         and (stock_remaining is null or stock_remaining > 0)",
    )
    .bind(&campaign.id)
    .fetch_all(pool)
    .await?;
    let mut in_stock = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        let prefix: Option<String> = row.try_get("code_prefix")?;
        in_stock.push((id, prefix));
    }
    Ok(in_stock)
}

/// Draws among the prizes in stock and takes one unit of stock and a code.
/// A prize whose stock or pool turns out empty is dropped and the draw runs
/// again, so a play never fails for lack of a code.
async fn take_prize(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    in_stock: &[InStock],
    play_id: &str,
) -> Result<Option<(PrizeView, String)>> {
    let definition = &campaign.definition;
    let mut candidates = definition.candidates(|id| in_stock.iter().any(|(i, _)| i == id));
    loop {
        let picked = draw::draw(&candidates, definition.no_prize.weight, &mut rand::rng()).cloned();
        let Some(picked) = picked else {
            return Ok(None);
        };
        let (_, prefix) = in_stock
            .iter()
            .find(|(id, _)| *id == picked.prize_id)
            .context("a drawn prize is in stock")?;
        if let Some(code) = take_code(conn, &picked.prize_id, prefix.as_deref(), play_id).await? {
            let prize = definition
                .prize(&picked.prize_id)
                .map(Prize::view)
                .context("a drawn prize is in the definition")?;
            return Ok(Some((prize, code)));
        }
        candidates.retain(|c| c.prize_id != picked.prize_id);
    }
}

/// Takes one unit of the prize's stock and a code for the play, or `None`
/// when there is none left. Both are conditional updates
/// checked by their results, so concurrent plays can never overdraw them.
async fn take_code(
    conn: &mut AnyConnection,
    prize_id: &str,
    prefix: Option<&str>,
    play_id: &str,
) -> Result<Option<String>> {
    // One conditional update for both kinds of stock: a limited one goes
    // down by one unless empty; an unlimited one (NULL) stays NULL. It also
    // sees a prize retired or emptied since the draw read it.
    let taken = sqlx::query(
        "update prizes set stock_remaining = stock_remaining - 1 \
         where id = $1 and active = 1 and (stock_remaining is null or stock_remaining > 0)",
    )
    .bind(prize_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if taken == 0 {
        return Ok(None);
    }
    match prefix {
        Some(prefix) => {
            let code = draw::generate_code(prefix, &mut rand::rng());
            sqlx::query("insert into prize_codes (prize_id, code, play_id) values ($1, $2, $3)")
                .bind(prize_id)
                .bind(&code)
                .bind(play_id)
                .execute(&mut *conn)
                .await?;
            Ok(Some(code))
        }
        None => {
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
                // The pool ran dry before the stock did: nothing more to give.
                sqlx::query("update prizes set stock_remaining = 0 where id = $1")
                    .bind(prize_id)
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::external_id;

    #[test]
    fn players_are_named_by_the_page_or_kept_anonymous() {
        assert_eq!(external_id(Some("42"), Some("abc")), "42");
        assert_eq!(external_id(None, Some("abc")), "anon:abc");
        // Anonymous ids cannot pass for a page's user id.
        assert_ne!(external_id(None, Some("42")), external_id(Some("42"), None));
        assert!(external_id(None, None).starts_with("anon:srv_"));
    }
}

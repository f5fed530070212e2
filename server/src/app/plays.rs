//! A visitor's play, step by step: the render opens a session, then
//! register, play and finish. Each step runs in one write transaction,
//! records its events in it, and stores its answer on the play row, so a
//! retried step answers exactly what it answered the first time.

use adact_wire::{
    Notice, PlayResponse, PrizeView, RegisterRequest, RegisterResponse, RenderRequest,
    RenderResponse, SegmentRef, SessionView,
};
use sqlx::AnyConnection;

use crate::{
    app::Result,
    domain::{
        Error,
        account::Account,
        campaign::{Campaign, Definition, Status, check_text},
        credentials::new_session_token,
        draw,
        events::{EventType, play_context},
        limits::Refusal,
        locales::Locale,
        play::{self, Session, session_not_found},
        player::{Player, Registered, external_id},
        time::now_ms,
    },
    store::{
        Store, WriteTx, campaigns, from_json, outbox, players,
        plays::{self as rows, InStock},
        to_json,
    },
};

/// The render: the segment's campaign as the embed draws it, a new play
/// session, and a notice when this player may not play now.
pub async fn render(
    store: &Store,
    account: &Account,
    request: &RenderRequest,
) -> Result<RenderResponse> {
    check_text("segment", &request.segment, 1, 200)?;
    let user_id = request.user.as_ref().and_then(|u| u.id.as_deref());
    if let Some(id) = user_id {
        check_text("user.id", id, 1, 200)?;
    }
    if let Some(id) = &request.anonymous_id {
        check_text("anonymous_id", id, 1, RenderRequest::ANONYMOUS_ID_MAX_CHARS)?;
    }
    let (segment, campaign) = store
        .segment_with_campaign(&account.id, &request.segment)
        .await?
        .ok_or_else(|| {
            Error::not_found(
                "segment_not_found",
                format!("No segment is titled {:?}.", request.segment),
            )
        })?;
    if campaign.status != Status::Active {
        return Err(Error::not_found(
            "campaign_not_active",
            format!(
                "The campaign of segment {:?} is {}, not active.",
                segment.title, campaign.status
            ),
        )
        .into());
    }
    let external_id = external_id(user_id, request.anonymous_id.as_deref());
    let locale = Locale::negotiate(request.locale.as_deref());
    let notice = refusal(store, &campaign, &external_id)
        .await?
        .map(|refusal| Notice {
            code: refusal.code().to_owned(),
            message: locale.language.refusal(refusal).to_owned(),
        });
    let token = new_session_token();
    let id = store
        .open_session(&account.id, &campaign.id, &segment.id, &external_id, &token)
        .await?;
    Ok(RenderResponse {
        segment: SegmentRef {
            id: segment.id,
            title: segment.title,
        },
        strings: locale.strings(campaign.definition.play_limit),
        locale: locale.tag,
        prefill: Default::default(),
        campaign: campaign.view(),
        session: SessionView { id, token },
        notice,
    })
}

/// Why this player may not play the campaign now, if so.
async fn refusal(store: &Store, campaign: &Campaign, external_id: &str) -> Result<Option<Refusal>> {
    let mut conn = store.pool().acquire().await?;
    let player =
        players::player_by_external_id(&mut conn, &campaign.account_id, external_id).await?;
    let player_id = player.as_ref().map(|p| p.id.as_str());
    Ok(may_play(&mut conn, campaign, player_id, None).await?.err())
}

/// The register step: checks the form, creates or updates the player.
pub async fn register(
    store: &Store,
    account: &Account,
    play_id: &str,
    request: &RegisterRequest,
) -> Result<RegisterResponse> {
    let mut tx = store.begin_write().await?;
    let session = session(&mut tx, &account.id, play_id, &request.token).await?;
    if let Some(result) = &session.register_result {
        return Ok(from_json(result)?);
    }
    let campaign = campaign(&mut tx, &session.campaign_id).await?;
    let existing =
        players::player_by_external_id(&mut tx, &account.id, &session.external_id).await?;
    may_play(
        &mut tx,
        &campaign,
        existing.as_ref().map(|p| p.id.as_str()),
        None,
    )
    .await??;
    let values = campaign
        .definition
        .check_registration(&request.fields, request.consent)?;
    let (player, registered) =
        players::register(&mut tx, &account.id, &session.external_id, values).await?;
    let result = RegisterResponse {
        player_id: player.id.clone(),
        created: registered == Registered::Created,
    };
    rows::set_registered(&mut tx, &session.id, &player.id, &to_json(&result)?).await?;
    let event = match registered {
        Registered::Created => EventType::PlayerCreated,
        Registered::Updated => EventType::PlayerUpdated,
    };
    let mut data = context(account, &campaign, &session, Some(&player));
    data["consent"] = request.consent.into();
    outbox::record(&mut tx, &account.id, event, data).await?;
    tx.commit().await?;
    Ok(result)
}

/// The play step: the server draws the outcome among the prizes in stock
/// and takes the prize's stock and a code in the same transaction.
pub async fn play(
    store: &Store,
    account: &Account,
    play_id: &str,
    token: &str,
    answers: &[u32],
) -> Result<PlayResponse> {
    // Read the session, its campaign and player before taking the turn to
    // write: the write section stays short. A concurrent retry is caught
    // by the conditional update below.
    let mut conn = store.pool().acquire().await?;
    let (session, campaign, player) = rows::session_with_campaign(&mut conn, &account.id, play_id)
        .await?
        .ok_or_else(session_not_found)?;
    drop(conn);
    session.check_token(token)?;
    if let Some(result) = &session.play_result {
        return Ok(from_json(result)?);
    }
    let Some(player_id) = &session.player_id else {
        return Err(Error::refused("not_registered", "Register before playing.").into());
    };
    let (score, passed) = campaign.definition.score(answers)?;
    // Which prizes had stock a moment ago; the conditional updates in the
    // write section catch any that ran out since.
    let in_stock = if passed {
        rows::prizes_in_stock(store.pool(), &campaign.id).await?
    } else {
        Vec::new()
    };
    let mut tx = store.begin_write().await?;
    may_play(&mut tx, &campaign, Some(player_id), Some(&session.id)).await??;
    let won = if passed {
        let mut stock = StoredStock {
            tx: &mut tx,
            in_stock: &in_stock,
            play_id: &session.id,
        };
        draw_prize(&campaign.definition, &mut stock).await?
    } else {
        None
    };
    let result = PlayResponse {
        play_id: session.id.clone(),
        prize: won.as_ref().map(|(prize, _)| prize.clone()),
        code: won.as_ref().map(|(_, code)| code.clone()),
        score,
    };
    let prize_id = won.as_ref().map(|(prize, _)| prize.id.as_str());
    if !rows::set_played(&mut tx, &session.id, prize_id, &to_json(&result)?).await? {
        // A retry of this step won the race: give back what it drew.
        drop(tx);
        let stored_result = rows::play_result(store.pool(), &session.id).await?;
        return Ok(from_json(stored_result.as_deref().unwrap_or_default())?);
    }
    let mut data = context(account, &campaign, &session, player.as_ref());
    data["outcome"] = serde_json::json!({
        "won": won.is_some(),
        "prize": won.as_ref().map(|(p, _)| serde_json::json!({"id": p.id, "name": p.name})),
        "score": score,
    });
    outbox::record(&mut tx, &account.id, EventType::GameEnded, data).await?;
    if let Some((prize, code)) = &won {
        let mut data = context(account, &campaign, &session, player.as_ref());
        data["prize"] = serde_json::json!({
            "id": prize.id, "name": prize.name, "description": prize.description,
        });
        data["code"] = code.clone().into();
        outbox::record(&mut tx, &account.id, EventType::PrizeAssigned, data).await?;
    }
    tx.commit().await?;
    Ok(result)
}

/// The finish step: the player reached the end screen.
pub async fn finish(store: &Store, account: &Account, play_id: &str, token: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let session = session(&mut tx, &account.id, play_id, token).await?;
    if session.finished {
        return Ok(());
    }
    let Some(result) = &session.play_result else {
        return Err(Error::refused("not_played", "Play before finishing.").into());
    };
    let result: PlayResponse = from_json(result)?;
    rows::set_finished(&mut tx, &session.id).await?;
    let campaign = campaign(&mut tx, &session.campaign_id).await?;
    let player = players::player_by_external_id(&mut tx, &account.id, &session.external_id).await?;
    let mut data = context(account, &campaign, &session, player.as_ref());
    data["prize"] = match &result.prize {
        Some(p) => serde_json::json!({"id": p.id, "name": p.name}),
        None => serde_json::Value::Null,
    };
    data["code"] = result.code.into();
    outbox::record(&mut tx, &account.id, EventType::GameplayFinished, data).await?;
    tx.commit().await?;
    Ok(())
}

/// Where a play takes a prize's stock and code from: the database in a
/// real play, memory in the console's preview.
pub trait Stock {
    /// The prize ids that had stock when the play began.
    fn in_stock(&self, prize_id: &str) -> bool;

    /// Takes one unit of the prize's stock and a code for it, or `None`
    /// when it turns out to have none left.
    fn take(&mut self, prize_id: &str) -> impl Future<Output = Result<Option<String>>> + Send;
}

/// Draws among the prizes in stock and takes one unit of stock and a code.
/// A prize whose stock or pool turns out empty is dropped and the draw runs
/// again, so a play never fails for lack of a code.
pub async fn draw_prize(
    definition: &Definition,
    stock: &mut impl Stock,
) -> Result<Option<(PrizeView, String)>> {
    let mut candidates = definition.candidates(|id| stock.in_stock(id));
    loop {
        let picked = draw::draw(&candidates, definition.no_prize.weight, &mut rand::rng()).cloned();
        let Some(picked) = picked else {
            return Ok(None);
        };
        if let Some(code) = stock.take(&picked.prize_id).await? {
            let prize = definition
                .prize(&picked.prize_id)
                .map(crate::domain::campaign::Prize::view)
                .ok_or_else(|| anyhow::anyhow!("a drawn prize is not in the definition"))?;
            return Ok(Some((prize, code)));
        }
        candidates.retain(|c| c.prize_id != picked.prize_id);
    }
}

/// The stock in the database, taken in the play's transaction with
/// conditional updates, so concurrent plays can never overdraw it.
struct StoredStock<'a> {
    tx: &'a mut WriteTx,
    in_stock: &'a [InStock],
    play_id: &'a str,
}

impl Stock for StoredStock<'_> {
    fn in_stock(&self, prize_id: &str) -> bool {
        self.in_stock.iter().any(|p| p.prize_id == prize_id)
    }

    async fn take(&mut self, prize_id: &str) -> Result<Option<String>> {
        let prefix = self
            .in_stock
            .iter()
            .find(|p| p.prize_id == prize_id)
            .and_then(|p| p.code_prefix.clone());
        if !rows::take_stock(self.tx, prize_id).await? {
            return Ok(None);
        }
        Ok(match prefix {
            Some(prefix) => {
                let code = draw::generate_code(&prefix, &mut rand::rng());
                rows::give_generated_code(self.tx, prize_id, &code, self.play_id).await?;
                Some(code)
            }
            None => rows::give_pool_code(self.tx, prize_id, self.play_id).await?,
        })
    }
}

/// The status, schedule and play limit, checked on `conn` (the step's
/// transaction). `this_play` is not counted against the limit. The outer
/// result is the database's, the inner one the rule's.
async fn may_play(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    player_id: Option<&str>,
    this_play: Option<&str>,
) -> sqlx::Result<Result<(), Refusal>> {
    let now = now_ms();
    let plays = match (player_id, play::limit_window(campaign, now)) {
        (Some(player_id), Some(since)) => {
            rows::plays_since(conn, player_id, &campaign.id, since, this_play).await?
        }
        _ => 0,
    };
    Ok(play::may_play(campaign, now, plays))
}

/// The session, with the step's token checked.
async fn session(
    conn: &mut AnyConnection,
    account_id: &str,
    play_id: &str,
    token: &str,
) -> Result<Session> {
    let session = rows::session(conn, account_id, play_id)
        .await?
        .ok_or_else(session_not_found)?;
    session.check_token(token)?;
    Ok(session)
}

async fn campaign(conn: &mut AnyConnection, campaign_id: &str) -> Result<Campaign> {
    campaigns::campaign_by_id(conn, campaign_id)
        .await?
        .ok_or_else(|| Error::not_found("campaign_not_found", "The campaign was deleted.").into())
}

fn context(
    account: &Account,
    campaign: &Campaign,
    session: &Session,
    player: Option<&Player>,
) -> serde_json::Value {
    let segment = (
        session.segment_id.as_str(),
        session.segment_title.as_deref(),
    );
    play_context(account, campaign, segment, &session.id, player)
}

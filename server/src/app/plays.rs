//! A visitor's play, step by step. The render writes nothing: it answers
//! from memory (see `store::cache`) with a signed session token. Each later
//! step checks the token, writes the play's row if it is the first to need
//! it, locks the row, records its events in the same transaction, and
//! stores its answer on the row, so a retried step (even one sent twice at
//! once) answers exactly what it answered the first time. Each step also
//! adds itself to the campaign's statistics in its transaction; a render
//! counts its view in memory (see `store::stats`).

use adact_wire::ErrorCode;
use adact_wire::{
    FieldKind, FinishResponse, Notice, PlayResponse, PrizeView, RegisterRequest, RegisterResponse,
    RenderRequest, RenderResponse, SegmentRef, SessionView,
};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::app::Result;
use adact_domain::{
    Error,
    account::Account,
    campaign::{Campaign, Definition, Status, check_field_value, check_text},
    draw,
    events::{
        EventData, EventOutcome, EventPrize, OutcomeData, PlayContext, PlayerData,
        PrizeAssignedData,
    },
    limits::Refusal,
    locales::Locale,
    play::{self, Session, session_not_found},
    player::{Consent, Contact, Player, Registered, external_id},
    session::SessionClaims,
    stats::{self, Counts},
    time::{new_id, now_ms},
};
use adact_store::{
    Store, WriteTx, campaigns, from_json, outbox, players,
    plays::{self as rows, InStock},
    stats::{count_step, first_registration},
    to_json,
};

/// A step's answer with the events it recorded, each as its webhook body
/// (`docs/events.md`), for the embed to hand to the page's `onEvent`.
/// Stored on the play's row as it is answered, so a retried step answers
/// the same events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step<T> {
    #[serde(flatten)]
    pub answer: T,
    /// The events this step recorded, in the order recorded: the same
    /// bodies the webhooks carry. (Empty for an answer stored before
    /// events were kept with it.)
    #[serde(default)]
    #[schema(value_type = Vec<adact_domain::events::schema::PlayEvent>)]
    pub events: Vec<serde_json::Value>,
}

/// The render: the segment's campaign as the embed draws it, a signed play
/// session, and a notice when this player may not play now.
pub async fn render(
    store: &Store,
    account: &Account,
    request: &RenderRequest,
) -> Result<RenderResponse> {
    let now = now_ms();
    let (external_id, minted, contact) = identify(account, request, now)?;
    let resolved = store
        .cached_segment_with_campaign(&account.id, &request.segment)
        .await?
        .ok_or_else(|| {
            Error::not_found(
                ErrorCode::SegmentNotFound,
                format!("No segment is titled {:?}.", request.segment),
            )
        })?;
    let (segment, campaign) = &*resolved;
    if campaign.status != Status::Active {
        return Err(Error::not_found(
            ErrorCode::CampaignNotActive,
            format!(
                "The campaign of segment {:?} is {}, not active.",
                segment.title, campaign.status
            ),
        )
        .into());
    }
    let locale = Locale::negotiate(request.locale.as_deref());
    let refusal = if account.require_signed_identity && !contact.signed {
        Some(Refusal::SignInRequired)
    } else if minted.is_some() {
        // A new visitor has not played: only the schedule can refuse.
        play::may_play(campaign, now, 0).err()
    } else {
        refusal(store, campaign, &external_id, now).await?
    };
    let notice = refusal.map(|refusal| Notice {
        code: refusal.code().as_str().to_owned(),
        message: locale.language.refusal(refusal).to_owned(),
    });
    let claims = SessionClaims {
        id: new_id("play"),
        account_id: account.id.clone(),
        campaign_id: campaign.id.clone(),
        segment_id: segment.id.clone(),
        external_id,
        issued_at: now,
        signed: contact.signed,
        email: contact.email.clone(),
        name: contact.name.clone(),
    };
    let id = claims.id.clone();
    let token = claims.sign(&store.signing_key().await?);
    let hour = stats::bucket(&account.time_zone, now);
    store.count_view(&account.id, &campaign.id, hour);
    Ok(RenderResponse {
        segment: SegmentRef {
            id: segment.id.clone(),
            title: segment.title.clone(),
        },
        strings: locale.strings(campaign.definition.play_limit),
        locale: locale.tag,
        prefill: contact.prefill(&campaign.definition.form),
        campaign: campaign.view(),
        session: SessionView {
            id,
            token,
            anonymous_id: minted,
        },
        notice,
    })
}

/// Who the render is for: the player's external id, the anonymous id made
/// for a new visitor, and what the page says about them; from a valid
/// `userToken` when there is one (its values win), else from `user` and the
/// anonymous id.
fn identify(
    account: &Account,
    request: &RenderRequest,
    now: i64,
) -> Result<(String, Option<String>, Contact)> {
    check_text("segment", &request.segment, 1, 200)?;
    let user = request.user.clone().unwrap_or_default();
    if let Some(id) = &user.id {
        check_text("user.id", id, 1, 200)?;
    }
    if let Some(email) = &user.email {
        check_field_value(FieldKind::Email, email)
            .map_err(|message| Error::invalid("user.email", message))?;
    }
    if let Some(name) = &user.name {
        check_text("user.name", name, 1, 200)?;
    }
    if let Some(id) = &request.anonymous_id {
        check_text("anonymous_id", id, 1, RenderRequest::ANONYMOUS_ID_MAX_CHARS)?;
    }
    if let Some(token) = &request.user_token {
        let signed = account.identity.verify(token, &account.id, now)?;
        let contact = Contact {
            email: signed.email,
            name: signed.name,
            signed: true,
        };
        return Ok((signed.sub, None, contact));
    }
    let (external_id, minted) = external_id(user.id.as_deref(), request.anonymous_id.as_deref());
    let contact = Contact {
        email: user.email.map(|e| e.trim().to_owned()),
        name: user.name.map(|n| n.trim().to_owned()),
        signed: false,
    };
    Ok((external_id, minted, contact))
}

/// Why this player may not play the campaign now, if so. Reads the
/// database only when the campaign limits plays (the player's count).
async fn refusal(
    store: &Store,
    campaign: &Campaign,
    external_id: &str,
    now: i64,
) -> Result<Option<Refusal>> {
    if play::limit_window(campaign, now).is_none() {
        return Ok(play::may_play(campaign, now, 0).err());
    }
    let mut conn = store.pool().acquire().await?;
    let player =
        players::player_by_external_id(&mut conn, &campaign.account_id, external_id).await?;
    let player_id = player.as_ref().map(|p| p.id.as_str());
    Ok(may_play(&mut conn, campaign, player_id, None).await?.err())
}

/// The step's session token, checked: signed by a key of ours, not
/// expired, issued to this account for this play, and signed identity when
/// the account requires it.
pub async fn check_session(
    store: &Store,
    account: &Account,
    play_id: &str,
    token: &str,
) -> Result<SessionClaims> {
    let key_id = SessionClaims::key_id(token).unwrap_or_default();
    let keys = store.verifying_keys(&key_id).await?;
    let claims = SessionClaims::verify(token, |id| keys.iter().find(|k| k.id == id), now_ms())?;
    claims.check_for(&account.id, play_id)?;
    if account.require_signed_identity && !claims.signed {
        return Err(Error::from(Refusal::SignInRequired).into());
    }
    Ok(claims)
}

/// The register step: checks the form, creates or updates the player.
pub async fn register(
    store: &Store,
    account: &Account,
    claims: &SessionClaims,
    request: &RegisterRequest,
) -> Result<Step<RegisterResponse>> {
    let (account, claims, request) = (account.clone(), claims.clone(), request.clone());
    store
        .transact(move |tx| {
            Box::pin(async move { register_in(tx, &account, &claims, &request).await })
        })
        .await
}

async fn register_in(
    tx: &mut WriteTx,
    account: &Account,
    claims: &SessionClaims,
    request: &RegisterRequest,
) -> Result<Step<RegisterResponse>> {
    let session = rows::claim_session(tx, claims)
        .await?
        .ok_or_else(session_not_found)?;
    if let Some(result) = &session.register_result {
        return Ok(from_json(result)?);
    }
    let campaign = campaign(tx, &session.campaign_id).await?;
    let existing = players::player_by_external_id(tx, &account.id, &session.external_id).await?;
    may_play(
        tx,
        &campaign,
        existing.as_ref().map(|p| p.id.as_str()),
        None,
    )
    .await??;
    let form = &campaign.definition.form;
    let page = page_contact(claims);
    let mut fields = request.fields.clone();
    page.sign_form(form, &mut fields);
    let values = campaign
        .definition
        .check_registration(&fields, request.consent)?;
    let contact = page.resolve(form, &values);
    let consent = Consent::answered(form, request.consent, now_ms());
    let (player, registered) = players::register(
        tx,
        &account.id,
        &session.external_id,
        values,
        contact,
        consent,
    )
    .await?;
    let data = PlayerData {
        context: context(account, &campaign, &session, Some(&player)),
    };
    let data = match registered {
        Registered::Created => EventData::PlayerCreated(data),
        Registered::Updated => EventData::PlayerUpdated(data),
    };
    let event = outbox::record(tx, &account.id, data).await?;
    let result = Step {
        answer: RegisterResponse {
            player_id: player.id.clone(),
            created: registered == Registered::Created,
        },
        events: vec![event.payload],
    };
    rows::set_registered(tx, &session.id, &player.id, &to_json(&result)?).await?;
    let first = match registered {
        Registered::Created => true,
        Registered::Updated => {
            first_registration(tx, &player.id, &campaign.id, &session.id).await?
        }
    };
    let counts = Counts {
        registrations: 1,
        players: i64::from(first),
        ..Counts::default()
    };
    count(tx, account, &campaign.id, None, counts).await?;
    Ok(result)
}

fn page_contact(claims: &SessionClaims) -> Contact {
    Contact {
        email: claims.email.clone(),
        name: claims.name.clone(),
        signed: claims.signed,
    }
}

/// The play step: the server draws the outcome among the prizes in stock
/// and takes the prize's stock and a code in the same transaction.
pub async fn play(
    store: &Store,
    account: &Account,
    claims: &SessionClaims,
    answers: &[u32],
) -> Result<Step<PlayResponse>> {
    // Read the campaign, the player and the stock before taking the turn
    // to write: the write section stays short. The row is read again,
    // locked, inside it.
    let mut conn = store.pool().acquire().await?;
    let found = rows::session_with_campaign(&mut conn, &account.id, &claims.id).await?;
    drop(conn);
    let Some((_, campaign, player)) = found else {
        return Err(not_registered().into());
    };
    let (score, passed) = campaign.definition.score(answers)?;
    // Which prizes had stock a moment ago; the conditional updates in the
    // write section catch any that ran out since.
    let in_stock = if passed {
        rows::prizes_in_stock(store.pool(), &campaign.id).await?
    } else {
        Vec::new()
    };
    let (account, play_id) = (account.clone(), claims.id.clone());
    store
        .transact(move |tx| {
            Box::pin(async move {
                let drawn = Drawn {
                    campaign,
                    player,
                    score,
                    passed,
                    in_stock,
                };
                play_in(tx, &account, &play_id, drawn).await
            })
        })
        .await
}

/// What the play step read before its transaction.
struct Drawn {
    campaign: Campaign,
    player: Option<Player>,
    score: Option<u32>,
    passed: bool,
    in_stock: Vec<InStock>,
}

async fn play_in(
    tx: &mut WriteTx,
    account: &Account,
    play_id: &str,
    drawn: Drawn,
) -> Result<Step<PlayResponse>> {
    let Drawn {
        campaign,
        player,
        score,
        passed,
        in_stock,
    } = drawn;
    let session = rows::lock_session(tx, &account.id, play_id)
        .await?
        .ok_or_else(not_registered)?;
    if let Some(result) = &session.play_result {
        return Ok(from_json(result)?);
    }
    let Some(player_id) = &session.player_id else {
        return Err(not_registered().into());
    };
    may_play(tx, &campaign, Some(player_id), Some(&session.id)).await??;
    let won = if passed {
        let mut stock = StoredStock {
            tx,
            in_stock: &in_stock,
            play_id: &session.id,
        };
        draw_prize(&campaign.definition, &mut stock).await?
    } else {
        None
    };
    let answer = PlayResponse {
        play_id: session.id.clone(),
        prize: won.as_ref().map(|(prize, _)| prize.clone()),
        code: won.as_ref().map(|(_, code)| code.clone()),
        score,
        next_play_at: campaign.definition.next_play_at(now_ms()),
        correct_answers: campaign.definition.correct_answers(),
    };
    let context = context(account, &campaign, &session, player.as_ref());
    let prize = won
        .as_ref()
        .map(|(prize, code)| EventPrize::of(prize, Some(code)));
    let mut events = Vec::with_capacity(2);
    let ended = OutcomeData {
        context: context.clone(),
        outcome: EventOutcome {
            won: prize.is_some(),
            prize: prize.clone(),
            score,
        },
    };
    events.push(outbox::record(tx, &account.id, EventData::GameEnded(ended)).await?);
    if let Some(prize) = prize {
        let assigned = PrizeAssignedData { context, prize };
        events.push(outbox::record(tx, &account.id, EventData::PrizeAssigned(assigned)).await?);
    }
    let result = Step {
        answer,
        events: events.into_iter().map(|event| event.payload).collect(),
    };
    let prize = won
        .as_ref()
        .map(|(prize, _)| (prize.id.as_str(), prize.name.as_str()));
    rows::set_played(tx, &session.id, prize, score, &to_json(&result)?).await?;
    let prize_id = prize.map(|(id, _)| id);
    let counts = Counts {
        plays: 1,
        wins: i64::from(prize_id.is_some()),
        ..Counts::default()
    };
    count(tx, account, &campaign.id, prize_id, counts).await?;
    Ok(result)
}

fn not_registered() -> Error {
    Error::refused(ErrorCode::NotRegistered, "Register before playing.")
}

/// The finish step: the player reached the end screen.
pub async fn finish(
    store: &Store,
    account: &Account,
    claims: &SessionClaims,
) -> Result<Step<FinishResponse>> {
    let (account, play_id) = (account.clone(), claims.id.clone());
    store
        .transact(move |tx| Box::pin(async move { finish_in(tx, &account, &play_id).await }))
        .await
}

async fn finish_in(
    tx: &mut WriteTx,
    account: &Account,
    play_id: &str,
) -> Result<Step<FinishResponse>> {
    let not_played = || Error::refused(ErrorCode::NotPlayed, "Play before finishing.");
    let session = rows::lock_session(tx, &account.id, play_id)
        .await?
        .ok_or_else(not_played)?;
    if session.finished {
        return Ok(match &session.finish_result {
            Some(result) => from_json(result)?,
            None => Step {
                answer: FinishResponse { finished: true },
                events: Vec::new(),
            },
        });
    }
    let Some(result) = &session.play_result else {
        return Err(not_played().into());
    };
    let played: PlayResponse = from_json(result)?;
    let campaign = campaign(tx, &session.campaign_id).await?;
    let player = players::player_by_external_id(tx, &account.id, &session.external_id).await?;
    let prize = played
        .prize
        .as_ref()
        .map(|prize| EventPrize::of(prize, played.code.as_deref()));
    let finished = OutcomeData {
        context: context(account, &campaign, &session, player.as_ref()),
        outcome: EventOutcome {
            won: prize.is_some(),
            prize,
            score: played.score,
        },
    };
    let event = outbox::record(tx, &account.id, EventData::GameplayFinished(finished)).await?;
    let result = Step {
        answer: FinishResponse { finished: true },
        events: vec![event.payload],
    };
    rows::set_finished(tx, &session.id, &to_json(&result)?).await?;
    let counts = Counts {
        finishes: 1,
        ..Counts::default()
    };
    count(tx, account, &campaign.id, None, counts).await?;
    Ok(result)
}

/// Adds a step to its campaign's numbers, in the account's hour of now.
async fn count(
    tx: &mut WriteTx,
    account: &Account,
    campaign_id: &str,
    prize_id: Option<&str>,
    counts: Counts,
) -> sqlx::Result<()> {
    let hour = stats::bucket(&account.time_zone, now_ms());
    count_step(tx, &account.id, campaign_id, hour, prize_id, counts).await
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
                .map(adact_domain::campaign::Prize::view)
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

async fn campaign(conn: &mut AnyConnection, campaign_id: &str) -> Result<Campaign> {
    campaigns::campaign_by_id(conn, campaign_id)
        .await?
        .ok_or_else(|| {
            Error::not_found(ErrorCode::CampaignNotFound, "The campaign was deleted.").into()
        })
}

fn context(
    account: &Account,
    campaign: &Campaign,
    session: &Session,
    player: Option<&Player>,
) -> PlayContext {
    let segment = (
        session.segment_id.as_str(),
        session.segment_title.as_deref(),
    );
    PlayContext::new(account, campaign, segment, &session.id, player)
}

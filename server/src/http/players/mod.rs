//! The admin API for players: `GET /api/v1/players` (newest first, with a
//! search and filters), `GET /api/v1/players/export` (CSV or NDJSON,
//! streamed), `GET|DELETE /api/v1/players/{id}`, `GET
//! /api/v1/players/{id}/data` (everything held on the player), and the
//! account's player retention.

// utoipa names the query types, which `players_query!` defines, by their
// full path wherever a route documents them.
#![expect(
    unused_qualifications,
    reason = "utoipa's expansion around macro-defined params"
)]

mod export;

use adact_wire::{CampaignKind, ErrorBody};
use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::{
    AppState, Listed, Page, Paged,
    error::{Error, Result},
    extract::{AdminAccount, Json, Path, Query},
    openapi::ApiRouter,
};
use crate::app::players as erasure;
use adact_domain::{
    campaign::Campaign,
    events::{EventConsent, EventPlayer},
    player::{Listed as ListedPlayer, PlayerFilter},
    time::{parse_rfc3339, rfc3339},
};
use adact_store::players::{self, PlayOfPlayer};

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(export::export))
        .routes(routes!(read, delete))
        .routes(routes!(data))
        .routes(routes!(retention, set_retention))
}

/// A query of players: the filters of the list and the export, and the
/// fields of its own. Play filters (`campaign_id`, `segment_id`,
/// `played_since`, `played_until`, `won`) hold for one of the player's
/// plays.
macro_rules! players_query {
    ($(#[$meta:meta])* struct $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize, IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub(super) struct $name {
            /// A prefix of the player's email, name or external id, any case.
            q: Option<String>,
            /// Played this campaign (`cmp_...`).
            campaign_id: Option<String>,
            /// Played from this segment (`seg_...`).
            segment_id: Option<String>,
            /// Played at or after this time: RFC 3339, or a date
            /// (`YYYY-MM-DD`, its start in UTC).
            played_since: Option<String>,
            /// Played before this time: RFC 3339, or a date (its start in UTC).
            played_until: Option<String>,
            /// `true`: won a prize; `false`: never won one.
            won: Option<bool>,
            /// `true`: gave consent; `false`: did not (or was never asked).
            consent: Option<bool>,
            $($(#[$field_meta])* $field: $ty,)*
        }

        impl $name {
            fn filter(&self) -> Result<PlayerFilter> {
                $crate::http::players::Filters {
                    q: self.q.as_deref(),
                    campaign_id: self.campaign_id.as_deref(),
                    segment_id: self.segment_id.as_deref(),
                    played_since: self.played_since.as_deref(),
                    played_until: self.played_until.as_deref(),
                    won: self.won,
                    consent: self.consent,
                }
                .parse()
            }
        }
    };
}
pub(super) use players_query;

/// The filters as a query gave them.
pub(super) struct Filters<'a> {
    q: Option<&'a str>,
    campaign_id: Option<&'a str>,
    segment_id: Option<&'a str>,
    played_since: Option<&'a str>,
    played_until: Option<&'a str>,
    won: Option<bool>,
    consent: Option<bool>,
}

/// The longest search prefix.
const MAX_SEARCH: usize = 200;

impl Filters<'_> {
    fn parse(self) -> Result<PlayerFilter> {
        let search = match self.q.map(str::trim) {
            None | Some("") => None,
            Some(q) if q.chars().count() > MAX_SEARCH => {
                return Err(Error::invalid(
                    "q",
                    format!("must be at most {MAX_SEARCH} characters"),
                ));
            }
            Some(q) => Some(q.to_owned()),
        };
        let played_since = self
            .played_since
            .map(|v| parse_moment("played_since", v))
            .transpose()?;
        let played_until = self
            .played_until
            .map(|v| parse_moment("played_until", v))
            .transpose()?;
        if let (Some(since), Some(until)) = (played_since, played_until)
            && until <= since
        {
            return Err(Error::invalid(
                "played_until",
                "must be later than played_since",
            ));
        }
        Ok(PlayerFilter {
            search,
            campaign_id: self.campaign_id.map(str::to_owned),
            segment_id: self.segment_id.map(str::to_owned),
            played_since,
            played_until,
            won: self.won,
            consent: self.consent,
        })
    }
}

/// An RFC 3339 time, or a date meaning its start in UTC.
fn parse_moment(field: &str, value: &str) -> Result<i64> {
    let date = time::macros::format_description!("[year]-[month]-[day]");
    parse_rfc3339(value)
        .or_else(|| {
            let day = time::Date::parse(value, &date).ok()?;
            i64::try_from(day.midnight().assume_utc().unix_timestamp_nanos() / 1_000_000).ok()
        })
        .ok_or_else(|| {
            Error::invalid(
                field,
                format!("must be an RFC 3339 time like 2026-11-26T10:00:00Z or a date like 2026-11-26, not {value:?}"),
            )
        })
}

players_query! {
    /// The list's filters and paging: `after` is the `next_cursor` of the
    /// previous page.
    struct ListQuery {
        /// Start after this player: the `next_cursor` of the previous page.
        after: Option<String>,
        /// How many players to answer, 1 to 200.
        #[param(minimum = 1, maximum = 200, default = 50)]
        limit: Option<i64>,
    }
}

/// A player's consent: whether they ticked the form's checkbox, its text
/// and when; `text` and `at` are null until a form asked.
type Consent = EventConsent;

/// A player in the list.
#[derive(Debug, Serialize, ToSchema)]
struct PlayerSummary {
    /// `plr_...`
    id: String,
    /// The signed `userToken`'s `sub`, else `user.id` from `renderAdact`,
    /// else `anon:` and the anonymous id.
    external_id: String,
    #[schema(required = true)]
    email: Option<String>,
    #[schema(required = true)]
    name: Option<String>,
    consent: Consent,
    /// Plays (game steps taken).
    plays: i64,
    /// Plays that won a prize.
    wins: i64,
    #[schema(required = true, format = DateTime)]
    last_played_at: Option<String>,
    /// First registered.
    #[schema(format = DateTime)]
    created_at: String,
    /// Last registered.
    #[schema(format = DateTime)]
    updated_at: String,
}

impl Listed for PlayerSummary {
    fn id(&self) -> &str {
        &self.id
    }
}

impl From<ListedPlayer> for PlayerSummary {
    fn from(listed: ListedPlayer) -> Self {
        let player = EventPlayer::of(&listed.player);
        Self {
            id: player.id,
            external_id: player.external_id,
            email: player.email,
            name: player.name,
            consent: player.consent,
            plays: listed.plays,
            wins: listed.wins,
            last_played_at: listed.last_played_at.map(rfc3339),
            created_at: player.created_at,
            updated_at: player.updated_at,
        }
    }
}

/// Whether `after` can be a cursor of this list: a player's id.
fn check_cursor(after: Option<&str>) -> Result<()> {
    match after {
        Some(id) if !is_player_id(id) => Err(Error::invalid(
            "after",
            "must be the next_cursor of a previous page (a player id, plr_...)",
        )),
        _ => Ok(()),
    }
}

fn is_player_id(id: &str) -> bool {
    id.strip_prefix("plr_")
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// List players
///
/// Newest first, paged by id; `q` searches a prefix of the email, name or
/// external id (any case). Players who arrive while paging appear above
/// the first page, never between pages.
#[utoipa::path(
    get,
    path = "/api/v1/players",
    operation_id = "list_players",
    tag = "players",
    security(("admin_token" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of players.", body = Paged<PlayerSummary>),
        (status = 400, description = "`invalid_request`: an unknown parameter, or `won`, `consent` or `limit` of the wrong type.", body = ErrorBody),
        (status = 422, description = "`validation_failed`: a malformed `after` cursor or time, `played_until` not after `played_since`, a long `q`, or `limit` out of range.", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Query(query): Query<ListQuery>,
) -> Result<axum::Json<Paged<PlayerSummary>>> {
    let filter = query.filter()?;
    let page = Page {
        limit: query.limit,
        after: query.after,
    };
    let limit = page.limit()?;
    check_cursor(page.after.as_deref())?;
    let mut conn = state.store.pool().acquire().await?;
    let mut found = players::list(
        &mut conn,
        &account.id,
        &filter,
        page.after.as_deref(),
        limit + 1,
    )
    .await?;
    let more = found.len() as i64 > limit;
    found.truncate(usize::try_from(limit).unwrap_or(0));
    let data = found.into_iter().map(PlayerSummary::from).collect();
    Ok(axum::Json(page.wrap(data, more)))
}

/// A player with everything the console shows of them.
#[derive(Debug, Serialize, ToSchema)]
struct PlayerDetail {
    #[serde(flatten)]
    player: EventPlayer,
    /// Every play, newest first.
    plays: Vec<PlayView>,
}

/// One of a player's plays.
#[derive(Debug, Serialize, ToSchema)]
struct PlayView {
    /// `play_...`
    id: String,
    campaign: PlayCampaign,
    segment: PlaySegment,
    /// When the session's first step was taken.
    #[schema(format = DateTime)]
    started_at: String,
    /// When the game was played; null if the player stopped before.
    #[schema(required = true, format = DateTime)]
    played_at: Option<String>,
    /// When the end screen was reached.
    #[schema(required = true, format = DateTime)]
    finished_at: Option<String>,
    /// `won`, `lost`, or `not_played`.
    outcome: Outcome,
    /// The prize won, by id and name as it was then.
    #[schema(required = true)]
    prize: Option<PlayPrize>,
    /// The code the player got.
    #[schema(required = true)]
    code: Option<String>,
    /// Right answers, for a quiz.
    #[schema(required = true)]
    score: Option<i64>,
    /// Whether an endpoint answered 2xx to the `prize.assigned` webhook
    /// carrying the code.
    code_sent: bool,
}

#[derive(Debug, Serialize, ToSchema)]
struct PlayCampaign {
    id: String,
    name: String,
    kind: CampaignKind,
}

#[derive(Debug, Serialize, ToSchema)]
struct PlaySegment {
    id: String,
    /// Null once the segment was deleted.
    #[schema(required = true)]
    title: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
struct PlayPrize {
    id: String,
    name: String,
}

/// What a play came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = PlayOutcome)]
pub(crate) enum Outcome {
    Won,
    Lost,
    NotPlayed,
}

impl Outcome {
    pub(crate) fn of(play: &adact_domain::player::PlayRecord) -> Self {
        match (play.played_at, &play.prize_id) {
            (None, _) => Self::NotPlayed,
            (Some(_), Some(_)) => Self::Won,
            (Some(_), None) => Self::Lost,
        }
    }
}

impl From<PlayOfPlayer> for PlayView {
    fn from(p: PlayOfPlayer) -> Self {
        let outcome = Outcome::of(&p.play);
        let play = p.play;
        Self {
            id: play.id,
            campaign: PlayCampaign {
                id: play.campaign_id,
                name: p.campaign_name,
                kind: CampaignKind::parse(&p.campaign_kind).unwrap_or(CampaignKind::Wheel),
            },
            segment: PlaySegment {
                id: play.segment_id,
                title: p.segment_title,
            },
            started_at: rfc3339(play.started_at),
            played_at: play.played_at.map(rfc3339),
            finished_at: play.finished_at.map(rfc3339),
            outcome,
            prize: play.prize_id.map(|id| PlayPrize {
                id,
                name: play.prize_name.unwrap_or_default(),
            }),
            code: play.code,
            score: play.score,
            code_sent: p.code_sent,
        }
    }
}

/// Read a player
///
/// Identity, form fields and consent (as webhooks carry them), and every
/// play: campaign, time, outcome, prize and code, quiz score, and whether
/// the code's webhook was delivered.
#[utoipa::path(
    get,
    path = "/api/v1/players/{id}",
    operation_id = "get_player",
    tag = "players",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The player's id, `plr_...`.")),
    responses(
        (status = 200, description = "The player.", body = PlayerDetail),
        (status = 404, description = "`player_not_found`: no such player in this account (or erased).", body = ErrorBody),
    )
)]
async fn read(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<axum::Json<PlayerDetail>> {
    let mut conn = state.store.pool().acquire().await?;
    let player = players::player(&mut conn, &account.id, &id)
        .await?
        .ok_or_else(|| erasure::not_found(&id))?;
    let plays = players::plays_of(&mut conn, &player.id).await?;
    Ok(axum::Json(PlayerDetail {
        player: EventPlayer::of(&player),
        plays: plays.into_iter().map(PlayView::from).collect(),
    }))
}

/// Everything Adact holds on a player.
#[derive(Debug, Serialize, ToSchema)]
struct HeldData {
    /// The player as stored: identity, form fields, consent.
    player: EventPlayer,
    /// Every play, newest first.
    plays: Vec<PlayView>,
    /// Every event recorded about the player, oldest first, as webhooks
    /// carry them (`{id, type, version, timestamp, sequence, data}`).
    #[schema(value_type = Vec<Object>)]
    events: Vec<Value>,
}

/// Export a player's data
///
/// Everything Adact holds on the player, as JSON: for a data access
/// request (GDPR article 15, CCPA "right to know").
#[utoipa::path(
    get,
    path = "/api/v1/players/{id}/data",
    operation_id = "get_player_data",
    tag = "players",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The player's id, `plr_...`.")),
    responses(
        (status = 200, description = "The player's data.", body = HeldData),
        (status = 404, description = "`player_not_found`.", body = ErrorBody),
    )
)]
async fn data(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<axum::Json<HeldData>> {
    let mut conn = state.store.pool().acquire().await?;
    let player = players::player(&mut conn, &account.id, &id)
        .await?
        .ok_or_else(|| erasure::not_found(&id))?;
    let plays = players::plays_of(&mut conn, &player.id).await?;
    let events = players::events_of(&mut conn, &account.id, &player.id).await?;
    Ok(axum::Json(HeldData {
        player: EventPlayer::of(&player),
        plays: plays.into_iter().map(PlayView::from).collect(),
        events,
    }))
}

/// Erase a player
///
/// For an erasure request (GDPR article 17, CCPA "right to delete"): the
/// player's email, name, external id and form fields are removed from the
/// player, their plays, the stored events and the webhook history (a
/// resend sends the erased body). Plays, given codes and statistics keep
/// their counts without pointing at the player. Records `player.deleted`,
/// for your systems to erase the player too. A later visit with the same
/// external id starts a new player.
#[utoipa::path(
    delete,
    path = "/api/v1/players/{id}",
    operation_id = "delete_player",
    tag = "players",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The player's id, `plr_...`.")),
    responses(
        (status = 204, description = "Erased."),
        (status = 404, description = "`player_not_found`: no such player in this account, or already erased.", body = ErrorBody),
    )
)]
async fn delete(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    erasure::erase(&state.store, &account, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How long the account keeps a player's data.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Retention {
    /// Days after a player's last registration before the player is
    /// erased (as by `DELETE /api/v1/players/{id}`, with `player.deleted`
    /// and `reason: retention`), checked daily; 1 to 3650. Null: forever.
    #[schema(required = true, minimum = 1, maximum = 3650)]
    days: Option<i64>,
}

/// Player retention
#[utoipa::path(
    get,
    path = "/api/v1/account/player-retention",
    operation_id = "get_player_retention",
    tag = "account",
    security(("admin_token" = [])),
    responses((status = 200, description = "The retention.", body = Retention))
)]
async fn retention(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
) -> Result<axum::Json<Retention>> {
    let mut conn = state.store.pool().acquire().await?;
    let days = players::retention(&mut conn, &account.id).await?;
    Ok(axum::Json(Retention { days }))
}

/// Set the player retention
///
/// Players last registered longer ago are erased by the next daily run.
#[utoipa::path(
    put,
    path = "/api/v1/account/player-retention",
    operation_id = "set_player_retention",
    tag = "account",
    security(("admin_token" = [])),
    request_body = Retention,
    responses(
        (status = 200, description = "The retention as saved.", body = Retention),
        (status = 422, description = "`validation_failed`: `days` out of range.", body = ErrorBody),
    )
)]
async fn set_retention(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<Retention>,
) -> Result<axum::Json<Retention>> {
    erasure::set_retention(&state.store, &account.id, input.days).await?;
    Ok(axum::Json(input))
}

/// Every campaign of the account, with its form: the export's names and
/// columns.
async fn campaigns_of(state: &AppState, account_id: &str) -> Result<Vec<Campaign>> {
    Ok(state.store.campaigns(account_id, None, i64::MAX).await?)
}

//! The admin API for campaigns: `GET|POST /api/v1/campaigns`,
//! `GET|PATCH|DELETE /api/v1/campaigns/{id}`.

use adact_wire::{CampaignKind, ErrorBody};
use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{
    AppState, Listed, Page, Paged,
    error::Result,
    etag::{IfMatch, Tagged},
    extract::{AdminAccount, Json, Path, Query},
    openapi::ApiRouter,
};
use crate::app::campaigns::{self, Changes};
use adact_domain::{
    campaign::{Campaign, Definition, NewCampaign, PlayCounts, PrizeStock, Status, codes_left},
    stats::{self, Numbers},
    time::now_ms,
};

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update, delete))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateCampaign {
    /// 1 to 120 characters.
    pub name: String,
    pub kind: CampaignKind,
    #[serde(default = "draft")]
    #[schema(default = draft)]
    pub status: Status,
    pub definition: Definition,
}

impl From<CreateCampaign> for NewCampaign {
    fn from(c: CreateCampaign) -> Self {
        Self {
            name: c.name,
            kind: c.kind,
            status: c.status,
            definition: c.definition,
        }
    }
}

fn draft() -> Status {
    Status::Draft
}

/// Every field optional; a given `definition` replaces the whole one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UpdateCampaign {
    name: Option<String>,
    kind: Option<CampaignKind>,
    status: Option<Status>,
    definition: Option<Definition>,
}

/// A campaign as the admin API shows it: the definition (with prize ids)
/// and each prize's live stock and codes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Campaign)]
struct CampaignBody {
    id: String,
    name: String,
    kind: CampaignKind,
    status: Status,
    definition: Definition,
    /// Each prize's stock and codes now.
    prizes: Vec<PrizeState>,
    /// How the campaign did so far.
    stats: CampaignStats,
}

/// A campaign's numbers, for the admin API. Previews count nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
struct CampaignStats {
    /// Plays that reached the game step (spun, scratched, opened, answered).
    plays: i64,
    /// Plays that won a prize.
    wins: i64,
    /// How many more codes winners can be given: each prize's pool codes
    /// not given yet (no more than its stock left), or for generated codes
    /// its stock left. Null when a prize generates codes with no stock.
    #[schema(required = true)]
    codes_left: Option<i64>,
    /// The last 7 days (168 hours), from the campaign's statistics (see
    /// `GET /api/v1/campaigns/{id}/stats`).
    last_7_days: RecentNumbers,
}

/// A campaign's numbers of the last 7 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
struct RecentNumbers {
    /// Renders of the campaign.
    views: i64,
    /// Players registering for the campaign for the first time.
    players: i64,
    /// Plays that won a prize.
    wins: i64,
}

impl From<Numbers> for RecentNumbers {
    fn from(numbers: Numbers) -> Self {
        Self {
            views: numbers.views,
            players: numbers.players,
            wins: numbers.wins,
        }
    }
}

/// Where "the last 7 days" start.
fn week_ago() -> i64 {
    now_ms() - 7 * stats::DAY_MS
}

/// A prize's live state, for the admin API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
struct PrizeState {
    id: String,
    /// How many can still be won; null when unlimited.
    #[schema(required = true)]
    stock_remaining: Option<i64>,
    /// Codes not given yet.
    codes_available: i64,
    /// Codes given to winners.
    codes_given: i64,
}

impl From<PrizeStock> for PrizeState {
    fn from(p: PrizeStock) -> Self {
        Self {
            id: p.id,
            stock_remaining: p.stock_remaining,
            codes_available: p.codes_available,
            codes_given: p.codes_given,
        }
    }
}

impl Listed for CampaignBody {
    fn id(&self) -> &str {
        &self.id
    }
}

/// List campaigns
///
/// Oldest first, paged by id; each with its prizes' stock and codes and
/// its numbers (`stats`: plays, wins, codes left).
#[utoipa::path(
    get,
    path = "/api/v1/campaigns",
    operation_id = "list_campaigns",
    tag = "campaigns",
    security(("admin_token" = [])),
    params(Page),
    responses(
        (status = 200, description = "A page of campaigns.", body = Paged<CampaignBody>),
        (status = 422, description = "`validation_failed`: `limit` is out of range.", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Query(page): Query<Page>,
) -> Result<axum::Json<Paged<CampaignBody>>> {
    let limit = page.limit()?;
    let campaigns = state
        .store
        .campaigns(&account.id, page.after.as_deref(), limit + 1)
        .await?;
    let shown = &campaigns[..campaigns.len().min(usize::try_from(limit).unwrap_or(0))];
    let ids: Vec<&str> = shown.iter().map(|c| c.id.as_str()).collect();
    let mut prizes = state.store.prize_states(&ids).await?;
    let counts = state.store.play_counts(&ids).await?;
    let mut recent = state
        .store
        .recent_numbers(&account.id, &ids, week_ago())
        .await?;
    let data = shown
        .iter()
        .map(|c| {
            let played = counts.get(&c.id).copied().unwrap_or_default();
            let week = recent.remove(&c.id).unwrap_or_default();
            body(c, prizes.remove(&c.id).unwrap_or_default(), played, week)
        })
        .collect();
    Ok(axum::Json(page.wrap(data, campaigns.len() as i64 > limit)))
}

/// Create a campaign
///
/// Validated on save: a 422 names the field at fault, e.g.
/// `definition.prizes[2].weight`. The server gives each prize an `id`.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns",
    operation_id = "create_campaign",
    tag = "campaigns",
    security(("admin_token" = [])),
    request_body = CreateCampaign,
    responses(
        (status = 201, description = "The campaign, as saved.", body = CampaignBody,
            headers(("ETag" = String, description = "The campaign's entity tag, for `If-Match`."))),
        (status = 422, description = "`validation_failed`, with the `field` at fault.", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(request): Json<CreateCampaign>,
) -> Result<(StatusCode, Tagged<axum::Json<CampaignBody>>)> {
    let campaign = campaigns::create(&state.store, &account.id, request.into()).await?;
    Ok((StatusCode::CREATED, tagged(&state, &campaign).await?))
}

/// Read a campaign
///
/// With its `ETag`, an entity tag of what an edit changes (name, kind,
/// status, definition): send it back as `If-Match` so that an edit is
/// refused if someone else saved the campaign meanwhile. Plays do not
/// change it, though they change the stock and numbers shown.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}",
    operation_id = "get_campaign",
    tag = "campaigns",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The campaign's id, `cmp_...`.")),
    responses(
        (status = 200, description = "The campaign.", body = CampaignBody,
            headers(("ETag" = String, description = "The campaign's entity tag, for `If-Match`."))),
        (status = 404, description = "`campaign_not_found`.", body = ErrorBody),
    )
)]
async fn read(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<Tagged<axum::Json<CampaignBody>>> {
    let campaign = campaigns::find(&state.store, &account.id, &id).await?;
    tagged(&state, &campaign).await
}

/// Update a campaign
///
/// Any of `name`, `kind`, `status` and `definition`; a `definition`
/// replaces the whole one. Send each prize's `id` back to keep its stock
/// and codes: a changed `stock` moves what is left by the difference, and
/// pool codes not yet in the pool are added. With `If-Match`, only if
/// nobody saved the campaign since that `ETag` was read.
#[utoipa::path(
    patch,
    path = "/api/v1/campaigns/{id}",
    operation_id = "update_campaign",
    tag = "campaigns",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The campaign's id, `cmp_...`."), IfMatch),
    request_body = UpdateCampaign,
    responses(
        (status = 200, description = "The campaign, as saved.", body = CampaignBody,
            headers(("ETag" = String, description = "The campaign's new entity tag."))),
        (status = 404, description = "`campaign_not_found`.", body = ErrorBody),
        (status = 422, description = "`validation_failed`, with the `field` at fault.", body = ErrorBody),
    )
)]
async fn update(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    IfMatch(precondition): IfMatch,
    Json(request): Json<UpdateCampaign>,
) -> Result<Tagged<axum::Json<CampaignBody>>> {
    let changes = Changes {
        name: request.name,
        kind: request.kind,
        status: request.status,
        definition: request.definition,
    };
    let campaign = campaigns::update(&state.store, &account.id, &id, changes, precondition).await?;
    tagged(&state, &campaign).await
}

/// Delete a campaign
///
/// Refused while a segment shows it. With `If-Match`, only if nobody saved
/// the campaign since that `ETag` was read.
#[utoipa::path(
    delete,
    path = "/api/v1/campaigns/{id}",
    operation_id = "delete_campaign",
    tag = "campaigns",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The campaign's id, `cmp_...`."), IfMatch),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "`campaign_not_found`.", body = ErrorBody),
        (status = 409, description = "`conflict` with `field: \"segments\"`: a segment shows the campaign.", body = ErrorBody),
    )
)]
async fn delete(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    IfMatch(precondition): IfMatch,
) -> Result<StatusCode> {
    campaigns::delete(&state.store, &account.id, &id, precondition).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// [`view`], with the campaign's entity tag.
async fn tagged(state: &AppState, campaign: &Campaign) -> Result<Tagged<axum::Json<CampaignBody>>> {
    Ok(Tagged(
        campaign.etag(),
        axum::Json(view(state, campaign).await?),
    ))
}

/// A campaign as the admin API shows it: the definition (with prize ids),
/// each prize's live stock and codes, and its numbers.
async fn view(state: &AppState, campaign: &Campaign) -> Result<CampaignBody> {
    let mut prizes = state.store.prize_states(&[&campaign.id]).await?;
    let counts = state.store.play_counts(&[&campaign.id]).await?;
    let mut recent = state
        .store
        .recent_numbers(&campaign.account_id, &[&campaign.id], week_ago())
        .await?;
    Ok(body(
        campaign,
        prizes.remove(&campaign.id).unwrap_or_default(),
        counts.get(&campaign.id).copied().unwrap_or_default(),
        recent.remove(&campaign.id).unwrap_or_default(),
    ))
}

fn body(
    campaign: &Campaign,
    prizes: Vec<PrizeStock>,
    played: PlayCounts,
    week: Numbers,
) -> CampaignBody {
    let stats = CampaignStats {
        plays: played.plays,
        wins: played.wins,
        codes_left: codes_left(&campaign.definition, &prizes),
        last_7_days: week.into(),
    };
    CampaignBody {
        id: campaign.id.clone(),
        name: campaign.name.clone(),
        kind: campaign.kind,
        status: campaign.status,
        definition: campaign.definition.clone(),
        prizes: prizes.into_iter().map(PrizeState::from).collect(),
        stats,
    }
}

//! A campaign's statistics: `GET /api/v1/campaigns/{id}/stats`, its
//! numbers for each day of the account's time zone, their totals and the
//! funnel (see `adact_domain::stats` and `store::stats`).

use std::collections::BTreeMap;

use adact_wire::ErrorBody;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{
    AppState,
    error::Result,
    extract::{AdminAccount, Path, Query},
    openapi::ApiRouter,
};
use crate::app::campaigns;
use adact_domain::{
    stats::{self, Days, Funnel, Numbers},
    time::now_ms,
};

pub fn router() -> ApiRouter {
    ApiRouter::new().routes(routes!(campaign_stats))
}

/// The days to show, in the account's time zone.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct StatsQuery {
    /// The first day, `YYYY-MM-DD`. Default: 29 days before `to`.
    from: Option<String>,
    /// The last day, `YYYY-MM-DD`, at most 366 days after `from`.
    /// Default: today.
    to: Option<String>,
}

/// One day's numbers (or the range's, in `totals`).
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DayNumbers {
    /// The day, `YYYY-MM-DD` (absent in `totals`).
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    /// Renders of the campaign (its card shown on a page).
    views: i64,
    /// Registrations sent (each play registers).
    registrations: i64,
    /// Players registering for this campaign for the first time.
    players: i64,
    /// Games played (spun, scratched, opened, answered).
    plays: i64,
    /// Plays that won a prize.
    wins: i64,
    /// Wins by prize id.
    wins_by_prize: BTreeMap<String, i64>,
    /// Plays that reached the end screen.
    finishes: i64,
}

impl DayNumbers {
    fn new(date: Option<String>, numbers: Numbers) -> Self {
        Self {
            date,
            views: numbers.views,
            registrations: numbers.registrations,
            players: numbers.players,
            plays: numbers.plays,
            wins: numbers.wins,
            wins_by_prize: numbers.prizes,
            finishes: numbers.finishes,
        }
    }
}

/// The share of each step that went on to the next, from 0 to 1 (four
/// decimals); null when the step before counted nothing.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatsFunnel)]
struct FunnelBody {
    /// Registrations per view.
    #[schema(required = true)]
    view_to_registration: Option<f64>,
    /// Plays per registration.
    #[schema(required = true)]
    registration_to_play: Option<f64>,
    /// Wins per play.
    #[schema(required = true)]
    play_to_win: Option<f64>,
    /// Finishes per play.
    #[schema(required = true)]
    play_to_finish: Option<f64>,
}

impl From<Funnel> for FunnelBody {
    fn from(funnel: Funnel) -> Self {
        Self {
            view_to_registration: funnel.registered,
            registration_to_play: funnel.played,
            play_to_win: funnel.won,
            play_to_finish: funnel.finished,
        }
    }
}

/// A prize that `wins_by_prize` may name.
#[derive(Debug, Serialize, ToSchema)]
struct StatsPrize {
    id: String,
    /// Its name in the campaign; null for a prize removed since.
    #[schema(required = true)]
    name: Option<String>,
}

/// A campaign's numbers by day.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CampaignStatsSeries)]
struct SeriesBody {
    campaign_id: String,
    /// The account's time zone, which the days are in.
    time_zone: String,
    from: String,
    to: String,
    /// Every day from `from` to `to`, in order, zeros included. Views are
    /// written every few seconds, so the last seconds' may not show yet.
    days: Vec<DayNumbers>,
    totals: DayNumbers,
    funnel: FunnelBody,
    /// The campaign's prizes, then any other prize the days name.
    prizes: Vec<StatsPrize>,
}

/// Campaign statistics
///
/// The campaign's numbers for each day of the account's time zone
/// (`time_zone` in the account's settings): views, registrations, new
/// players, plays, wins (by prize) and finishes, with their totals and
/// the conversion between the steps.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}/stats",
    operation_id = "get_campaign_stats",
    tag = "campaigns",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The campaign's id, `cmp_...`."), StatsQuery),
    responses(
        (status = 200, description = "The series.", body = SeriesBody),
        (status = 400, description = "`invalid_request`: a parameter this operation does not take.", body = ErrorBody),
        (status = 404, description = "`campaign_not_found`.", body = ErrorBody),
        (status = 422, description = "`validation_failed`: `from` or `to` is not a date, `from` is after `to`, or the range is over 366 days.", body = ErrorBody),
    )
)]
async fn campaign_stats(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    Query(range): Query<StatsQuery>,
) -> Result<axum::Json<SeriesBody>> {
    let campaign = campaigns::find(&state.store, &account.id, &id).await?;
    let days = Days::new(
        &account.time_zone,
        range.from.as_deref(),
        range.to.as_deref(),
        now_ms(),
    )?;
    let series = state
        .store
        .campaign_series(&account.id, &campaign.id, &days)
        .await?;
    let mut totals = Numbers::default();
    for numbers in &series {
        totals.merge(numbers);
    }
    let mut prizes: Vec<StatsPrize> = campaign
        .definition
        .prizes
        .iter()
        .filter_map(|prize| {
            Some(StatsPrize {
                id: prize.id.clone()?,
                name: Some(prize.name.clone()),
            })
        })
        .collect();
    for id in totals.prizes.keys() {
        if !prizes.iter().any(|prize| prize.id == *id) {
            prizes.push(StatsPrize {
                id: id.clone(),
                name: None,
            });
        }
    }
    let funnel = totals.funnel().into();
    Ok(axum::Json(SeriesBody {
        campaign_id: campaign.id,
        time_zone: stats::zone_name(&account.time_zone).to_owned(),
        from: days.from.to_string(),
        to: days.to.to_string(),
        days: series
            .into_iter()
            .enumerate()
            .map(|(i, numbers)| DayNumbers::new(Some(days.date(i)), numbers))
            .collect(),
        totals: DayNumbers::new(None, totals),
        funnel,
        prizes,
    }))
}

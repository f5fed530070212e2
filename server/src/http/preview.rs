//! The console's live preview: the embed's render, register and play steps
//! answered for a campaign as the admin is typing it, before it is saved.
//! The campaign comes in every request's body; nothing is read from or
//! written to the database and no event is recorded. The same rules as the
//! real steps decide: the create's validation, the form's checks, the
//! quiz's scoring and the weighted draw.
//!
//! The preview ignores the campaign's status, schedule and play limit, so
//! that a draft, or a campaign that starts next month, can be played through.

use std::collections::BTreeMap;

use adact_wire::{
    ErrorBody, PlayResponse, RegisterResponse, RenderResponse, SegmentRef, SessionView,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{
    campaigns::CreateCampaign,
    extract::{AdminAccount, Json, Query},
    openapi::ApiRouter,
};
use crate::{
    campaigns::{Campaign, Prize, draw},
    error::Result,
    locales::Locale,
    store::new_id,
};

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(render))
        .routes(routes!(register))
        .routes(routes!(play))
}

/// What the preview shows as the segment: there is none yet.
const SEGMENT_TITLE: &str = "Preview";
/// The prefix of the codes a preview "wins": never a real code.
const CODE_PREFIX: &str = "PREVIEW-";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PreviewQuery {
    /// The language of the embed's own words, as the embed's `locale`
    /// option takes it (a BCP 47 tag); English without it.
    locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PreviewRegister {
    /// The campaign as previewed (the body of `POST /api/v1/campaigns`).
    campaign: CreateCampaign,
    /// The form's values by field key.
    #[serde(default)]
    fields: BTreeMap<String, String>,
    /// Whether the consent box is ticked.
    #[serde(default)]
    consent: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PreviewPlay {
    /// The campaign as previewed (the body of `POST /api/v1/campaigns`).
    campaign: CreateCampaign,
    /// A quiz's answers: for each question, the index of the answer picked.
    #[serde(default)]
    answers: Vec<u32>,
}

/// `POST /api/v1/campaigns/preview` with the body a create takes: the same
/// validation errors as a create, or exactly what the embed's render
/// answers, with a session that exists nowhere.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/preview",
    operation_id = "preview_campaign",
    tag = "campaigns",
    security(("admin_token" = [])),
    params(PreviewQuery),
    request_body = CreateCampaign,
    responses(
        (status = 200, description = "What the embed's render answers, with a session stored nowhere.", body = RenderResponse),
        (status = 422, description = "`validation_failed`, with the `field` at fault, as a create answers.", body = ErrorBody),
    )
)]
async fn render(
    AdminAccount(account): AdminAccount,
    Query(query): Query<PreviewQuery>,
    Json(input): Json<CreateCampaign>,
) -> Result<axum::Json<RenderResponse>> {
    let campaign = draft(&account.id, input)?;
    let locale = Locale::negotiate(query.locale.as_deref());
    Ok(axum::Json(RenderResponse {
        segment: SegmentRef {
            id: "seg_preview".into(),
            title: SEGMENT_TITLE.into(),
        },
        campaign: campaign.view(),
        // No token: nothing is stored for it to protect.
        session: SessionView {
            id: new_id("preview"),
            token: String::new(),
        },
        notice: None,
        strings: locale.strings(campaign.definition.play_limit),
        locale: locale.tag,
    }))
}

/// Checks the registration against the previewed form, as the real step
/// does: 422 with every bad field.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/preview/register",
    operation_id = "preview_register",
    tag = "campaigns",
    security(("admin_token" = [])),
    request_body = PreviewRegister,
    responses(
        (status = 200, description = "The registration passes; no player is stored.", body = RegisterResponse),
        (status = 422, description = "`validation_failed`: the `campaign.…` field at fault, or `fields` with every \
            bad form field (`fields.<key>`) and `consent`.", body = ErrorBody),
    )
)]
async fn register(
    AdminAccount(account): AdminAccount,
    Json(request): Json<PreviewRegister>,
) -> Result<axum::Json<RegisterResponse>> {
    let campaign = draft(&account.id, request.campaign).map_err(|e| e.within("campaign"))?;
    campaign
        .definition
        .check_registration(&request.fields, request.consent)?;
    Ok(axum::Json(RegisterResponse {
        player_id: "ply_preview".into(),
        created: true,
    }))
}

/// Scores a quiz and draws the outcome by weight as a real play does, among
/// the prizes whose configured stock is not zero. Nothing is taken: the
/// code won is a made-up `PREVIEW-…`.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/preview/play",
    operation_id = "preview_play",
    tag = "campaigns",
    security(("admin_token" = [])),
    request_body = PreviewPlay,
    responses(
        (status = 200, description = "The outcome the server drew; nothing is taken or recorded.", body = PlayResponse),
        (status = 422, description = "`validation_failed`: the `campaign.…` field at fault, or `answers` that do not \
            answer each question.", body = ErrorBody),
    )
)]
async fn play(
    AdminAccount(account): AdminAccount,
    Json(request): Json<PreviewPlay>,
) -> Result<axum::Json<PlayResponse>> {
    let campaign = draft(&account.id, request.campaign).map_err(|e| e.within("campaign"))?;
    let definition = &campaign.definition;
    let (score, passed) = definition.score(&request.answers)?;
    let mut rng = rand::rng();
    let won = if passed {
        let candidates =
            definition.candidates(|id| definition.prize(id).is_some_and(|p| p.stock != Some(0)));
        draw::draw(&candidates, definition.no_prize.weight, &mut rng)
            .and_then(|picked| definition.prize(&picked.prize_id))
    } else {
        None
    };
    Ok(axum::Json(PlayResponse {
        play_id: new_id("preview"),
        prize: won.map(Prize::view),
        code: won.map(|_| draw::generate_code(CODE_PREFIX, &mut rng)),
        score,
    }))
}

/// The campaign as typed, checked as a create checks it. Prizes not saved
/// yet get an id by position, so the embed can tell the wheel's slices apart
/// and the play's answer names one of them.
fn draft(account_id: &str, input: CreateCampaign) -> Result<Campaign> {
    input.validate()?;
    let CreateCampaign {
        name,
        kind,
        status,
        mut definition,
    } = input;
    for (i, prize) in definition.prizes.iter_mut().enumerate() {
        prize.id.get_or_insert_with(|| format!("prz_preview_{i}"));
    }
    Ok(Campaign {
        id: "cmp_preview".into(),
        account_id: account_id.to_owned(),
        name,
        kind,
        status,
        definition,
    })
}

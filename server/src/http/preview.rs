//! The console's live preview (`app::preview`): the embed's render,
//! register and play steps answered for a campaign as the admin is typing
//! it, which comes in every request's body. Nothing is stored.

use std::collections::BTreeMap;

use adact_wire::{ErrorBody, PlayResponse, RegisterResponse, RenderResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{
    campaigns::CreateCampaign,
    error::Result,
    extract::{AdminAccount, Json, Query},
    openapi::ApiRouter,
};
use crate::app::preview;

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(render))
        .routes(routes!(register))
        .routes(routes!(play))
}

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
    let campaign = preview::draft(&account.id, input.into())?;
    Ok(axum::Json(preview::render(
        &campaign,
        query.locale.as_deref(),
    )))
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
    let campaign =
        preview::draft(&account.id, request.campaign.into()).map_err(|e| e.within("campaign"))?;
    Ok(axum::Json(preview::register(
        &campaign,
        &request.fields,
        request.consent,
    )?))
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
    let campaign =
        preview::draft(&account.id, request.campaign.into()).map_err(|e| e.within("campaign"))?;
    Ok(axum::Json(
        preview::play(&campaign, &request.answers).await?,
    ))
}

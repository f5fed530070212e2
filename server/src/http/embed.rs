//! The embed's public API: CORS-open, authenticated by the embed key. A
//! render opens a play session; its steps (register, play, finish) each
//! send the session's token, and a retried step gets the same answer.

use adact_wire::{
    FinishRequest, FinishResponse, Notice, PlayRequest, PlayResponse, RegisterRequest,
    RegisterResponse, RenderRequest, RenderResponse, SegmentRef, SessionView,
};
use axum::{
    Router,
    extract::{Path, State},
    routing::post,
};

use super::{
    AppState,
    extract::{EmbedAccount, Json},
};
use crate::{
    campaigns::{Status, check_text},
    error::{Error, Result},
    locales::Locale,
    store::plays::external_id,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/embed/render", post(render))
        .route("/api/v1/embed/sessions/{id}/register", post(register))
        .route("/api/v1/embed/sessions/{id}/play", post(play))
        .route("/api/v1/embed/sessions/{id}/finish", post(finish))
}

/// Resolves a segment to its campaign and opens a play session, in one
/// round trip. A player who may not play now (schedule, play limit) gets
/// the campaign with a `notice` to show instead of the game. The embed's
/// own words come along in the visitor's `locale`.
async fn render(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    Json(request): Json<RenderRequest>,
) -> Result<axum::Json<RenderResponse>> {
    check_text("segment", &request.segment, 1, 200)?;
    let user_id = request.user.as_ref().and_then(|u| u.id.as_deref());
    if let Some(id) = user_id {
        check_text("user.id", id, 1, 200)?;
    }
    if let Some(id) = &request.anonymous_id {
        check_text("anonymous_id", id, 1, 100)?;
    }
    let (segment, campaign) = state
        .store
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
        ));
    }
    let external_id = external_id(user_id, request.anonymous_id.as_deref());
    let locale = Locale::negotiate(request.locale.as_deref());
    let notice = state
        .store
        .refusal(&campaign, &external_id)
        .await?
        .map(|refusal| Notice {
            code: refusal.code().to_owned(),
            message: locale.language.refusal(refusal).to_owned(),
        });
    let (id, token) = state
        .store
        .open_session(&account.id, &campaign.id, &segment.id, &external_id)
        .await?;
    Ok(axum::Json(RenderResponse {
        segment: SegmentRef {
            id: segment.id,
            title: segment.title,
        },
        strings: locale.strings(campaign.definition.play_limit),
        locale: locale.tag,
        campaign: campaign.view(),
        session: SessionView { id, token },
        notice,
    }))
}

/// Registers the player with the form's values; 422 lists every bad field.
async fn register(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    Path(id): Path<String>,
    Json(request): Json<RegisterRequest>,
) -> Result<axum::Json<RegisterResponse>> {
    Ok(axum::Json(
        state.store.register(&account, &id, &request).await?,
    ))
}

/// Plays: the server draws the outcome and takes the prize's code.
async fn play(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    Path(id): Path<String>,
    Json(request): Json<PlayRequest>,
) -> Result<axum::Json<PlayResponse>> {
    Ok(axum::Json(
        state
            .store
            .play(&account, &id, &request.token, &request.answers)
            .await?,
    ))
}

/// The player reached the end screen.
async fn finish(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    Path(id): Path<String>,
    Json(request): Json<FinishRequest>,
) -> Result<axum::Json<FinishResponse>> {
    state.store.finish(&account, &id, &request.token).await?;
    Ok(axum::Json(FinishResponse { finished: true }))
}

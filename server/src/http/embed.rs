//! The embed's public API: CORS-open, authenticated by the embed key.

use adact_wire::{RenderRequest, RenderResponse, SegmentRef};
use axum::{Router, extract::State, routing::post};

use super::{
    AppState,
    extract::{EmbedAccount, Json},
};
use crate::{
    campaigns::{Status, check_text},
    error::{Error, Result},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/embed/render", post(render))
}

/// Resolves a segment to its campaign and returns all the embed draws.
async fn render(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    Json(request): Json<RenderRequest>,
) -> Result<axum::Json<RenderResponse>> {
    check_text("segment", &request.segment, 1, 200)?;
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
    Ok(axum::Json(RenderResponse {
        segment: SegmentRef {
            id: segment.id,
            title: segment.title,
        },
        campaign: campaign.view(),
    }))
}

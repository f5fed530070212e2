//! The admin API for segments: `GET|POST /api/v1/segments`,
//! `GET|PATCH|DELETE /api/v1/segments/{id}`. Each change records its event.

use axum::{
    Router,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    routing::get,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    AppState, Page, campaigns,
    extract::{AdminAccount, Json},
};
use crate::{
    campaigns::{Campaign, check_text},
    error::{Error, Result},
    store::segments::Segment,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/segments", get(list).post(create))
        .route(
            "/api/v1/segments/{id}",
            get(read).patch(update).delete(delete),
        )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateSegment {
    title: String,
    campaign_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateSegment {
    title: Option<String>,
    campaign_id: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    page: Result<Query<Page>, QueryRejection>,
) -> Result<axum::Json<Value>> {
    let Query(page) = page.map_err(|e| Error::bad_request("invalid_request", e.body_text()))?;
    let limit = page.limit()?;
    let segments = state
        .store
        .segments(&account.id, page.after.as_deref(), limit + 1)
        .await?;
    let more = segments.len() as i64 > limit;
    let data = segments
        .iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(view)
        .collect();
    Ok(axum::Json(page.wrap(data, more)))
}

async fn create(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(request): Json<CreateSegment>,
) -> Result<(StatusCode, axum::Json<Value>)> {
    check_text("title", &request.title, 1, 200)?;
    let campaign = campaign(&state, &account.id, &request.campaign_id).await?;
    let segment = state
        .store
        .add_segment(&account, request.title.trim(), &campaign)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(view(&segment))))
}

async fn read(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>> {
    Ok(axum::Json(view(&find(&state, &account.id, &id).await?)))
}

async fn update(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    Json(request): Json<UpdateSegment>,
) -> Result<axum::Json<Value>> {
    let mut segment = find(&state, &account.id, &id).await?;
    if let Some(title) = request.title {
        check_text("title", &title, 1, 200)?;
        segment.title = title.trim().to_owned();
    }
    if let Some(campaign_id) = request.campaign_id {
        segment.campaign_id = campaign_id;
    }
    let campaign = campaign(&state, &account.id, &segment.campaign_id).await?;
    state
        .store
        .update_segment(&account, &segment, &campaign)
        .await?;
    Ok(axum::Json(view(&segment)))
}

async fn delete(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let segment = find(&state, &account.id, &id).await?;
    let campaign = campaigns::find(&state, &account.id, &segment.campaign_id).await?;
    state
        .store
        .delete_segment(&account, &segment, &campaign)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The campaign a segment names, as a field error when it is not there.
async fn campaign(state: &AppState, account_id: &str, id: &str) -> Result<Campaign> {
    state
        .store
        .campaign(account_id, id)
        .await?
        .ok_or_else(|| Error::invalid("campaign_id", format!("no campaign has the id {id:?}")))
}

async fn find(state: &AppState, account_id: &str, id: &str) -> Result<Segment> {
    state.store.segment(account_id, id).await?.ok_or_else(|| {
        Error::not_found(
            "segment_not_found",
            format!("No segment has the id {id:?}."),
        )
    })
}

fn view(segment: &Segment) -> Value {
    json!({"id": segment.id, "title": segment.title, "campaign_id": segment.campaign_id})
}

//! The admin API for segments: `GET|POST /api/v1/segments`,
//! `GET|PATCH|DELETE /api/v1/segments/{id}`. Each change records its event.

use adact_wire::ErrorBody;
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
use crate::app::segments::{self, Changes};
use adact_domain::segment::Segment;

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update, delete))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateSegment {
    /// What pages pass to `renderAdact({segment})`: 1 to 200 characters,
    /// trimmed, unique in the account ignoring case and surrounding spaces
    /// (as a page's title is matched).
    title: String,
    /// The campaign the segment shows.
    campaign_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UpdateSegment {
    title: Option<String>,
    campaign_id: Option<String>,
}

/// A segment: a title pages name, mapped to the campaign it shows.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Segment)]
struct SegmentBody {
    id: String,
    title: String,
    campaign_id: String,
}

impl Listed for SegmentBody {
    fn id(&self) -> &str {
        &self.id
    }
}

/// List segments
///
/// Oldest first, paged by id.
#[utoipa::path(
    get,
    path = "/api/v1/segments",
    operation_id = "list_segments",
    tag = "segments",
    security(("admin_token" = [])),
    params(Page),
    responses(
        (status = 200, description = "A page of segments.", body = Paged<SegmentBody>),
        (status = 422, description = "`validation_failed`: `limit` is out of range.", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Query(page): Query<Page>,
) -> Result<axum::Json<Paged<SegmentBody>>> {
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

/// Create a segment
///
/// Records `segment.created`.
#[utoipa::path(
    post,
    path = "/api/v1/segments",
    operation_id = "create_segment",
    tag = "segments",
    security(("admin_token" = [])),
    request_body = CreateSegment,
    responses(
        (status = 201, description = "The segment.", body = SegmentBody,
            headers(("ETag" = String, description = "The segment's entity tag, for `If-Match`."))),
        (status = 409, description = "`conflict` with `field: \"title\"`: the title is taken in the account (ignoring case and surrounding spaces).", body = ErrorBody),
        (status = 422, description = "`validation_failed`: a bad `title`, or no campaign has the `campaign_id`.", body = ErrorBody),
    )
)]
async fn create(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(request): Json<CreateSegment>,
) -> Result<(StatusCode, Tagged<axum::Json<SegmentBody>>)> {
    let segment =
        segments::create(&state.store, &account, &request.title, &request.campaign_id).await?;
    Ok((StatusCode::CREATED, tagged(&segment)))
}

/// Read a segment
///
/// With its `ETag`, an entity tag of its title and campaign: send it back
/// as `If-Match` so that an edit is refused if someone else saved the
/// segment meanwhile.
#[utoipa::path(
    get,
    path = "/api/v1/segments/{id}",
    operation_id = "get_segment",
    tag = "segments",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The segment's id, `seg_...`.")),
    responses(
        (status = 200, description = "The segment.", body = SegmentBody,
            headers(("ETag" = String, description = "The segment's entity tag, for `If-Match`."))),
        (status = 404, description = "`segment_not_found`.", body = ErrorBody),
    )
)]
async fn read(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<Tagged<axum::Json<SegmentBody>>> {
    let segment = segments::find(&state.store, &account.id, &id).await?;
    Ok(tagged(&segment))
}

/// Update a segment
///
/// Its title, its campaign, or both. Records `segment.updated`, with the
/// `previous` values, only when one of them changes: an update with
/// nothing new (`{}`, the same values) records nothing. With `If-Match`,
/// only if nobody saved the segment since that `ETag` was read.
#[utoipa::path(
    patch,
    path = "/api/v1/segments/{id}",
    operation_id = "update_segment",
    tag = "segments",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The segment's id, `seg_...`."), IfMatch),
    request_body = UpdateSegment,
    responses(
        (status = 200, description = "The segment, as saved.", body = SegmentBody,
            headers(("ETag" = String, description = "The segment's new entity tag."))),
        (status = 404, description = "`segment_not_found`.", body = ErrorBody),
        (status = 409, description = "`conflict` with `field: \"title\"`: the title is taken in the account (ignoring case and surrounding spaces).", body = ErrorBody),
        (status = 422, description = "`validation_failed`: a bad `title`, or no campaign has the `campaign_id`.", body = ErrorBody),
    )
)]
async fn update(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    IfMatch(precondition): IfMatch,
    Json(request): Json<UpdateSegment>,
) -> Result<Tagged<axum::Json<SegmentBody>>> {
    let changes = Changes {
        title: request.title,
        campaign_id: request.campaign_id,
    };
    let segment = segments::update(&state.store, &account, &id, changes, precondition).await?;
    Ok(tagged(&segment))
}

/// Delete a segment
///
/// Records `segment.deleted`. With `If-Match`, only if nobody saved the
/// segment since that `ETag` was read.
#[utoipa::path(
    delete,
    path = "/api/v1/segments/{id}",
    operation_id = "delete_segment",
    tag = "segments",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The segment's id, `seg_...`."), IfMatch),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "`segment_not_found`.", body = ErrorBody),
    )
)]
async fn delete(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    IfMatch(precondition): IfMatch,
) -> Result<StatusCode> {
    segments::delete(&state.store, &account, &id, precondition).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// [`view`], with the segment's entity tag.
fn tagged(segment: &Segment) -> Tagged<axum::Json<SegmentBody>> {
    Tagged(segment.etag(), axum::Json(view(segment)))
}

fn view(segment: &Segment) -> SegmentBody {
    SegmentBody {
        id: segment.id.clone(),
        title: segment.title.clone(),
        campaign_id: segment.campaign_id.clone(),
    }
}

//! The delivery history: every delivery with its attempts, filtered and
//! paged, and resends.

use adact_wire::ErrorBody;
use axum::{extract::State, http::StatusCode, response::IntoResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use utoipa_axum::routes;

use crate::{
    app::webhooks::{self, delivery_not_found},
    http::{
        AppState, Listed, Page, Paged,
        error::{Error, Result},
        extract::{AdminAccount, Json, Path, Query},
        openapi::ApiRouter,
    },
};
use adact_domain::{
    self,
    events::EventType,
    time::{parse_rfc3339, rfc3339},
    webhook::{DeliveryFilter, DeliveryStatus},
};

pub(super) fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(list_deliveries))
        .routes(routes!(resend_failed))
        .routes(routes!(get_delivery))
        .routes(routes!(resend))
}

/// One event's delivery to one endpoint, as the history lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    #[schema(value_type = EventType)]
    pub event_type: String,
    /// The event's `sequence`: its place in the account's events (see
    /// docs/events.md, "Order"), to match the history with what a receiver
    /// got. Null only for events recorded before sequences existed.
    #[schema(required = true)]
    pub sequence: Option<i64>,
    pub endpoint_id: String,
    /// The endpoint's URL, or null once the endpoint is deleted.
    #[schema(required = true)]
    pub endpoint_url: Option<String>,
    /// `pending`, `succeeded`, `failed` (gave up, or its endpoint was
    /// deleted) or `skipped` (not sent because webhooks were off or the
    /// endpoint was disabled; `last_error` says which; see "Recover skipped
    /// events").
    #[schema(value_type = DeliveryStatus)]
    pub status: String,
    /// How many attempts its history (`attempts` of the delivery's detail)
    /// lists. A delivery that was not sent because its endpoint or webhooks
    /// were off has none; `last_error` says why.
    pub attempt_count: i64,
    /// The HTTP status of the last attempt, when it got an answer.
    #[schema(required = true)]
    pub last_status: Option<i64>,
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[schema(required = true, format = DateTime)]
    pub last_attempt_at: Option<String>,
    /// When the next attempt is due, while `pending`.
    #[schema(required = true, format = DateTime)]
    pub next_attempt_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// The campaign the event is about (its `data.campaign`), or null for
    /// an event about none, such as `webhook.test`.
    #[schema(required = true)]
    pub campaign: Option<DeliveryCampaign>,
}

/// The campaign an event is about: its id and name when the event happened.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryCampaign {
    pub id: String,
    pub name: String,
}

impl From<adact_domain::webhook::Delivery> for Delivery {
    fn from(d: adact_domain::webhook::Delivery) -> Self {
        Self {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            sequence: d.sequence,
            endpoint_id: d.endpoint_id,
            endpoint_url: d.endpoint_url,
            status: d.status.as_str().to_owned(),
            attempt_count: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            last_attempt_at: d.last_attempt_at.map(rfc3339),
            next_attempt_at: d.next_attempt_at.map(rfc3339),
            created_at: rfc3339(d.created_at),
            campaign: d.campaign.map(|c| DeliveryCampaign {
                id: c.id,
                name: c.name,
            }),
        }
    }
}

/// A delivery with the event it carries and every attempt, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: Delivery,
    /// The event as it is sent: `{type, timestamp, data}` (see docs/events.md).
    pub payload: Value,
    pub attempts: Vec<Attempt>,
}

impl From<adact_domain::webhook::DeliveryDetail> for DeliveryDetail {
    fn from(d: adact_domain::webhook::DeliveryDetail) -> Self {
        Self {
            delivery: d.delivery.into(),
            payload: serde_json::from_str(&d.payload).unwrap_or(Value::String(d.payload)),
            attempts: d.attempts.into_iter().map(Attempt::from).collect(),
        }
    }
}

/// One attempt to send a delivery: what was sent and what came back.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub attempt: i64,
    pub url: String,
    #[schema(format = DateTime)]
    pub started_at: String,
    pub duration_ms: i64,
    pub request: AttemptRequest,
    /// Null when no answer came (timeout, connection error).
    #[schema(required = true)]
    pub response: Option<AttemptResponse>,
    #[schema(required = true)]
    pub error: Option<String>,
}

/// The request of an attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptRequest {
    /// `[name, value]` pairs, in the order sent.
    #[schema(required = true)]
    pub headers: Option<Vec<(String, String)>>,
    pub body: String,
}

/// The endpoint's answer to an attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptResponse {
    pub status: i64,
    /// `[name, value]` pairs, in the order received.
    #[schema(required = true)]
    pub headers: Option<Vec<(String, String)>>,
    /// The first 64 KiB.
    #[schema(required = true)]
    pub body: Option<String>,
}

impl From<adact_domain::webhook::Attempt> for Attempt {
    fn from(a: adact_domain::webhook::Attempt) -> Self {
        // Stored as JSON text by the dispatcher; unreadable text shows as null.
        let headers = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Self {
            attempt: a.attempt,
            url: a.url,
            started_at: rfc3339(a.started_at),
            duration_ms: a.duration_ms,
            request: AttemptRequest {
                headers: headers(a.request_headers),
                body: a.request_body,
            },
            response: a.response_status.map(|status| AttemptResponse {
                status,
                headers: headers(a.response_headers),
                body: a.response_body,
            }),
            error: a.error,
        }
    }
}

/// The history's filters, and the same paging as every list (see `Page`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HistoryQuery {
    /// `pending`, `succeeded`, `failed` or `skipped`.
    #[param(value_type = Option<DeliveryStatus>, inline)]
    status: Option<String>,
    #[param(value_type = Option<EventType>, inline)]
    event_type: Option<String>,
    endpoint_id: Option<String>,
    /// Created at or after this time (RFC 3339).
    #[param(format = DateTime)]
    since: Option<String>,
    /// Created before this time (RFC 3339).
    #[param(format = DateTime)]
    until: Option<String>,
    /// Start after this id: the `next_cursor` of the previous page.
    after: Option<String>,
    /// How many deliveries to answer, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    limit: Option<i64>,
}

pub(super) fn parse_time(field: &str, value: &str) -> Result<i64> {
    parse_rfc3339(value).ok_or_else(|| {
        Error::invalid(
            field,
            format!("must be an RFC 3339 time like 2026-11-26T10:00:00Z, not {value:?}"),
        )
    })
}

impl Listed for Delivery {
    fn id(&self) -> &str {
        &self.id
    }
}

/// List deliveries
///
/// Newest first, filtered, paged by id like every list.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/deliveries",
    operation_id = "list_webhook_deliveries",
    tag = "deliveries",
    security(("admin_token" = [])),
    params(HistoryQuery),
    responses(
        (status = 200, description = "A page of deliveries.", body = Paged<Delivery>),
        (status = 422, description = "`validation_failed`: an unknown `status` or `event_type`, a time \
            that is not RFC 3339, or `limit` out of range.", body = ErrorBody),
    )
)]
async fn list_deliveries(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Query(query): Query<HistoryQuery>,
) -> Result<axum::Json<Paged<Delivery>>> {
    let status = query
        .status
        .as_deref()
        .map(|s| {
            DeliveryStatus::parse(s).ok_or_else(|| {
                Error::invalid("status", "must be pending, succeeded, failed or skipped")
            })
        })
        .transpose()?;
    let event_type = query
        .event_type
        .as_deref()
        .map(|t| {
            EventType::parse(t)
                .ok_or_else(|| Error::invalid("event_type", format!("unknown event type {t:?}")))
        })
        .transpose()?;
    // The same paging as every other list of the API.
    let page = Page {
        limit: query.limit,
        after: query.after,
    };
    let limit = page.limit()?;
    let filter = DeliveryFilter {
        status,
        event_type,
        endpoint_id: query.endpoint_id,
        since_ms: query
            .since
            .as_deref()
            .map(|v| parse_time("since", v))
            .transpose()?,
        until_ms: query
            .until
            .as_deref()
            .map(|v| parse_time("until", v))
            .transpose()?,
        before: page.after.clone(),
        limit,
    };
    let data: Vec<Delivery> = state
        .store
        .list_deliveries(&account.id, &filter)
        .await?
        .into_iter()
        .map(Delivery::from)
        .collect();
    let full = i64::try_from(data.len()).is_ok_and(|n| n == limit);
    Ok(axum::Json(page.wrap(data, full)))
}

/// Read a delivery
///
/// With the event it carries and every attempt: the request and response
/// headers and bodies (the first 64 KiB), the duration and the error.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/deliveries/{id}",
    operation_id = "get_webhook_delivery",
    tag = "deliveries",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The delivery's id, `dlv_...`.")),
    responses(
        (status = 200, description = "The delivery with its attempts.", body = DeliveryDetail),
        (status = 404, description = "`delivery_not_found`.", body = ErrorBody),
    )
)]
async fn get_delivery(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<axum::Json<DeliveryDetail>> {
    let delivery = state
        .store
        .delivery(&account.id, &id)
        .await?
        .ok_or_else(|| delivery_not_found(&id))?;
    Ok(axum::Json(delivery.into()))
}

/// Resend a delivery
///
/// Queues it again now, with a fresh retry schedule.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/deliveries/{id}/resend",
    operation_id = "resend_webhook_delivery",
    tag = "deliveries",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The delivery's id, `dlv_...`.")),
    responses(
        (status = 202, description = "Queued; the delivery as it is now.", body = DeliveryDetail),
        (status = 404, description = "`delivery_not_found`.", body = ErrorBody),
    )
)]
async fn resend(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<impl IntoResponse> {
    webhooks::resend(&state.store, &*state.webhooks, &account.id, &id).await?;
    let delivery = state
        .store
        .delivery(&account.id, &id)
        .await?
        .ok_or_else(|| delivery_not_found(&id))?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(DeliveryDetail::from(delivery)),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ResendFailedInput {
    /// Deliveries created at or after this time (RFC 3339).
    #[schema(format = DateTime)]
    since: String,
}

/// How many deliveries were queued to be sent now.
#[derive(Debug, Serialize, ToSchema)]
struct Requeued {
    queued: u64,
}

/// Resend failed deliveries
///
/// Queues every delivery created since a time that failed, or that waits
/// for a retry after a failed attempt, to be sent now, each with a fresh
/// retry schedule. A delivery being sent at this moment finishes first.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/deliveries/resend-failed",
    operation_id = "resend_failed_webhook_deliveries",
    tag = "deliveries",
    security(("admin_token" = [])),
    request_body = ResendFailedInput,
    responses(
        (status = 202, description = "Queued.", body = Requeued),
        (status = 422, description = "`validation_failed`: `since` is not RFC 3339.", body = ErrorBody),
    )
)]
async fn resend_failed(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<ResendFailedInput>,
) -> Result<impl IntoResponse> {
    let since = parse_time("since", &input.since)?;
    let queued =
        webhooks::resend_failed(&state.store, &*state.webhooks, &account.id, since).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(Requeued { queued })))
}

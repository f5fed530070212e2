//! The admin API of webhooks: the guide's settings view, endpoints, the test
//! event, and the delivery history with resend. Plus `/metrics`.

use adact_wire::ErrorBody;
use axum::{
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{
    AppState, Listed, Page, Paged,
    extract::{AdminAccount, Json, Path, Query},
    openapi::ApiRouter,
};
use crate::{
    error::{Error, Result},
    events::{self, EventType},
    store::webhooks::{Delivery, DeliveryDetail, DeliveryFilter, Endpoint, EndpointFields},
    webhooks::ssrf,
};

/// How long the previous secret keeps signing after a rotation.
const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_endpoints, create_endpoint))
        .routes(routes!(get_endpoint, update_endpoint, delete_endpoint))
        .routes(routes!(rotate_secret))
        .routes(routes!(send_test))
        .routes(routes!(list_deliveries))
        .routes(routes!(resend_failed))
        .routes(routes!(get_delivery))
        .routes(routes!(resend))
}

// ---- settings: the guide's single view -------------------------------------

/// The settings to save. Without `url`, the main endpoint is deleted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WebhookSettingsInput)]
struct SettingsInput {
    /// The master switch: while off, nothing is queued or sent. Turning it
    /// on needs an endpoint.
    enabled: bool,
    /// The main endpoint's URL: `https`, not resolving to a private address.
    #[serde(default)]
    url: Option<String>,
    /// Event types to send, or `["*"]` (the default) for all.
    #[serde(default)]
    #[schema(schema_with = events::optional_filter_schema)]
    events: Option<Vec<String>>,
}

/// The guide's single view of webhooks: the master switch and the main
/// endpoint.
#[derive(Debug, Serialize, ToSchema)]
struct WebhookSettings {
    /// The master "Enable Webhooks" switch.
    enabled: bool,
    /// The main endpoint's URL, if there is one.
    #[schema(required = true)]
    url: Option<String>,
    /// What the main endpoint subscribes to; `["*"]` for all.
    #[schema(schema_with = events::filter_schema)]
    events: Vec<String>,
    /// The main endpoint, if there is one.
    #[schema(required = true)]
    endpoint: Option<Endpoint>,
}

async fn settings_view(state: &AppState, account_id: &str) -> Result<WebhookSettings> {
    let enabled = state.store.webhooks_enabled(account_id).await?;
    let primary = state.store.primary_endpoint(account_id).await?;
    Ok(WebhookSettings {
        enabled,
        url: primary.as_ref().map(|e| e.url.clone()),
        events: primary
            .as_ref()
            .map_or_else(|| vec!["*".to_owned()], |e| e.events.clone()),
        endpoint: primary,
    })
}

/// Webhook settings
///
/// The guide's single view: the master switch, and the URL and events of
/// the main endpoint.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/settings",
    operation_id = "get_webhook_settings",
    tag = "webhooks",
    security(("admin_token" = [])),
    responses((status = 200, description = "The settings.", body = WebhookSettings))
)]
async fn get_settings(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
) -> Result<axum::Json<WebhookSettings>> {
    Ok(axum::Json(settings_view(&state, &account.id).await?))
}

/// Save the webhook settings
///
/// Creates, updates or (without `url`) deletes the main endpoint, and sets
/// the master switch.
#[utoipa::path(
    put,
    path = "/api/v1/webhooks/settings",
    operation_id = "put_webhook_settings",
    tag = "webhooks",
    security(("admin_token" = [])),
    request_body = SettingsInput,
    responses(
        (status = 200, description = "The settings, as saved.", body = WebhookSettings),
        (status = 422, description = "`validation_failed`: a `url` that is not allowed, an unknown \
            event type (`events[i]`), or `enabled` without an endpoint.", body = ErrorBody),
    )
)]
async fn put_settings(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<SettingsInput>,
) -> Result<axum::Json<WebhookSettings>> {
    let events = check_events(input.events.unwrap_or_else(|| vec!["*".into()]))?;
    let url = input
        .url
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    let primary = state.store.primary_endpoint(&account.id).await?;
    match (url, primary) {
        (Some(url), primary) => {
            let url = check_url(&state, &url).await?;
            let fields = |existing: Option<&Endpoint>| EndpointFields {
                url: url.clone(),
                description: existing.map_or_else(
                    || "Set in Webhooks settings".into(),
                    |e| e.description.clone(),
                ),
                events: events.clone(),
                enabled: true,
                timeout_ms: existing.map_or(DEFAULT_TIMEOUT_MS, |e| e.timeout_ms),
            };
            match primary {
                Some(existing) => {
                    state
                        .store
                        .update_endpoint(&account.id, &existing.id, &fields(Some(&existing)))
                        .await?;
                }
                None => {
                    state
                        .store
                        .create_endpoint(&account.id, &fields(None), true)
                        .await?;
                }
            }
        }
        (None, Some(existing)) => {
            state
                .store
                .delete_endpoint(&account.id, &existing.id)
                .await?;
        }
        (None, None) => {}
    }
    if input.enabled && state.store.list_endpoints(&account.id).await?.is_empty() {
        return Err(Error::invalid(
            "url",
            "An endpoint URL is needed to enable webhooks.",
        ));
    }
    state
        .store
        .set_webhooks_enabled(&account.id, input.enabled)
        .await?;
    Ok(axum::Json(settings_view(&state, &account.id).await?))
}

// ---- endpoints --------------------------------------------------------------

const DEFAULT_TIMEOUT_MS: i64 = 2000;
const MAX_TIMEOUT_MS: i64 = 15_000;

/// An endpoint's fields. Creating needs `url`; an update changes only the
/// fields given.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EndpointInput {
    /// `https`, not resolving to a private address.
    url: Option<String>,
    /// Up to 200 characters.
    description: Option<String>,
    /// Event types to send, or `["*"]` (the default) for all.
    #[schema(schema_with = events::optional_filter_schema)]
    events: Option<Vec<String>>,
    /// Default true. Enabling clears the reason the server disabled it.
    enabled: Option<bool>,
    /// How long an attempt may take, 100 to 15000 ms; default 2000.
    timeout_ms: Option<i64>,
}

/// Every endpoint of the account (not paged).
#[derive(Debug, Serialize, ToSchema)]
struct EndpointList {
    data: Vec<Endpoint>,
}

/// Merges input over the current fields (none when creating) and validates.
async fn endpoint_fields(
    state: &AppState,
    input: EndpointInput,
    current: Option<&Endpoint>,
) -> Result<EndpointFields> {
    let url = match (input.url, current) {
        (Some(url), _) => check_url(state, url.trim()).await?,
        (None, Some(current)) => current.url.clone(),
        (None, None) => return Err(Error::invalid("url", "is required")),
    };
    let description = input
        .description
        .or_else(|| current.map(|c| c.description.clone()))
        .unwrap_or_default();
    crate::campaigns::check_text("description", &description, 0, 200)?;
    let events = match (input.events, current) {
        (Some(events), _) => check_events(events)?,
        (None, Some(current)) => current.events.clone(),
        (None, None) => vec!["*".to_owned()],
    };
    let timeout_ms = input
        .timeout_ms
        .or(current.map(|c| c.timeout_ms))
        .unwrap_or(DEFAULT_TIMEOUT_MS);
    if !(100..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
        return Err(Error::invalid(
            "timeout_ms",
            format!("must be between 100 and {MAX_TIMEOUT_MS}"),
        ));
    }
    Ok(EndpointFields {
        url,
        description,
        events,
        enabled: input.enabled.or(current.map(|c| c.enabled)).unwrap_or(true),
        timeout_ms,
    })
}

async fn check_url(state: &AppState, url: &str) -> Result<String> {
    let parsed = ssrf::check_url(url, state.allow_private_endpoints)
        .map_err(|m| Error::invalid("url", m))?;
    ssrf::check_resolves(&parsed, state.allow_private_endpoints)
        .await
        .map_err(|m| Error::invalid("url", format!("is not allowed: {m}")))?;
    Ok(url.to_owned())
}

fn check_events(events: Vec<String>) -> Result<Vec<String>> {
    if events.is_empty() {
        return Err(Error::invalid(
            "events",
            "choose at least one event type, or \"*\" for all",
        ));
    }
    for (i, event) in events.iter().enumerate() {
        if event != "*" && EventType::parse(event).is_none() {
            let known = EventType::ALL.map(EventType::as_str).join(", ");
            return Err(Error::invalid(
                format!("events[{i}]"),
                format!("unknown event type {event:?}; known: {known}"),
            ));
        }
    }
    if events.iter().any(|e| e == "*") {
        return Ok(vec!["*".to_owned()]);
    }
    Ok(events)
}

fn endpoint_not_found(id: &str) -> Error {
    Error::not_found(
        "endpoint_not_found",
        format!("No webhook endpoint has the id {id:?}."),
    )
}

/// List endpoints
///
/// Every endpoint of the account, by id; not paged.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/endpoints",
    operation_id = "list_webhook_endpoints",
    tag = "webhooks",
    security(("admin_token" = [])),
    responses((status = 200, description = "The endpoints.", body = EndpointList))
)]
async fn list_endpoints(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
) -> Result<axum::Json<EndpointList>> {
    Ok(axum::Json(EndpointList {
        data: state.store.list_endpoints(&account.id).await?,
    }))
}

/// Create an endpoint
///
/// With a new signing secret.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/endpoints",
    operation_id = "create_webhook_endpoint",
    tag = "webhooks",
    security(("admin_token" = [])),
    request_body = EndpointInput,
    responses(
        (status = 201, description = "The endpoint.", body = Endpoint),
        (status = 422, description = "`validation_failed`: no `url`, a `url` that is not allowed, an \
            unknown event type, or a `timeout_ms` or `description` out of range.", body = ErrorBody),
    )
)]
async fn create_endpoint(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<EndpointInput>,
) -> Result<impl IntoResponse> {
    let fields = endpoint_fields(&state, input, None).await?;
    let endpoint = state
        .store
        .create_endpoint(&account.id, &fields, false)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(endpoint)))
}

/// Read an endpoint
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/endpoints/{id}",
    operation_id = "get_webhook_endpoint",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`.")),
    responses(
        (status = 200, description = "The endpoint.", body = Endpoint),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
    )
)]
async fn get_endpoint(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<axum::Json<Endpoint>> {
    let endpoint = state
        .store
        .endpoint(&account.id, &id)
        .await?
        .ok_or_else(|| endpoint_not_found(&id))?;
    Ok(axum::Json(endpoint))
}

/// Update an endpoint
///
/// Only the fields given change.
#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/endpoints/{id}",
    operation_id = "update_webhook_endpoint",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`.")),
    request_body = EndpointInput,
    responses(
        (status = 200, description = "The endpoint, as saved.", body = Endpoint),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
        (status = 422, description = "`validation_failed`: a `url` that is not allowed, an unknown \
            event type, or a `timeout_ms` or `description` out of range.", body = ErrorBody),
    )
)]
async fn update_endpoint(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    Json(input): Json<EndpointInput>,
) -> Result<axum::Json<Endpoint>> {
    let current = state
        .store
        .endpoint(&account.id, &id)
        .await?
        .ok_or_else(|| endpoint_not_found(&id))?;
    let fields = endpoint_fields(&state, input, Some(&current)).await?;
    let endpoint = state
        .store
        .update_endpoint(&account.id, &id, &fields)
        .await?
        .ok_or_else(|| endpoint_not_found(&id))?;
    Ok(axum::Json(endpoint))
}

/// Delete an endpoint
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/endpoints/{id}",
    operation_id = "delete_webhook_endpoint",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
    )
)]
async fn delete_endpoint(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    if state.store.delete_endpoint(&account.id, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(endpoint_not_found(&id))
    }
}

/// Rotate an endpoint's secret
///
/// A new signing secret; the old one keeps signing beside it (a second
/// signature) for 24 hours, while receivers switch.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/endpoints/{id}/rotate-secret",
    operation_id = "rotate_webhook_secret",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`.")),
    responses(
        (status = 200, description = "The endpoint with its new secret.", body = Endpoint),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
    )
)]
async fn rotate_secret(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<axum::Json<Endpoint>> {
    let endpoint = state
        .store
        .rotate_secret(&account.id, &id, ROTATION_OVERLAP_MS)
        .await?
        .ok_or_else(|| endpoint_not_found(&id))?;
    Ok(axum::Json(endpoint))
}

// ---- the test event ---------------------------------------------------------

/// Which endpoint to test; the body may also be empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WebhookTestInput)]
struct TestInput {
    /// Default: the main endpoint, else the first.
    endpoint_id: Option<String>,
}

/// How the test event's first attempt went.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WebhookTestResult)]
struct TestResult {
    event_id: String,
    /// Null if the endpoint does not subscribe to `webhook.test`.
    #[schema(required = true)]
    delivery_id: Option<String>,
    endpoint_id: String,
    /// A 2xx answer came.
    succeeded: bool,
    /// The endpoint's HTTP status, if it answered.
    #[schema(required = true)]
    response_status: Option<u16>,
    #[schema(required = true)]
    duration_ms: Option<i64>,
    /// Why the attempt failed: a timeout, a connection error.
    #[schema(required = true)]
    error: Option<String>,
}

/// Send a test event
///
/// Sends a `webhook.test` event to one endpoint now and answers with how
/// the attempt went (later retries follow the usual schedule).
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/test",
    operation_id = "send_webhook_test",
    tag = "webhooks",
    security(("admin_token" = [])),
    request_body(content = Option<TestInput>, content_type = "application/json",
        description = "Optional: an empty body tests the main endpoint."),
    responses(
        (status = 200, description = "The attempt's result, failed or not.", body = TestResult),
        (status = 404, description = "`endpoint_not_found`: no such endpoint, or none at all.", body = ErrorBody),
        (status = 409, description = "`webhooks_disabled` (the master switch is off) or \
            `endpoint_disabled`.", body = ErrorBody),
    )
)]
async fn send_test(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    body: axum::body::Bytes,
) -> Result<axum::Json<TestResult>> {
    let input: TestInput = if body.iter().all(u8::is_ascii_whitespace) {
        TestInput::default()
    } else {
        super::extract::parse_json(&body)?
    };
    let endpoint = match input.endpoint_id {
        Some(id) => state
            .store
            .endpoint(&account.id, &id)
            .await?
            .ok_or_else(|| endpoint_not_found(&id))?,
        None => match state.store.primary_endpoint(&account.id).await? {
            Some(endpoint) => endpoint,
            None => state
                .store
                .list_endpoints(&account.id)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| {
                    Error::not_found(
                        "endpoint_not_found",
                        "There is no webhook endpoint to test: set one up first.",
                    )
                })?,
        },
    };
    if !state.store.webhooks_enabled(&account.id).await? {
        return Err(Error::State {
            code: "webhooks_disabled",
            message: "Webhooks are disabled: turn on Enable Webhooks to send a test event.".into(),
        });
    }
    if !endpoint.enabled {
        return Err(Error::State {
            code: "endpoint_disabled",
            message: format!(
                "The endpoint is disabled{}: enable it to send a test event.",
                endpoint
                    .disabled_reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
        });
    }
    let mut tx = state.store.pool().begin().await?;
    let event = events::record_for(
        &mut tx,
        &account.id,
        EventType::WebhookTest,
        json!({
            "account": {"id": account.id, "name": account.name},
            "endpoint": {"id": endpoint.id, "url": endpoint.url},
            "message": "This is a test event from Adact.",
        }),
        Some(&endpoint.id),
    )
    .await?;
    tx.commit().await?;
    let delivery_id = state.store.delivery_id_for(&event.id, &endpoint.id).await?;
    let completion = match &delivery_id {
        Some(id) => state.webhooks.deliver_now(id).await?,
        None => None,
    };
    let (status, error) = completion
        .as_ref()
        .map_or((None, None), |c| (c.status, c.error.clone()));
    Ok(axum::Json(TestResult {
        event_id: event.id,
        delivery_id,
        endpoint_id: endpoint.id,
        succeeded: status.is_some_and(|s| (200..300).contains(&s)) && error.is_none(),
        response_status: status,
        duration_ms: completion
            .as_ref()
            .and_then(|c| c.record.as_ref())
            .map(|r| r.duration_ms),
        error,
    }))
}

// ---- history ------------------------------------------------------------------

/// The history's filters, and the same paging as every list (see `Page`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HistoryQuery {
    /// `pending`, `succeeded` or `failed`.
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

fn parse_time(field: &str, value: &str) -> Result<i64> {
    let time = time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
        Error::invalid(
            field,
            format!("must be an RFC 3339 time like 2026-11-26T10:00:00Z, not {value:?}"),
        )
    })?;
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| Error::invalid(field, "is out of range"))
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
    if let Some(status) = &query.status
        && !["pending", "succeeded", "failed"].contains(&status.as_str())
    {
        return Err(Error::invalid(
            "status",
            "must be pending, succeeded or failed",
        ));
    }
    if let Some(t) = &query.event_type
        && EventType::parse(t).is_none()
    {
        return Err(Error::invalid(
            "event_type",
            format!("unknown event type {t:?}"),
        ));
    }
    // The same paging as every other list of the API.
    let page = Page {
        limit: query.limit,
        after: query.after,
    };
    let limit = page.limit()?;
    let filter = DeliveryFilter {
        status: query.status,
        event_type: query.event_type,
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
    let data = state.store.list_deliveries(&account.id, &filter).await?;
    let full = i64::try_from(data.len()).is_ok_and(|n| n == limit);
    Ok(axum::Json(page.wrap(data, full)))
}

fn delivery_not_found(id: &str) -> Error {
    Error::not_found(
        "delivery_not_found",
        format!("No delivery has the id {id:?}."),
    )
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
    Ok(axum::Json(delivery))
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
    if !state.store.resend_delivery(&account.id, &id).await? {
        return Err(delivery_not_found(&id));
    }
    state.webhooks.wake();
    let delivery = state
        .store
        .delivery(&account.id, &id)
        .await?
        .ok_or_else(|| delivery_not_found(&id))?;
    Ok((StatusCode::ACCEPTED, axum::Json(delivery)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ResendFailedInput {
    /// Failed deliveries created at or after this time (RFC 3339).
    #[schema(format = DateTime)]
    since: String,
}

/// How many deliveries were queued again.
#[derive(Debug, Serialize, ToSchema)]
struct Requeued {
    queued: u64,
}

/// Resend failed deliveries
///
/// Queues every failed delivery created since a time again.
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
    let queued = state.store.resend_failed(&account.id, since).await?;
    state.webhooks.wake();
    Ok((StatusCode::ACCEPTED, axum::Json(Requeued { queued })))
}

/// Prometheus metrics. Outside the API (see `http::site`).
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse> {
    let text = state.metrics.render(&state.store).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}

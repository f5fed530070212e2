//! Webhook endpoints: each with its URL, events, switch, timeout and
//! signing secret.

use std::collections::BTreeMap;

use adact_wire::ErrorBody;
use axum::{extract::State, http::StatusCode, response::IntoResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use utoipa_axum::routes;

use crate::{
    app::webhooks,
    http::{
        AppState,
        error::Result,
        etag::{IfMatch, Tagged},
        extract::{AdminAccount, Json, Path},
        openapi::ApiRouter,
    },
};
use adact_domain::{
    self,
    time::rfc3339,
    webhook::{EndpointChanges, hidden},
};

pub(super) fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(list_endpoints, create_endpoint))
        .routes(routes!(get_endpoint, update_endpoint, delete_endpoint))
        .routes(routes!(rotate_secret))
        .routes(routes!(recover))
}

/// An endpoint as the admin API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub description: String,
    /// Subscribed event types; `["*"]` for all.
    #[schema(schema_with = super::filter_schema)]
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why the server disabled it (410 Gone, days of failures), if it did.
    #[schema(required = true)]
    pub disabled_reason: Option<String>,
    /// The signing secret, `whsec_` and base64.
    pub secret: String,
    /// The endpoint's own request headers, by lowercase name, each value
    /// shown as `********`: they are sent on every attempt, and never shown
    /// again (in the delivery history either). Set or replace one by
    /// sending its value in `headers` of an update.
    #[schema(example = json!({"authorization": "********"}))]
    pub headers: BTreeMap<String, String>,
    /// How long an attempt may take, in milliseconds.
    pub timeout_ms: i64,
    /// Whether one player's events are delivered strictly one after
    /// another, in `sequence` order: a delivery waits while an earlier one
    /// of the same player to this endpoint is pending (waiting for its
    /// first attempt or a retry, or being sent). Events without a player
    /// (`segment.*`) are ordered among themselves the same way. A delivery
    /// that failed for good or was skipped holds nothing back. The test
    /// event is never held back. Changing it applies to events recorded
    /// after the change.
    pub ordered: bool,
    /// When the current run of failures began, if it is failing.
    #[schema(required = true, format = DateTime)]
    pub failing_since: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<adact_domain::webhook::Endpoint> for Endpoint {
    fn from(e: adact_domain::webhook::Endpoint) -> Self {
        Self {
            id: e.id,
            url: e.url,
            description: e.description,
            events: e.events,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            secret: e.secret,
            headers: hidden(&e.headers),
            timeout_ms: e.timeout_ms,
            ordered: e.ordered,
            failing_since: e.failing_since.map(rfc3339),
            created_at: rfc3339(e.created_at),
            updated_at: rfc3339(e.updated_at),
        }
    }
}

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
    #[schema(schema_with = super::optional_filter_schema)]
    events: Option<Vec<String>>,
    /// Default true. Enabling clears the reason the server disabled it.
    enabled: Option<bool>,
    /// How long an attempt may take, 100 to 15000 ms; default 2000.
    timeout_ms: Option<i64>,
    /// Request headers of the endpoint's own, sent on every attempt (e.g.
    /// `Authorization` for a receiver behind a gateway): a value sets or
    /// replaces the header, `null` removes it, and headers not named stay.
    /// Names are case-insensitive HTTP tokens; `webhook-*`, `content-type`,
    /// `content-length`, `user-agent`, `host` and the connection's headers
    /// are Adact's. Values are printable ASCII. At most 20 headers and 8192
    /// bytes of names and values. Never shown again: the endpoint shows
    /// each as `********`, which is refused as a value.
    #[schema(example = json!({"Authorization": "Bearer 3f9c...", "X-Old-Key": null}))]
    headers: Option<BTreeMap<String, Option<String>>>,
    /// Default false: deliveries go out as fast as they can, in any order
    /// (a retry may arrive after later events). True: each player's events
    /// are delivered one after another, in `sequence` order, the next
    /// waiting until the one before it succeeded (or failed for good). See
    /// `ordered` of the endpoint.
    ordered: Option<bool>,
}

/// Every endpoint of the account (not paged).
#[derive(Debug, Serialize, ToSchema)]
struct EndpointList {
    data: Vec<Endpoint>,
}

impl From<EndpointInput> for EndpointChanges {
    fn from(input: EndpointInput) -> Self {
        Self {
            url: input.url,
            description: input.description,
            events: input.events,
            enabled: input.enabled,
            timeout_ms: input.timeout_ms,
            headers: input.headers,
            ordered: input.ordered,
        }
    }
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
    let endpoints = state.store.list_endpoints(&account.id).await?;
    Ok(axum::Json(EndpointList {
        data: endpoints.into_iter().map(Endpoint::from).collect(),
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
        (status = 201, description = "The endpoint.", body = Endpoint,
            headers(("ETag" = String, description = "The endpoint's entity tag, for `If-Match`."))),
        (status = 422, description = "`validation_failed`: no `url`, a `url` that is not allowed, an \
            unknown event type, a `timeout_ms` or `description` out of range, or a header that is \
            not allowed (`headers.<name>`, or `headers` over the limits).", body = ErrorBody),
    )
)]
async fn create_endpoint(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<EndpointInput>,
) -> Result<impl IntoResponse> {
    let endpoint = webhooks::create_endpoint(
        &state.store,
        &account.id,
        input.into(),
        state.allow_private_endpoints,
    )
    .await?;
    Ok((StatusCode::CREATED, tagged(endpoint)))
}

/// Read an endpoint
///
/// With its `ETag`, an entity tag of everything an edit or a rotation
/// changes, and of whether the server disabled it: send it back as
/// `If-Match` so that an edit is refused if the endpoint changed meanwhile.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/endpoints/{id}",
    operation_id = "get_webhook_endpoint",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`.")),
    responses(
        (status = 200, description = "The endpoint.", body = Endpoint,
            headers(("ETag" = String, description = "The endpoint's entity tag, for `If-Match`."))),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
    )
)]
async fn get_endpoint(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<Tagged<axum::Json<Endpoint>>> {
    let endpoint = webhooks::endpoint(&state.store, &account.id, &id).await?;
    Ok(tagged(endpoint))
}

/// Update an endpoint
///
/// Only the fields given change; in `headers`, only the headers named.
/// With `If-Match`, only if the endpoint did not change since that `ETag`
/// was read.
#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/endpoints/{id}",
    operation_id = "update_webhook_endpoint",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`."), IfMatch),
    request_body = EndpointInput,
    responses(
        (status = 200, description = "The endpoint, as saved.", body = Endpoint,
            headers(("ETag" = String, description = "The endpoint's new entity tag."))),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
        (status = 422, description = "`validation_failed`: a `url` that is not allowed, an unknown \
            event type, a `timeout_ms` or `description` out of range, or a header that is not \
            allowed (`headers.<name>`, or `headers` over the limits).", body = ErrorBody),
    )
)]
async fn update_endpoint(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    IfMatch(precondition): IfMatch,
    Json(input): Json<EndpointInput>,
) -> Result<Tagged<axum::Json<Endpoint>>> {
    let endpoint = webhooks::update_endpoint(
        &state.store,
        &account.id,
        &id,
        input.into(),
        state.allow_private_endpoints,
        precondition,
    )
    .await?;
    Ok(tagged(endpoint))
}

/// Delete an endpoint
///
/// With `If-Match`, only if the endpoint did not change since that `ETag`
/// was read.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/endpoints/{id}",
    operation_id = "delete_webhook_endpoint",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`."), IfMatch),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
    )
)]
async fn delete_endpoint(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    IfMatch(precondition): IfMatch,
) -> Result<StatusCode> {
    webhooks::delete_endpoint(&state.store, &account.id, &id, precondition).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rotate an endpoint's secret
///
/// A new signing secret. The one it replaces keeps signing beside it (a
/// second signature, space-separated) for 24 hours while receivers switch,
/// as does every secret replaced less than 24 hours ago.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/endpoints/{id}/rotate-secret",
    operation_id = "rotate_webhook_secret",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`.")),
    responses(
        (status = 200, description = "The endpoint with its new secret.", body = Endpoint,
            headers(("ETag" = String, description = "The endpoint's new entity tag."))),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
    )
)]
async fn rotate_secret(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<Tagged<axum::Json<Endpoint>>> {
    let endpoint = webhooks::rotate_secret(&state.store, &account.id, &id).await?;
    Ok(tagged(endpoint))
}

/// The endpoint as the admin API shows it, with its entity tag.
fn tagged(endpoint: adact_domain::webhook::Endpoint) -> Tagged<axum::Json<Endpoint>> {
    Tagged(endpoint.etag(), axum::Json(endpoint.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RecoverInput {
    /// Recover deliveries created at or after this time (RFC 3339): not in
    /// the future, and within the delivery history kept
    /// (`ADACT_WEBHOOK_RETENTION`, 30 days by default).
    #[schema(format = DateTime)]
    since: String,
}

/// How many skipped deliveries were queued to be sent now.
#[derive(Debug, Serialize, ToSchema)]
struct Recovered {
    queued: u64,
}

/// Recover skipped events
///
/// Events recorded while webhooks were off (Enable Webhooks) or while this
/// endpoint was disabled (by an admin, after a 410, or after days of
/// failures) are kept as `skipped` deliveries. This queues the endpoint's
/// skipped deliveries created since a time to be sent now, oldest first on
/// an ordered endpoint, each with a fresh retry schedule. Webhooks and the
/// endpoint must be on again first.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/endpoints/{id}/recover",
    operation_id = "recover_webhook_endpoint",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The endpoint's id, `ep_...`.")),
    request_body = RecoverInput,
    responses(
        (status = 202, description = "Queued.", body = Recovered),
        (status = 404, description = "`endpoint_not_found`.", body = ErrorBody),
        (status = 409, description = "`webhooks_disabled` (Enable Webhooks is off) or \
            `endpoint_disabled`: turn it on first, or the events would be skipped again.", body = ErrorBody),
        (status = 422, description = "`validation_failed`: `since` is missing, not RFC 3339, in the \
            future, or older than the delivery history kept.", body = ErrorBody),
    )
)]
async fn recover(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    Json(input): Json<RecoverInput>,
) -> Result<impl IntoResponse> {
    let since = super::deliveries::parse_time("since", &input.since)?;
    let queued = webhooks::recover(
        &state.store,
        &*state.webhooks,
        &account.id,
        &id,
        since,
        state.webhook_retention,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(Recovered { queued })))
}

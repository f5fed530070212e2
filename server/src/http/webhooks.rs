//! The admin API of webhooks: the guide's settings view, endpoints, the test
//! event, and the delivery history with resend. Plus `/metrics`.

use axum::{
    Router,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    AppState, Page,
    extract::{AdminAccount, Json, Path, Query},
};
use crate::{
    error::{Error, Result},
    events::{self, EventType},
    store::webhooks::{DeliveryFilter, Endpoint, EndpointFields},
    webhooks::ssrf,
};

/// How long the previous secret keeps signing after a rotation.
const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/webhooks/settings",
            get(get_settings).put(put_settings),
        )
        .route(
            "/api/v1/webhooks/endpoints",
            get(list_endpoints).post(create_endpoint),
        )
        .route(
            "/api/v1/webhooks/endpoints/{id}",
            get(get_endpoint)
                .patch(update_endpoint)
                .delete(delete_endpoint),
        )
        .route(
            "/api/v1/webhooks/endpoints/{id}/rotate-secret",
            post(rotate_secret),
        )
        .route("/api/v1/webhooks/test", post(send_test))
        .route("/api/v1/webhooks/deliveries", get(list_deliveries))
        .route(
            "/api/v1/webhooks/deliveries/resend-failed",
            post(resend_failed),
        )
        .route("/api/v1/webhooks/deliveries/{id}", get(get_delivery))
        .route("/api/v1/webhooks/deliveries/{id}/resend", post(resend))
        .route("/metrics", get(metrics))
}

// ---- settings: the guide's single view -------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsInput {
    enabled: bool,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    events: Option<Vec<String>>,
}

async fn settings_view(state: &AppState, account_id: &str) -> Result<Value> {
    let enabled = state.store.webhooks_enabled(account_id).await?;
    let primary = state.store.primary_endpoint(account_id).await?;
    Ok(json!({
        "enabled": enabled,
        "url": primary.as_ref().map(|e| e.url.clone()),
        "events": primary.as_ref().map_or_else(|| vec!["*".to_owned()], |e| e.events.clone()),
        "endpoint": primary,
    }))
}

async fn get_settings(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
) -> Result<axum::Json<Value>> {
    Ok(axum::Json(settings_view(&state, &account.id).await?))
}

async fn put_settings(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<SettingsInput>,
) -> Result<axum::Json<Value>> {
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointInput {
    url: Option<String>,
    description: Option<String>,
    events: Option<Vec<String>>,
    enabled: Option<bool>,
    timeout_ms: Option<i64>,
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

async fn list_endpoints(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
) -> Result<axum::Json<Value>> {
    Ok(axum::Json(
        json!({ "data": state.store.list_endpoints(&account.id).await? }),
    ))
}

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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestInput {
    endpoint_id: Option<String>,
}

/// Sends a `webhook.test` event to one endpoint now and answers with how the
/// attempt went (later retries follow the usual schedule).
async fn send_test(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    body: axum::body::Bytes,
) -> Result<axum::Json<Value>> {
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
    Ok(axum::Json(json!({
        "event_id": event.id,
        "delivery_id": delivery_id,
        "endpoint_id": endpoint.id,
        "succeeded": status.is_some_and(|s| (200..300).contains(&s)) && error.is_none(),
        "response_status": status,
        "duration_ms": completion.as_ref().and_then(|c| c.record.as_ref()).map(|r| r.duration_ms),
        "error": error,
    })))
}

// ---- history ------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryQuery {
    status: Option<String>,
    event_type: Option<String>,
    endpoint_id: Option<String>,
    since: Option<String>,
    until: Option<String>,
    after: Option<String>,
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

async fn list_deliveries(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Query(query): Query<HistoryQuery>,
) -> Result<axum::Json<Value>> {
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

async fn get_delivery(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>> {
    let delivery = state
        .store
        .delivery(&account.id, &id)
        .await?
        .ok_or_else(|| delivery_not_found(&id))?;
    Ok(axum::Json(delivery))
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendFailedInput {
    since: String,
}

async fn resend_failed(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<ResendFailedInput>,
) -> Result<impl IntoResponse> {
    let since = parse_time("since", &input.since)?;
    let queued = state.store.resend_failed(&account.id, since).await?;
    state.webhooks.wake();
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({ "queued": queued })),
    ))
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse> {
    let text = state.metrics.render(&state.store).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}

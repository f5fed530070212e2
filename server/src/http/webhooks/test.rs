//! The test event: sent to one endpoint now, answered with how it went.

use adact_wire::ErrorBody;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use utoipa_axum::routes;

use crate::{
    app::webhooks,
    http::{
        AppState,
        error::Result,
        extract::{AdminAccount, Json},
        openapi::ApiRouter,
    },
};

pub(super) fn router() -> ApiRouter {
    ApiRouter::new().routes(routes!(send_test))
}

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
    Json(input): Json<Option<TestInput>>,
) -> Result<axum::Json<TestResult>> {
    let input = input.unwrap_or_default();
    let webhooks::TestSent {
        endpoint,
        event,
        delivery_id,
        completion,
    } = webhooks::send_test(
        &state.store,
        &*state.webhooks,
        &account,
        input.endpoint_id.as_deref(),
    )
    .await?;
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

//! The guide's single view of webhooks: the master switch and the main
//! endpoint's URL and events.

use adact_wire::ErrorBody;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::endpoints::Endpoint;
use utoipa_axum::routes;

use crate::{
    app::webhooks,
    http::{
        AppState,
        error::Result,
        etag::{IfMatch, Tagged},
        extract::{AdminAccount, Json},
        openapi::ApiRouter,
    },
};

pub(super) fn router() -> ApiRouter {
    ApiRouter::new().routes(routes!(get_settings, put_settings))
}

/// The settings to save. The switch alone (`{"enabled": false}`) changes
/// nothing else: the main endpoint and its secret stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WebhookSettingsInput)]
struct SettingsInput {
    /// The master switch: while off, nothing is queued or sent; endpoints
    /// and their secrets are kept. Turning it on needs an endpoint.
    enabled: bool,
    /// The main endpoint's URL: `https`, not resolving to a private
    /// address. Saving it creates the main endpoint, or changes its URL and
    /// turns it on. Absent or null: unchanged. Not empty: to remove the
    /// main endpoint, delete it.
    #[serde(default)]
    url: Option<String>,
    /// Event types to send, or `["*"]` for all. Absent: unchanged (all, for
    /// a new main endpoint).
    #[serde(default)]
    #[schema(schema_with = super::optional_filter_schema)]
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
    #[schema(schema_with = super::filter_schema)]
    events: Vec<String>,
    /// The main endpoint, if there is one.
    #[schema(required = true)]
    endpoint: Option<Endpoint>,
}

impl From<adact_domain::webhook::Settings> for WebhookSettings {
    fn from(settings: adact_domain::webhook::Settings) -> Self {
        let primary = settings.primary.map(Endpoint::from);
        Self {
            enabled: settings.enabled,
            url: primary.as_ref().map(|e| e.url.clone()),
            events: primary
                .as_ref()
                .map_or_else(|| vec!["*".to_owned()], |e| e.events.clone()),
            endpoint: primary,
        }
    }
}

/// Webhook settings
///
/// The guide's single view: the master switch, and the URL and events of
/// the main endpoint. With an `ETag` of what saving them sets (the switch,
/// and the main endpoint's URL, events and whether it is on): send it back
/// as `If-Match` so that a save is refused if someone else saved them
/// meanwhile.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/settings",
    operation_id = "get_webhook_settings",
    tag = "webhooks",
    security(("admin_token" = [])),
    responses((status = 200, description = "The settings.", body = WebhookSettings,
        headers(("ETag" = String, description = "The settings' entity tag, for `If-Match`."))))
)]
async fn get_settings(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
) -> Result<Tagged<axum::Json<WebhookSettings>>> {
    Ok(tagged(webhooks::settings(&state.store, &account.id).await?))
}

/// Save the webhook settings
///
/// Sets the master switch, and creates or updates the main endpoint with the
/// `url` and `events` given. The switch never deletes an endpoint or a
/// secret: turned off and on again, the main endpoint signs with the same
/// secret. With `If-Match`, only if nobody saved the settings since that
/// `ETag` was read.
#[utoipa::path(
    put,
    path = "/api/v1/webhooks/settings",
    operation_id = "put_webhook_settings",
    tag = "webhooks",
    security(("admin_token" = [])),
    params(IfMatch),
    request_body = SettingsInput,
    responses(
        (status = 200, description = "The settings, as saved.", body = WebhookSettings,
            headers(("ETag" = String, description = "The settings' new entity tag."))),
        (status = 422, description = "`validation_failed`: a `url` that is empty or not allowed, an \
            unknown event type (`events[i]`), or `enabled` without an endpoint.", body = ErrorBody),
    )
)]
async fn put_settings(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    IfMatch(precondition): IfMatch,
    Json(input): Json<SettingsInput>,
) -> Result<Tagged<axum::Json<WebhookSettings>>> {
    let settings = webhooks::save_settings(
        &state.store,
        &account.id,
        input.enabled,
        input.url,
        input.events,
        state.allow_private_endpoints,
        precondition,
    )
    .await?;
    Ok(tagged(settings))
}

/// The settings as the admin API shows them, with their entity tag.
fn tagged(settings: adact_domain::webhook::Settings) -> Tagged<axum::Json<WebhookSettings>> {
    Tagged(settings.etag(), axum::Json(settings.into()))
}

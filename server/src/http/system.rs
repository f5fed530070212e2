//! Health, metrics, and the caller's own account.

use adact_wire::ErrorBody;
use axum::{extract::State, http::header, response::IntoResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{
    AppState,
    error::Result,
    extract::{AdminAccount, Json},
    openapi::ApiRouter,
};
use crate::{app::accounts, worker::metrics};

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(account))
        .routes(routes!(allowed_domains, set_allowed_domains))
}

/// Ready when the database answers. Outside the API (see `http::site`).
pub async fn healthz(State(state): State<AppState>) -> Result<axum::Json<Value>> {
    state.store.ping().await?;
    Ok(axum::Json(json!({"status": "ok"})))
}

/// Prometheus metrics. Outside the API (see `http::site`).
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse> {
    let text = state.metrics.render(&state.store).await?;
    Ok(([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text))
}

/// The account the admin token belongs to.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Account)]
struct AccountBody {
    id: String,
    name: String,
    /// The public key of the embed's script tag, `pk_...`.
    embed_key: String,
    /// The pages that may use the embed key; empty: any page.
    allowed_domains: Vec<String>,
}

/// The account
///
/// The account the admin token belongs to, with its embed key.
#[utoipa::path(
    get,
    path = "/api/v1/account",
    operation_id = "get_account",
    tag = "account",
    security(("admin_token" = [])),
    responses((status = 200, description = "The account.", body = AccountBody))
)]
async fn account(AdminAccount(account): AdminAccount) -> axum::Json<AccountBody> {
    axum::Json(AccountBody {
        id: account.id,
        name: account.name,
        embed_key: account.embed_key,
        allowed_domains: account.allowed_domains,
    })
}

/// The pages that may use the embed key, normalised:
/// `https://shop.example.com` (that origin), `shop.example.com` (that
/// host, any scheme or port), `*.example.com` (its subdomains). Empty: any
/// page. At most 100.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AllowedDomains {
    domains: Vec<String>,
}

/// Allowed domains
///
/// The pages that may use the embed key: none listed, any page may.
#[utoipa::path(
    get,
    path = "/api/v1/account/allowed-domains",
    operation_id = "get_allowed_domains",
    tag = "account",
    security(("admin_token" = [])),
    responses((status = 200, description = "The allowed domains.", body = AllowedDomains))
)]
async fn allowed_domains(AdminAccount(account): AdminAccount) -> axum::Json<AllowedDomains> {
    axum::Json(AllowedDomains {
        domains: account.allowed_domains,
    })
}

/// Set the allowed domains
///
/// Replaces the list. Pages of other origins then get 403
/// `origin_not_allowed` from the embed API.
#[utoipa::path(
    put,
    path = "/api/v1/account/allowed-domains",
    operation_id = "set_allowed_domains",
    tag = "account",
    security(("admin_token" = [])),
    request_body = AllowedDomains,
    responses(
        (status = 200, description = "The list as saved: normalised, without duplicates.", body = AllowedDomains),
        (status = 422, description = "`validation_failed`: too many domains, or one (`domains[i]`) is not a domain.", body = ErrorBody),
    )
)]
async fn set_allowed_domains(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<AllowedDomains>,
) -> Result<axum::Json<AllowedDomains>> {
    let rules = accounts::set_allowed_domains(&state.store, &account.id, &input.domains).await?;
    Ok(axum::Json(AllowedDomains { domains: rules }))
}

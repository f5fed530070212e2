//! Health and the caller's own account.

use adact_wire::ErrorBody;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{
    AppState,
    extract::{AdminAccount, Json},
    openapi::ApiRouter,
};
use crate::{
    error::{Error, Result},
    origins,
};

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(account))
        .routes(routes!(allowed_domains, set_allowed_domains))
}

/// Ready when the database answers. Outside the API (see `http::site`).
pub async fn healthz(State(state): State<AppState>) -> Result<axum::Json<Value>> {
    sqlx::query("select 1").execute(state.store.pool()).await?;
    Ok(axum::Json(json!({"status": "ok"})))
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

const MAX_DOMAINS: usize = 100;

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
    if input.domains.len() > MAX_DOMAINS {
        return Err(Error::invalid(
            "domains",
            format!("at most {MAX_DOMAINS} domains"),
        ));
    }
    let mut rules = Vec::with_capacity(input.domains.len());
    for (i, domain) in input.domains.iter().enumerate() {
        let rule =
            origins::normalise(domain).map_err(|m| Error::invalid(format!("domains[{i}]"), m))?;
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    state.store.set_allowed_domains(&account.id, &rules).await?;
    Ok(axum::Json(AllowedDomains { domains: rules }))
}

//! The caller's own account: its embed key, allowed domains, signed
//! player identity, the public API's rate limits and its settings.

use adact_wire::ErrorBody;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{
    AppState,
    error::Result,
    extract::{AdminAccount, Json},
    openapi::ApiRouter,
};
use crate::app::accounts;
use adact_domain::{
    account::Account, identity::IdentitySecrets, rate_limits::RateLimits, stats, time::rfc3339,
};

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(account))
        .routes(routes!(allowed_domains, set_allowed_domains))
        .routes(routes!(identity, set_identity))
        .routes(routes!(rotate_identity_secret))
        .routes(routes!(rate_limits, set_rate_limits, reset_rate_limits))
        .routes(routes!(settings, set_settings))
}

/// The account's settings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AccountSettings)]
struct SettingsBody {
    /// The time zone of the statistics' days, an IANA name such as
    /// `Europe/Paris`. Default `UTC`.
    time_zone: String,
}

impl From<&Account> for SettingsBody {
    fn from(account: &Account) -> Self {
        Self {
            time_zone: stats::zone_name(&account.time_zone).to_owned(),
        }
    }
}

/// Settings to change; those left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AccountSettingsChanges)]
struct SettingsChanges {
    /// An IANA time zone name, such as `Europe/Paris` or `UTC`.
    time_zone: Option<String>,
}

/// Account settings
///
/// The account's settings: the time zone its statistics' days are in.
#[utoipa::path(
    get,
    path = "/api/v1/account/settings",
    operation_id = "get_account_settings",
    tag = "account",
    security(("admin_token" = [])),
    responses((status = 200, description = "The settings.", body = SettingsBody))
)]
async fn settings(AdminAccount(account): AdminAccount) -> axum::Json<SettingsBody> {
    axum::Json(SettingsBody::from(&account))
}

/// Change account settings
///
/// Changes the settings given. A new `time_zone` applies to every day of
/// the statistics, past ones included: the counts are kept by hour.
#[utoipa::path(
    patch,
    path = "/api/v1/account/settings",
    operation_id = "update_account_settings",
    tag = "account",
    security(("admin_token" = [])),
    request_body = SettingsChanges,
    responses(
        (status = 200, description = "The settings as saved.", body = SettingsBody),
        (status = 422, description = "`validation_failed`: `time_zone` is not an IANA time zone name.", body = ErrorBody),
    )
)]
async fn set_settings(
    State(state): State<AppState>,
    AdminAccount(mut account): AdminAccount,
    Json(changes): Json<SettingsChanges>,
) -> Result<axum::Json<SettingsBody>> {
    if let Some(name) = &changes.time_zone {
        account.time_zone = accounts::set_time_zone(&state.store, &account.id, name).await?;
    }
    Ok(axum::Json(SettingsBody::from(&account)))
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

/// Signed player identity: the secret the account's backend signs
/// `userToken`s with (HS256), and whether register and play need one.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Identity)]
struct IdentityBody {
    /// The identity secret, `ids_...`. Keep it on your servers: anyone
    /// with it can sign in as any player.
    secret: String,
    /// Until when the secret replaced by the last rotation still verifies
    /// tokens (RFC 3339), if it does.
    previous_secret_expires_at: Option<String>,
    /// Register and play refuse players without a valid `userToken`
    /// (`signed_identity_required`); the render shows them a notice.
    require_signed_identity: bool,
}

impl IdentityBody {
    fn new(secrets: IdentitySecrets, require_signed_identity: bool) -> Self {
        let now = adact_domain::time::now_ms();
        Self {
            secret: secrets.current,
            previous_secret_expires_at: secrets
                .previous_expires_at
                .filter(|at| *at > now)
                .map(rfc3339),
            require_signed_identity,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct IdentityChanges {
    require_signed_identity: bool,
}

/// Signed identity
///
/// Reveals the identity secret and the signed-identity setting.
#[utoipa::path(
    get,
    path = "/api/v1/account/identity",
    operation_id = "get_identity",
    tag = "account",
    security(("admin_token" = [])),
    responses((status = 200, description = "The identity secret and setting.", body = IdentityBody))
)]
async fn identity(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
) -> Result<axum::Json<IdentityBody>> {
    let account = accounts::identity(&state.store, &account).await?;
    Ok(axum::Json(IdentityBody::new(
        account.identity,
        account.require_signed_identity,
    )))
}

/// Require signed identity
///
/// Turns "require signed identity" on or off. On: register and play
/// answer 403 `signed_identity_required` without a valid `userToken`.
#[utoipa::path(
    put,
    path = "/api/v1/account/identity",
    operation_id = "set_identity",
    tag = "account",
    security(("admin_token" = [])),
    request_body = IdentityChanges,
    responses((status = 200, description = "The identity secret and setting as saved.", body = IdentityBody))
)]
async fn set_identity(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(changes): Json<IdentityChanges>,
) -> Result<axum::Json<IdentityBody>> {
    let account = accounts::identity(&state.store, &account).await?;
    accounts::set_require_signed_identity(
        &state.store,
        &account.id,
        changes.require_signed_identity,
    )
    .await?;
    Ok(axum::Json(IdentityBody::new(
        account.identity,
        changes.require_signed_identity,
    )))
}

/// Rotate the identity secret
///
/// Makes a new identity secret. Tokens signed with the previous one are
/// accepted for 24 hours more, so backends can switch without a gap.
#[utoipa::path(
    post,
    path = "/api/v1/account/identity/rotate-secret",
    operation_id = "rotate_identity_secret",
    tag = "account",
    security(("admin_token" = [])),
    responses((status = 200, description = "The new secret.", body = IdentityBody))
)]
async fn rotate_identity_secret(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
) -> Result<axum::Json<IdentityBody>> {
    let secrets = accounts::rotate_identity_secret(&state.store, &account).await?;
    Ok(axum::Json(IdentityBody::new(
        secrets,
        account.require_signed_identity,
    )))
}

/// The public API's rate limits for the account, per minute.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AccountRateLimits)]
struct RateLimitsBody {
    /// The limits in force.
    limits: RateLimits,
    /// The server's defaults.
    defaults: RateLimits,
    /// Whether the account set its own (`limits` differ from `defaults`).
    custom: bool,
}

impl From<&Account> for RateLimitsBody {
    fn from(account: &Account) -> Self {
        Self {
            limits: account.rate_limits(),
            defaults: RateLimits::default(),
            custom: account.rate_limits.is_some(),
        }
    }
}

/// Rate limits
///
/// How many renders and steps the public API takes per minute from one
/// client address, and steps from one player, before answering 429
/// `rate_limited` with `Retry-After`. Half a minute's worth may come at once.
#[utoipa::path(
    get,
    path = "/api/v1/account/rate-limits",
    operation_id = "get_rate_limits",
    tag = "account",
    security(("admin_token" = [])),
    responses((status = 200, description = "The limits in force and the defaults.", body = RateLimitsBody))
)]
async fn rate_limits(AdminAccount(account): AdminAccount) -> axum::Json<RateLimitsBody> {
    axum::Json(RateLimitsBody::from(&account))
}

/// Set the rate limits
///
/// Sets the account's own limits (each 1 to 1,000,000 a minute), for
/// example for a page behind one office network.
#[utoipa::path(
    put,
    path = "/api/v1/account/rate-limits",
    operation_id = "set_rate_limits",
    tag = "account",
    security(("admin_token" = [])),
    request_body = RateLimits,
    responses(
        (status = 200, description = "The limits as saved.", body = RateLimitsBody),
        (status = 422, description = "`validation_failed`: a limit out of range.", body = ErrorBody),
    )
)]
async fn set_rate_limits(
    State(state): State<AppState>,
    AdminAccount(mut account): AdminAccount,
    Json(limits): Json<RateLimits>,
) -> Result<axum::Json<RateLimitsBody>> {
    accounts::set_rate_limits(&state.store, &account.id, Some(limits)).await?;
    account.rate_limits = Some(limits);
    Ok(axum::Json(RateLimitsBody::from(&account)))
}

/// Restore the default rate limits
#[utoipa::path(
    delete,
    path = "/api/v1/account/rate-limits",
    operation_id = "reset_rate_limits",
    tag = "account",
    security(("admin_token" = [])),
    responses((status = 200, description = "The defaults, now in force.", body = RateLimitsBody))
)]
async fn reset_rate_limits(
    State(state): State<AppState>,
    AdminAccount(mut account): AdminAccount,
) -> Result<axum::Json<RateLimitsBody>> {
    accounts::set_rate_limits(&state.store, &account.id, None).await?;
    account.rate_limits = None;
    Ok(axum::Json(RateLimitsBody::from(&account)))
}

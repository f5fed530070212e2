//! Health and the caller's own account.

use axum::{Router, extract::State, routing::get};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    AppState,
    extract::{AdminAccount, Json},
};
use crate::{
    error::{Error, Result},
    origins,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/account", get(account))
        .route(
            "/api/v1/account/allowed-domains",
            get(allowed_domains).put(set_allowed_domains),
        )
}

/// Ready when the database answers.
async fn healthz(State(state): State<AppState>) -> Result<axum::Json<Value>> {
    sqlx::query("select 1").execute(state.store.pool()).await?;
    Ok(axum::Json(json!({"status": "ok"})))
}

/// The account the admin token belongs to, with its embed key.
async fn account(AdminAccount(account): AdminAccount) -> axum::Json<Value> {
    axum::Json(json!({
        "id": account.id,
        "name": account.name,
        "embed_key": account.embed_key,
        "allowed_domains": account.allowed_domains,
    }))
}

/// The pages that may use the embed key: none listed, any page may.
async fn allowed_domains(AdminAccount(account): AdminAccount) -> axum::Json<Value> {
    axum::Json(json!({ "domains": account.allowed_domains }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainsInput {
    domains: Vec<String>,
}

const MAX_DOMAINS: usize = 100;

async fn set_allowed_domains(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(input): Json<DomainsInput>,
) -> Result<axum::Json<Value>> {
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
    Ok(axum::Json(json!({ "domains": rules })))
}

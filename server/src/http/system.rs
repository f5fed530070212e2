//! Health and the caller's own account.

use axum::{Router, extract::State, routing::get};
use serde_json::{Value, json};

use super::{AppState, extract::AdminAccount};
use crate::error::Result;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/account", get(account))
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
    }))
}

//! Health and metrics, outside the API (see `http::site`).

use axum::{extract::State, http::header, response::IntoResponse};
use serde_json::{Value, json};

use super::{AppState, error::Result};
use crate::metrics;

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

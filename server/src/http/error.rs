//! One error type for every HTTP handler: the domain's refusals, the
//! request's own faults, and failures. Each maps to a status and a stable
//! `code`; internal errors are logged and never shown to clients.

use adact_wire::{ErrorBody, ErrorDetail, FieldError};
use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{app, domain};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule of the domain said no: a bad field, a refusal, a conflict.
    #[error(transparent)]
    Rule(#[from] domain::Error),

    /// The request body or a parameter is malformed; the message names the field.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },

    /// The request body is larger than the server takes.
    #[error("The request body is larger than the server takes ({} MiB).", super::BODY_LIMIT >> 20)]
    PayloadTooLarge,

    /// Missing or wrong credentials.
    #[error("{0}")]
    Unauthorized(&'static str),

    /// The path exists, but not with this method.
    #[error("{0}")]
    MethodNotAllowed(String),

    /// Too many requests from this client or player; retry after the
    /// wait (sent as `Retry-After`).
    #[error("Too many requests; please try again in {} s.", retry_seconds(*retry_after))]
    RateLimited { retry_after: std::time::Duration },

    /// The server could not answer in time; the request may be retried.
    #[error("{0}")]
    Unavailable(&'static str),

    #[error(transparent)]
    Database(#[from] sqlx::Error),

    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<app::Error> for Error {
    fn from(err: app::Error) -> Self {
        match err {
            app::Error::Rule(rule) => Self::Rule(rule),
            app::Error::Database(err) => Self::Database(err),
            app::Error::Internal(err) => Self::Internal(err),
        }
    }
}

impl Error {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        domain::Error::invalid(field, message).into()
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        domain::Error::not_found(code, message).into()
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        use domain::Error as Rule;
        match self {
            Self::Rule(rule) => match rule {
                Rule::Invalid { .. } | Rule::Fields(_) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
                }
                Rule::Refused { code, .. } => (StatusCode::FORBIDDEN, code),
                Rule::Unauthorized { code, .. } => (StatusCode::UNAUTHORIZED, code),
                Rule::NotFound { code, .. } => (StatusCode::NOT_FOUND, code),
                Rule::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
                Rule::State { code, .. } => (StatusCode::CONFLICT, code),
                Rule::Changed { .. } => (StatusCode::PRECONDITION_FAILED, "precondition_failed"),
            },
            Self::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            Self::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Database(_) | Self::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
            }
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            Self::Database(err) => {
                tracing::error!(error = %err, "database error");
                "Internal server error.".to_owned()
            }
            Self::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error");
                "Internal server error.".to_owned()
            }
            other => other.to_string(),
        };
        // Field-level errors carry the field path so forms can show them
        // inline; a form's errors list every bad field.
        let (field, fields) = match &self {
            Self::Rule(domain::Error::Invalid { field, .. }) => (Some(field.clone()), None),
            Self::Rule(domain::Error::Conflict { field, .. }) => (Some((*field).to_owned()), None),
            Self::Rule(domain::Error::Fields(fields)) => (
                fields.first().map(|(field, _)| field.clone()),
                Some(
                    fields
                        .iter()
                        .map(|(field, message)| FieldError {
                            field: field.clone(),
                            message: message.clone(),
                        })
                        .collect(),
                ),
            ),
            _ => (None, None),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                field,
                fields,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Self::RateLimited { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_seconds(retry_after).into());
        }
        response
    }
}

/// Whole seconds, rounded up and at least one: a client that waits that
/// long gets in.
fn retry_seconds(wait: std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    async fn render(err: Error) -> (StatusCode, serde_json::Value) {
        let response = err.into_response();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn internal_errors_hide_their_cause() {
        let (status, body) = render(Error::Internal(anyhow::anyhow!("disk on fire"))).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal_error");
        assert!(!body.to_string().contains("disk on fire"));
    }

    #[tokio::test]
    async fn validation_errors_name_the_field() {
        let (status, body) = render(Error::invalid(
            "theme.primary",
            "must be a colour like #1a2b3c",
        ))
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["field"], "theme.primary");
        assert_eq!(
            body["error"]["message"],
            "theme.primary: must be a colour like #1a2b3c"
        );
    }
}

//! One error type for every HTTP handler. Each variant maps to a status and
//! a stable `code`; internal errors are logged and never shown to clients.

use adact_wire::{ErrorBody, ErrorDetail, FieldError};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request body or a parameter is malformed; the message names the field.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },

    /// A field failed validation; `field` is its path, e.g. `theme.primary`.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },

    /// Several fields failed validation (a registration form): each with
    /// its path and a message for the player.
    #[error("Please check the highlighted fields.")]
    Fields(Vec<(String, String)>),

    /// The request is understood but not allowed now: a play limit, the
    /// campaign's schedule, a step out of order.
    #[error("{message}")]
    Refused { code: &'static str, message: String },

    /// Missing or wrong credentials.
    #[error("{0}")]
    Unauthorized(&'static str),

    /// The thing asked for does not exist (or is not this account's).
    #[error("{message}")]
    NotFound { code: &'static str, message: String },

    /// The request is valid but the thing is not in a state that allows it.
    #[error("{message}")]
    State { code: &'static str, message: String },

    /// The path exists, but not with this method.
    #[error("{0}")]
    MethodNotAllowed(String),

    /// The server could not answer in time; the request may be retried.
    #[error("{0}")]
    Unavailable(&'static str),

    /// A unique value is already taken; `field` names it.
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },

    #[error(transparent)]
    Database(#[from] sqlx::Error),

    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
        }
    }

    /// The same error with its field path inside `prefix`, as the request
    /// body nests it: `texts.title` within `definition` is
    /// `definition.texts.title`.
    #[must_use]
    pub fn within(self, prefix: &str) -> Self {
        match self {
            Self::Invalid { field, message } => Self::Invalid {
                field: format!("{prefix}.{field}"),
                message,
            },
            other => other,
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            Self::Invalid { .. } | Self::Fields(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            }
            Self::Refused { code, .. } => (StatusCode::FORBIDDEN, code),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::NotFound { code, .. } => (StatusCode::NOT_FOUND, code),
            Self::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
            Self::State { code, .. } => (StatusCode::CONFLICT, code),
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
            Self::Invalid { field, .. } => (Some(field.clone()), None),
            Self::Conflict { field, .. } => (Some((*field).to_owned()), None),
            Self::Fields(fields) => (
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
        (status, axum::Json(body)).into_response()
    }
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

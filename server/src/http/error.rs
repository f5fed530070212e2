//! One error type for every HTTP handler: the domain's refusals, the
//! request's own faults, and failures. Each maps to a status and a stable
//! `code`; internal errors are logged and never shown to clients.

use adact_wire::{ErrorBody, ErrorCode, ErrorDetail, FieldError};
use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::app;
use adact_store::dialect::{self, Fault};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule of the domain said no: a bad field, a refusal, a conflict.
    #[error(transparent)]
    Rule(#[from] adact_domain::Error),

    /// The request body or a parameter is malformed; the message names the field.
    #[error("{message}")]
    BadRequest { code: ErrorCode, message: String },

    /// The request body is larger than the route takes (`limit` bytes).
    #[error("The request body is larger than this call takes ({}).", size(*limit))]
    PayloadTooLarge { limit: usize },

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
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        adact_domain::Error::invalid(field, message).into()
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        adact_domain::Error::not_found(code, message).into()
    }

    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use adact_domain::Error as Rule;
        match self {
            Self::Rule(rule) => match rule {
                Rule::Invalid { .. } | Rule::Fields(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::ValidationFailed,
                ),
                Rule::Refused { code, .. } => (StatusCode::FORBIDDEN, *code),
                Rule::Unauthorized { code, .. } => (StatusCode::UNAUTHORIZED, *code),
                Rule::NotFound { code, .. } => (StatusCode::NOT_FOUND, *code),
                Rule::Conflict { .. } => (StatusCode::CONFLICT, ErrorCode::Conflict),
                Rule::State { code, .. } => (StatusCode::CONFLICT, *code),
                Rule::Changed { .. } => (
                    StatusCode::PRECONDITION_FAILED,
                    ErrorCode::PreconditionFailed,
                ),
            },
            Self::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, *code),
            Self::PayloadTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            Self::MethodNotAllowed(_) => {
                (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed)
            }
            Self::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
            Self::Database(_) | Self::Internal(_) => match self.database_fault() {
                Some(Fault::Unavailable) => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::DatabaseUnavailable,
                ),
                Some(Fault::StorageFull) => {
                    (StatusCode::INSUFFICIENT_STORAGE, ErrorCode::StorageFull)
                }
                None => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError),
            },
        }
    }

    /// What a failure says about the database, when it is the database's
    /// state (down, disk full) rather than a fault of ours: the client is
    /// told, and may retry.
    fn database_fault(&self) -> Option<Fault> {
        match self {
            Self::Database(err) => dialect::fault(err),
            Self::Internal(err) => err
                .chain()
                .find_map(|cause| cause.downcast_ref::<sqlx::Error>())
                .and_then(dialect::fault),
            _ => None,
        }
    }
}

/// How long a client is asked to wait before retrying while the database is
/// unavailable: a restart or a failover usually takes a few seconds.
const DATABASE_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(5);

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let fault = self.database_fault();
        let message = match (&self, fault) {
            (Self::Database(_) | Self::Internal(_), Some(Fault::Unavailable)) => {
                tracing::warn!(error = format!("{self:#}"), "the database is unavailable");
                "The database is unavailable; please try again in a few seconds.".to_owned()
            }
            (Self::Database(_) | Self::Internal(_), Some(Fault::StorageFull)) => {
                tracing::error!(
                    error = format!("{self:#}"),
                    "the database's storage is full"
                );
                "The change was not saved: the server's storage is full.".to_owned()
            }
            (Self::Database(err), None) => {
                tracing::error!(error = %err, "database error");
                "Internal server error.".to_owned()
            }
            (Self::Internal(err), None) => {
                tracing::error!(error = format!("{err:#}"), "internal error");
                "Internal server error.".to_owned()
            }
            (other, _) => other.to_string(),
        };
        // Field-level errors carry the field path so forms can show them
        // inline; a form's errors list every bad field.
        let (field, fields) = match &self {
            Self::Rule(adact_domain::Error::Invalid { field, .. }) => (Some(field.clone()), None),
            Self::Rule(adact_domain::Error::Conflict { field, .. }) => {
                (Some((*field).to_owned()), None)
            }
            Self::Rule(adact_domain::Error::Fields(fields)) => (
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
                code: code.as_str().to_owned(),
                message,
                field,
                fields,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        let retry_after = match self {
            Self::RateLimited { retry_after } => Some(retry_after),
            _ if fault == Some(Fault::Unavailable) => Some(DATABASE_RETRY_AFTER),
            _ => None,
        };
        if let Some(wait) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_seconds(wait).into());
        }
        response
    }
}

/// A size in bytes as people write it: `2 MiB`, `16 KiB`, `1000 bytes`.
pub fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
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

    #[test]
    fn sizes_are_written_in_the_largest_whole_unit() {
        assert_eq!(size(2 * 1024 * 1024), "2 MiB");
        assert_eq!(size(16 * 1024), "16 KiB");
        assert_eq!(size(1536), "1536 bytes");
        assert_eq!(size(1000), "1000 bytes");
    }

    #[tokio::test]
    async fn an_unreachable_database_is_a_503_to_retry() {
        let response = Error::Database(sqlx::Error::PoolTimedOut).into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
        let (status, body) = render(Error::Database(sqlx::Error::Io(
            std::io::ErrorKind::ConnectionRefused.into(),
        )))
        .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["code"], "database_unavailable");
        // Wrapped in context, too.
        let wrapped = anyhow::Error::new(sqlx::Error::PoolTimedOut).context("loading keys");
        let (status, _) = render(Error::Internal(wrapped)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }

    #[tokio::test]
    async fn other_database_errors_stay_internal() {
        let (status, body) = render(Error::Database(sqlx::Error::RowNotFound)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal_error");
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

//! What the domain refuses, in the product's words. Each variant says what
//! kind of refusal it is; `http::error` decides the status and code a client
//! sees, so nothing here knows about HTTP.

use adact_wire::ErrorCode;

use super::limits::Refusal;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A field failed validation; `field` is its path, e.g. `theme.primary`.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },

    /// Several fields failed validation (a registration form): each with
    /// its path and a message for the player.
    #[error("Please check the highlighted fields.")]
    Fields(Vec<(String, String)>),

    /// Understood but not allowed now: a play limit, the campaign's
    /// schedule, a step out of order.
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },

    /// A credential is missing, malformed, forged or expired; `code` says
    /// which (`SessionExpired`, `UserTokenInvalid`, ...).
    #[error("{message}")]
    Unauthorized { code: ErrorCode, message: String },

    /// The thing asked for does not exist (or is not this account's).
    #[error("{message}")]
    NotFound { code: ErrorCode, message: String },

    /// The thing is not in a state that allows the request.
    #[error("{message}")]
    State { code: ErrorCode, message: String },

    /// The thing changed since the client read it: its write was made
    /// against a state that is gone (see `etag`), and nothing was saved.
    #[error("{message}")]
    Changed { message: String },

    /// A unique value is already taken, or a thing is still in use;
    /// `field` names it.
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Unauthorized {
            code,
            message: message.into(),
        }
    }

    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Refused {
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
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Self::refused(refusal.code(), refusal.message())
    }
}

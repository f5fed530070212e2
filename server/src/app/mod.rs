//! The use cases, one function each: open the transaction, ask the domain,
//! write through the store (with the events the change causes, in the same
//! transaction). `http` calls these for anything that changes data or
//! decides something; plain reads go to the store's repositories directly.

pub mod accounts;
pub mod campaigns;
pub mod demo;
pub mod players;
pub mod plays;
pub mod preview;
pub mod segments;
pub mod webhooks;

/// Why a use case did not happen: a rule said no, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Rule(#[from] adact_domain::Error),

    #[error(transparent)]
    Database(#[from] sqlx::Error),

    /// Something that cannot happen did: a bug, logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<adact_domain::limits::Refusal> for Error {
    fn from(refusal: adact_domain::limits::Refusal) -> Self {
        Self::Rule(refusal.into())
    }
}

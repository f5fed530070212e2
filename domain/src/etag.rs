//! Optimistic concurrency for admins. Each editable resource has an entity
//! tag: a short hash of its editable state, made by one function per
//! resource (`Campaign::etag`, `Segment::etag`, `Endpoint::etag`,
//! `Settings::etag`). A write may say which state it was made against (a
//! [`Precondition`], from `If-Match`); [`check`] compares it with the state
//! the write's transaction reads, locked, so that of two writers holding
//! the same tag one saves and the other is refused.
//!
//! A hash rather than a version column: nothing has to remember to bump
//! it (every write path, the delivery worker disabling an endpoint
//! included, changes the tag exactly when it changes the state), and the
//! live numbers beside the state (stock left, plays, a failing streak)
//! are simply not hashed, so a player playing never spoils an admin's tag.

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::Error;

/// An entity tag, strong: equal tags mean equal editable state.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    /// The tag of `state`: the first 64 bits of the SHA-256 of its JSON,
    /// in hex. JSON keeps fields apart unambiguously, and the state's
    /// types serialise the same way whether read from a request or the
    /// database (no maps in hash order, no floats).
    pub fn of(state: &impl Serialize) -> Self {
        let json = serde_json::to_vec(state)
            .unwrap_or_else(|err| unreachable!("a resource's state always serialises: {err}"));
        let digest = Sha256::digest(json);
        Self(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A tag as a client sent it: the text between the quotes.
    pub fn from_opaque(opaque: impl Into<String>) -> Self {
        Self(opaque.into())
    }

    /// The `ETag` header's value: the tag in double quotes.
    pub fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

/// The state a write was made against (`If-Match`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `*`: whatever the resource's state, as long as it exists.
    Exists,
    /// One of these tags (weak ones never match an edit, so they are left
    /// out: all of them weak is an empty list, which nothing matches).
    OneOf(Vec<ETag>),
}

impl Precondition {
    pub fn allows(&self, current: &ETag) -> bool {
        match self {
            Self::Exists => true,
            Self::OneOf(tags) => tags.contains(current),
        }
    }
}

/// Refuses a write whose precondition the resource's current state (as
/// the write's transaction read it) no longer meets; a write without one
/// goes ahead. `what` names the resource: "campaign", "webhook settings".
pub fn check(precondition: Option<&Precondition>, current: &ETag, what: &str) -> Result<(), Error> {
    match precondition {
        Some(precondition) if !precondition.allows(current) => Err(Error::Changed {
            message: format!(
                "Someone else saved a change to the {what} since your copy was read, so nothing \
                 was saved. Read the {what} again (GET) for the current state and ETag, and make \
                 your change to that."
            ),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_sixteen_hex_digits_that_follow_the_state() {
        let tag = ETag::of(&("Holiday Wheel", "wheel"));
        assert_eq!(tag.quoted().len(), 18);
        assert!(tag.0.chars().all(|c| c.is_ascii_hexdigit()), "{tag:?}");
        assert_eq!(tag, ETag::of(&("Holiday Wheel", "wheel")));
        assert_ne!(tag, ETag::of(&("Holiday Wheel", "quiz")));
        // Fields are kept apart: moving a character across them changes it.
        assert_ne!(ETag::of(&("ab", "c")), ETag::of(&("a", "bc")));
    }

    #[test]
    fn a_write_goes_ahead_only_against_the_current_state() {
        let current = ETag::of(&"now");
        let before = ETag::of(&"before");
        assert!(check(None, &current, "campaign").is_ok());
        assert!(check(Some(&Precondition::Exists), &current, "campaign").is_ok());
        let either = Precondition::OneOf(vec![before.clone(), current.clone()]);
        assert!(check(Some(&either), &current, "campaign").is_ok());
        let stale = check(
            Some(&Precondition::OneOf(vec![before])),
            &current,
            "campaign",
        );
        assert!(
            matches!(&stale, Err(Error::Changed { message }) if message.contains("Someone else")
                && message.contains("Read the campaign again")),
            "{stale:?}"
        );
        let none = Precondition::OneOf(Vec::new());
        assert!(check(Some(&none), &current, "campaign").is_err());
    }
}

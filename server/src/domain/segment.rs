//! A segment: a title, unique within an account, that a page names to
//! show the campaign it is mapped to.

use super::{Error, campaign::check_text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub account_id: String,
    pub title: String,
    pub campaign_id: String,
}

/// A segment title as saved: up to 200 characters, not blank, trimmed.
pub fn check_title(title: &str) -> Result<String, Error> {
    check_text("title", title, 1, 200)?;
    Ok(title.trim().to_owned())
}

//! A player: a visitor as one account knows them, by the host page's user
//! id or the embed's anonymous id.

use std::collections::BTreeMap;

use super::time::new_id;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    pub id: String,
    pub external_id: String,
    /// The registration form's values by field key.
    pub data: BTreeMap<String, String>,
}

/// Whether a registration created the player or updated a known one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    Created,
    Updated,
}

/// The player's external id: the host page's user id, or the embed's
/// anonymous id marked as such.
pub fn external_id(user_id: Option<&str>, anonymous_id: Option<&str>) -> String {
    match (user_id, anonymous_id) {
        (Some(id), _) => id.to_owned(),
        (None, Some(anon)) => format!("anon:{anon}"),
        (None, None) => format!("anon:{}", new_id("srv")),
    }
}

#[cfg(test)]
mod tests {
    use super::external_id;

    #[test]
    fn players_are_named_by_the_page_or_kept_anonymous() {
        assert_eq!(external_id(Some("42"), Some("abc")), "42");
        assert_eq!(external_id(None, Some("abc")), "anon:abc");
        // Anonymous ids cannot pass for a page's user id.
        assert_ne!(external_id(None, Some("42")), external_id(Some("42"), None));
        assert!(external_id(None, None).starts_with("anon:srv_"));
    }
}

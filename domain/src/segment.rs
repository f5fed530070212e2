//! A segment: a title, unique within an account, that a page names to
//! show the campaign it is mapped to. Titles are compared as their
//! [`title_key`]: `"VIP Users"`, `"vip users"` and `" VIP Users "` are one
//! title.

use super::{Error, campaign::check_text, etag::ETag};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub account_id: String,
    pub title: String,
    pub campaign_id: String,
}

impl Segment {
    /// The segment's entity tag (see `etag`): its title and campaign.
    pub fn etag(&self) -> ETag {
        ETag::of(&(&self.title, &self.campaign_id))
    }
}

/// A segment title as saved: up to 200 characters, not blank, trimmed.
pub fn check_title(title: &str) -> Result<String, Error> {
    check_text("title", title, 1, 200)?;
    Ok(title.trim().to_owned())
}

/// What two titles share when a page cannot tell them apart: the title
/// trimmed and lowercased. Unique within an account; a page's title is
/// resolved by it.
pub fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

/// What an update changed, as it was before: the title, the campaign's id,
/// or both. Nothing when the update changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Previous {
    pub title: Option<String>,
    pub campaign_id: Option<String>,
}

impl Previous {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.campaign_id.is_none()
    }
}

/// Applies an update to `segment`: a title (checked and trimmed) and a
/// campaign id, each when given. Returns what it changed, as it was; a
/// value given equal to the current one changes nothing.
pub fn apply(
    segment: &mut Segment,
    title: Option<&str>,
    campaign_id: Option<&str>,
) -> Result<Previous, Error> {
    let title = title.map(check_title).transpose()?;
    let mut previous = Previous::default();
    if let Some(title) = title.filter(|t| *t != segment.title) {
        previous.title = Some(std::mem::replace(&mut segment.title, title));
    }
    if let Some(id) = campaign_id.filter(|id| *id != segment.campaign_id) {
        previous.campaign_id = Some(std::mem::replace(&mut segment.campaign_id, id.to_owned()));
    }
    Ok(previous)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vip() -> Segment {
        Segment {
            id: "seg_1".into(),
            account_id: "acc_1".into(),
            title: "VIP Users".into(),
            campaign_id: "cmp_1".into(),
        }
    }

    #[test]
    fn titles_that_differ_in_case_or_spaces_share_a_key() {
        for title in ["VIP Users", "vip users", "  Vip USERS\t", "\u{a0}VIP Users"] {
            assert_eq!(title_key(title), "vip users", "{title:?}");
        }
        assert_eq!(title_key("ÉTÉ"), title_key("été"));
        assert_ne!(title_key("VIP  Users"), title_key("VIP Users"));
    }

    #[test]
    fn an_update_changes_only_what_differs_and_says_what_it_was() {
        let mut segment = vip();
        assert!(apply(&mut segment, None, None).unwrap().is_empty());
        assert!(
            apply(&mut segment, Some(" VIP Users "), Some("cmp_1"))
                .unwrap()
                .is_empty()
        );
        assert_eq!(segment, vip());

        let previous = apply(&mut segment, Some("vip users"), Some("cmp_1")).unwrap();
        assert_eq!(
            previous,
            Previous {
                title: Some("VIP Users".into()),
                campaign_id: None
            }
        );
        assert_eq!(segment.title, "vip users");

        let previous = apply(&mut segment, None, Some("cmp_2")).unwrap();
        assert_eq!(previous.campaign_id.as_deref(), Some("cmp_1"));
        assert_eq!(segment.campaign_id, "cmp_2");

        let err = apply(&mut segment, Some("  "), None).unwrap_err();
        assert!(matches!(err, Error::Invalid { field, .. } if field == "title"));
    }
}

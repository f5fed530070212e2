//! A player: a visitor as one account knows them, by the host page's user
//! id or the embed's anonymous id.

use std::collections::BTreeMap;

use adact_wire::{FieldKind, Form};

use super::time::new_id;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    pub id: String,
    pub external_id: String,
    /// The registration form's values by field key.
    pub data: BTreeMap<String, String>,
    /// See [`Contact`]: the signed token's, the form's or the page's.
    pub email: Option<String>,
    pub name: Option<String>,
    /// The last answer to a form's consent checkbox; `None` until a form
    /// with one was submitted.
    pub consent: Option<Consent>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// A player's answer to the consent checkbox: ticked or not, the text they
/// were shown (its label), and when (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub given: bool,
    pub text: String,
    pub at: i64,
}

impl Consent {
    /// What a registration answered, when its form asks for consent.
    pub fn answered(form: &Form, given: bool, at: i64) -> Option<Self> {
        form.consent.as_ref().map(|checkbox| Self {
            given,
            text: checkbox.label.clone(),
            at,
        })
    }
}

/// The player's email and name as the page gave them: from a valid
/// `userToken` (`signed`), or from `renderAdact({user})` as typed by the
/// page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub email: Option<String>,
    pub name: Option<String>,
    pub signed: bool,
}

impl Contact {
    /// The form's starting values: the page's email and name in the first
    /// field of each kind.
    pub fn prefill(&self, form: &Form) -> BTreeMap<String, String> {
        let mut values = BTreeMap::new();
        for (kind, value) in [
            (FieldKind::Email, &self.email),
            (FieldKind::Name, &self.name),
        ] {
            if let (Some(value), Some(field)) = (value, form.fields.iter().find(|f| f.kind == kind))
            {
                values.insert(field.key.clone(), value.clone());
            }
        }
        values
    }

    /// Puts signed values into the registration's form `fields` before
    /// they are checked: they win over typed ones, and fill required
    /// fields the player need not type.
    pub fn sign_form(&self, form: &Form, fields: &mut BTreeMap<String, String>) {
        if !self.signed {
            return;
        }
        for (kind, value) in [
            (FieldKind::Email, &self.email),
            (FieldKind::Name, &self.name),
        ] {
            if let (Some(value), Some(field)) = (value, form.fields.iter().find(|f| f.kind == kind))
            {
                fields.insert(field.key.clone(), value.clone());
            }
        }
    }

    /// The contact to store with a registration's checked `values`: the
    /// form's (signed ones already in, see [`Contact::sign_form`]), else
    /// the page's.
    pub fn resolve(&self, form: &Form, values: &BTreeMap<String, String>) -> Contact {
        let of = |kind: FieldKind, page: &Option<String>| {
            form.fields
                .iter()
                .find(|f| f.kind == kind)
                .and_then(|f| values.get(&f.key))
                .or(page.as_ref())
                .cloned()
        };
        Contact {
            email: of(FieldKind::Email, &self.email),
            name: of(FieldKind::Name, &self.name),
            signed: self.signed,
        }
    }
}

/// What a player's email, name or external id is searched by: its lower
/// case, so that a search by prefix ignores case.
pub fn search_key(value: &str) -> String {
    value.to_lowercase()
}

/// The players an admin asks for: each filter narrows, none set lists
/// every player. Play filters (campaign, segment, time, won) hold for at
/// least one of the player's plays, the same play.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlayerFilter {
    /// A prefix of the player's email, name or external id, any case.
    pub search: Option<String>,
    pub campaign_id: Option<String>,
    pub segment_id: Option<String>,
    /// Played at or after (Unix milliseconds).
    pub played_since: Option<i64>,
    /// Played before (Unix milliseconds).
    pub played_until: Option<i64>,
    /// Won a prize (true) or never won one (false).
    pub won: Option<bool>,
    /// Consent given (true) or not (false).
    pub consent: Option<bool>,
}

impl PlayerFilter {
    /// The search keys a prefix matches: at least the first, below the
    /// second (the prefix followed by the highest character), in byte
    /// order.
    pub fn search_range(&self) -> Option<(String, String)> {
        let low = search_key(self.search.as_deref()?);
        let high = format!("{low}{}", char::MAX);
        Some((low, high))
    }

    /// Whether a play filter is set.
    pub fn filters_plays(&self) -> bool {
        self.campaign_id.is_some()
            || self.segment_id.is_some()
            || self.played_since.is_some()
            || self.played_until.is_some()
    }
}

/// A player in the admin's list: with how often they played and won.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub player: Player,
    pub plays: i64,
    pub wins: i64,
    /// Unix milliseconds; `None` before a first play.
    pub last_played_at: Option<i64>,
}

/// One of a player's plays, as their page and the export show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayRecord {
    pub id: String,
    pub campaign_id: String,
    pub segment_id: String,
    /// When the session's first step was taken (Unix milliseconds).
    pub started_at: i64,
    pub played_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub prize_id: Option<String>,
    /// The prize's name when it was won.
    pub prize_name: Option<String>,
    pub code: Option<String>,
    /// Right answers, for a quiz.
    pub score: Option<i64>,
}

/// Whether a registration created the player or updated a known one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    Created,
    Updated,
}

/// The player's external id: the host page's user id, or the embed's
/// anonymous id marked as such. A visitor with neither is new: they get a
/// new anonymous id (returned second, for the embed to keep), and cannot
/// have played yet.
pub fn external_id(user_id: Option<&str>, anonymous_id: Option<&str>) -> (String, Option<String>) {
    match (user_id, anonymous_id) {
        (Some(id), _) => (id.to_owned(), None),
        (None, Some(anon)) => (format!("anon:{anon}"), None),
        (None, None) => {
            let anon = new_id("srv");
            (format!("anon:{anon}"), Some(anon))
        }
    }
}

#[cfg(test)]
mod tests {
    use adact_wire::FormField;

    use super::*;

    fn form() -> Form {
        let field = |key: &str, kind| FormField {
            key: key.into(),
            kind,
            label: key.into(),
            required: false,
        };
        Form {
            fields: vec![
                field("mail", FieldKind::Email),
                field("full_name", FieldKind::Name),
            ],
            consent: None,
        }
    }

    #[test]
    fn the_page_prefills_signed_values_win_and_typed_beat_unsigned() {
        let page = Contact {
            email: Some("page@example.com".into()),
            name: Some("Page Name".into()),
            signed: false,
        };
        let prefill = page.prefill(&form());
        assert_eq!(prefill["mail"], "page@example.com");
        assert_eq!(prefill["full_name"], "Page Name");
        // Unsigned: what the player typed wins; what they left is the page's.
        let mut values = BTreeMap::from([("mail".to_owned(), "typed@example.com".to_owned())]);
        page.sign_form(&form(), &mut values);
        assert_eq!(values["mail"], "typed@example.com");
        let contact = page.resolve(&form(), &values);
        assert_eq!(contact.email.as_deref(), Some("typed@example.com"));
        assert_eq!(contact.name.as_deref(), Some("Page Name"));
        // Signed: the token's values replace what was typed.
        let signed = Contact {
            signed: true,
            ..page
        };
        signed.sign_form(&form(), &mut values);
        assert_eq!(values["mail"], "page@example.com");
        assert_eq!(values["full_name"], "Page Name");
        let contact = signed.resolve(&form(), &values);
        assert_eq!(contact.email.as_deref(), Some("page@example.com"));
        assert!(contact.signed);
    }

    #[test]
    fn consent_is_answered_only_where_the_form_asks() {
        assert_eq!(Consent::answered(&form(), true, 5), None);
        let asking = Form {
            consent: Some(adact_wire::Consent {
                label: "Send me offers".into(),
                required: false,
            }),
            ..form()
        };
        assert_eq!(
            Consent::answered(&asking, false, 5),
            Some(Consent {
                given: false,
                text: "Send me offers".into(),
                at: 5
            })
        );
    }

    #[test]
    fn players_are_named_by_the_page_or_kept_anonymous() {
        assert_eq!(
            external_id(Some("42"), Some("abc")),
            ("42".to_owned(), None)
        );
        assert_eq!(external_id(None, Some("abc")).0, "anon:abc");
        // Anonymous ids cannot pass for a page's user id.
        assert_ne!(external_id(None, Some("42")), external_id(Some("42"), None));
        // A new visitor gets an id to keep, named as they will send it back.
        let (key, minted) = external_id(None, None);
        let minted = minted.unwrap();
        assert!(minted.starts_with("srv_"));
        assert_eq!(external_id(None, Some(&minted)).0, key);
    }
}

//! The game rules: what a campaign is and what makes one valid. Nothing here
//! knows about HTTP or SQL.

use std::fmt;

use adact_wire::{CampaignKind, Texts, Theme};
use serde::{Deserialize, Serialize};

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Active,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Active, Self::Archived]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a marketer configures beyond name, kind and status: the words and
/// the look. Stored as JSON beside the campaign row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub texts: Texts,
    #[serde(default)]
    pub theme: Theme,
}

impl Definition {
    /// Checks every field, naming the first bad one by its path.
    pub fn validate(&self) -> Result<(), Error> {
        let Texts {
            title,
            description,
            play_button,
        } = &self.texts;
        check_text("texts.title", title, 1, 120)?;
        check_text("texts.description", description, 0, 1000)?;
        check_text("texts.play_button", play_button, 1, 40)?;
        let Theme {
            primary,
            background,
            text,
            logo_url,
        } = &self.theme;
        check_colour("theme.primary", primary)?;
        check_colour("theme.background", background)?;
        check_colour("theme.text", text)?;
        if let Some(url) = logo_url {
            check_url("theme.logo_url", url)?;
        }
        Ok(())
    }
}

/// A campaign as the server knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub kind: CampaignKind,
    pub status: Status,
    pub definition: Definition,
}

impl Campaign {
    pub fn view(&self) -> adact_wire::CampaignView {
        adact_wire::CampaignView {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            texts: self.definition.texts.clone(),
            theme: self.definition.theme.clone(),
        }
    }
}

pub fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let len = value.trim().chars().count();
    if len < min {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

fn check_colour(field: &str, value: &str) -> Result<(), Error> {
    let hex = value.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("must be a colour like #1a2b3c, not {value:?}"),
        ))
    }
}

fn check_url(field: &str, value: &str) -> Result<(), Error> {
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() <= 2048
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == '<');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(field, "must be an absolute http(s) URL"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition() -> Definition {
        serde_json::from_value(serde_json::json!({"texts": {"title": "Spin the wheel"}})).unwrap()
    }

    fn field_of(err: Error) -> String {
        match err {
            Error::Invalid { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_minimal_definition_is_valid() {
        definition().validate().unwrap();
    }

    #[test]
    fn errors_name_the_field_path() {
        let mut d = definition();
        d.texts.title = "   ".into();
        assert_eq!(field_of(d.validate().unwrap_err()), "texts.title");

        let mut d = definition();
        d.theme.background = "red".into();
        assert_eq!(field_of(d.validate().unwrap_err()), "theme.background");

        let mut d = definition();
        d.theme.logo_url = Some("javascript:alert(1)".into());
        assert_eq!(field_of(d.validate().unwrap_err()), "theme.logo_url");

        let mut d = definition();
        d.texts.play_button = "x".repeat(41);
        assert_eq!(field_of(d.validate().unwrap_err()), "texts.play_button");
    }

    #[test]
    fn statuses_parse_their_names() {
        for s in ["draft", "active", "archived"] {
            assert_eq!(Status::parse(s).unwrap().as_str(), s);
        }
        assert!(Status::parse("live").is_none());
    }
}

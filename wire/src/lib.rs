//! The JSON shapes exchanged by the embed (running in a visitor's browser)
//! and the server's public API. Both sides compile these types, so a field
//! renamed on one side cannot silently drift from the other.

use serde::{Deserialize, Serialize};

/// Every error response body: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A stable machine-readable `code` and a human-readable `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

/// `POST /api/v1/embed/render`: resolve a segment to what the embed draws.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenderRequest {
    /// The segment title, as given to `renderAdact({segment})`.
    pub segment: String,
    /// The player as the host page knows them, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
}

/// The player named by the host page in `renderAdact({user})`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Everything the embed needs to draw a campaign, in one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenderResponse {
    pub segment: SegmentRef,
    pub campaign: CampaignView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRef {
    pub id: String,
    pub title: String,
}

/// The public face of a campaign: what a visitor may see, nothing more
/// (no stock, no codes, no weights).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub kind: CampaignKind,
    pub texts: Texts,
    pub theme: Theme,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CampaignKind {
    Wheel,
    Scratch,
    Giftbox,
    Quiz,
}

impl CampaignKind {
    pub const ALL: [CampaignKind; 4] = [Self::Wheel, Self::Scratch, Self::Giftbox, Self::Quiz];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wheel => "wheel",
            Self::Scratch => "scratch",
            Self::Giftbox => "giftbox",
            Self::Quiz => "quiz",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The words a visitor reads. Always inserted into the page as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "Texts::default_play_button")]
    pub play_button: String,
}

impl Texts {
    fn default_play_button() -> String {
        "Play".to_owned()
    }
}

/// Colours as `#rrggbb`, validated by the server before they are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    #[serde(default = "Theme::default_primary")]
    pub primary: String,
    #[serde(default = "Theme::default_background")]
    pub background: String,
    #[serde(default = "Theme::default_text")]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
}

impl Theme {
    fn default_primary() -> String {
        "#6d28d9".to_owned()
    }
    fn default_background() -> String {
        "#ffffff".to_owned()
    }
    fn default_text() -> String {
        "#1f2937".to_owned()
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            primary: Self::default_primary(),
            background: Self::default_background(),
            text: Self::default_text(),
            logo_url: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in CampaignKind::ALL {
            assert_eq!(CampaignKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(CampaignKind::parse("slots"), None);
    }

    #[test]
    fn render_request_rejects_unknown_fields_and_names_missing_ones() {
        let err = serde_json::from_str::<RenderRequest>(r#"{"user":{}}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `segment`"), "{err}");
        let err =
            serde_json::from_str::<RenderRequest>(r#"{"segment":"a","sgment":1}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `sgment`"), "{err}");
    }

    #[test]
    fn theme_and_texts_fill_defaults() {
        let texts: Texts = serde_json::from_str(r#"{"title":"Spin"}"#).unwrap();
        assert_eq!(texts.play_button, "Play");
        let theme: Theme = serde_json::from_str("{}").unwrap();
        assert_eq!(theme, Theme::default());
    }
}

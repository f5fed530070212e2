//! The JSON shapes exchanged by the embed (running in a visitor's browser)
//! and the server's public API. Both sides compile these types, so a field
//! renamed on one side cannot silently drift from the other.
//!
//! With the `openapi` feature (the server's, never the embed's) each type
//! also derives its OpenAPI schema, so the API document describes the very
//! types that are serialised.

use serde::{Deserialize, Serialize};

/// Every error response body: `{"error": {"code": "...", "message": "..."}}`,
/// with `field` (and for a form, `fields`) when a request field is at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A stable machine-readable `code` and a human-readable `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable and machine-readable, e.g. `validation_failed`.
    pub code: String,
    /// For people; may change between versions.
    pub message: String,
    /// The field at fault, for validation errors and conflicts: its path
    /// in the request, e.g. `definition.prizes[2].weight`. For a form with
    /// several bad fields, the first of `fields`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every bad field of a registration form, each with its message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldError>>,
}

/// One bad field of a form and what the player should fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Its path in the request, e.g. `fields.email` or `consent`.
    pub field: String,
    pub message: String,
}

/// `POST /api/v1/embed/render`: resolve a segment to what the embed draws.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenderRequest {
    /// The segment title, as given to `renderAdact({segment})`.
    pub segment: String,
    /// The player as the host page knows them, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The anonymous id the embed keeps in `localStorage`, used when there
    /// is no `user.id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_id: Option<String>,
}

/// The player named by the host page in `renderAdact({user})`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// The player's id on the host site: the same id is the same player
    /// on every device, and play limits count per id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Everything the embed needs to draw a campaign, in one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenderResponse {
    pub segment: SegmentRef,
    pub campaign: CampaignView,
    /// The play session the next steps belong to.
    pub session: SessionView,
    /// Why this player cannot play now (schedule, play limit), if so: the
    /// embed shows the message instead of the game.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
}

/// A play session: its id and the secret token each step sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: String,
    /// Sent back by every step; only its SHA-256 is stored.
    pub token: String,
}

/// A polite refusal: a stable `code` and a message for the player.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    pub code: String,
    pub message: String,
}

/// `POST /api/v1/embed/sessions/{id}/register`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The session's token, from the render.
    pub token: String,
    /// Form values by field key.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub consent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterResponse {
    /// The player's id in Adact (`plr_...`), as in the webhook events.
    pub player_id: String,
    /// Whether this registration created the player (`player.created`)
    /// rather than updating a known one (`player.updated`).
    pub created: bool,
}

/// `POST /api/v1/embed/sessions/{id}/play`: `answers` are the chosen answer
/// indexes of a quiz, one per question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlayRequest {
    /// The session's token, from the render.
    pub token: String,
    #[serde(default)]
    pub answers: Vec<u32>,
}

/// The outcome the server drew; without `prize` when it is "no prize".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlayResponse {
    pub play_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prize: Option<PrizeView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Correct answers, for a quiz.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
}

/// `POST /api/v1/embed/sessions/{id}/finish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FinishRequest {
    /// The session's token, from the render.
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishResponse {
    pub finished: bool,
}

/// A prize as a visitor sees it: no weight, no stock, no codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrizeView {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// A quiz question as a visitor sees it: without the right answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionView {
    pub text: String,
    pub answers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentRef {
    pub id: String,
    pub title: String,
}

/// The public face of a campaign: what a visitor may see, nothing more
/// (no stock, no codes, no weights).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub kind: CampaignKind,
    pub texts: Texts,
    pub theme: Theme,
    pub form: Form,
    /// The prizes in the marketer's order (the wheel's slices).
    pub prizes: Vec<PrizeView>,
    /// What the "no prize" outcome is called (e.g. on its wheel slice).
    pub no_prize_label: String,
    #[serde(default)]
    pub questions: Vec<QuestionView>,
    pub end_screen: EndScreen,
}

/// The registration form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Form {
    #[serde(default)]
    pub fields: Vec<FormField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// The value's name in the registration data, e.g. `email`.
    pub key: String,
    #[serde(rename = "type")]
    pub kind: FieldKind,
    pub label: String,
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Email,
    Name,
    Phone,
    Text,
}

impl FieldKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Name => "name",
            Self::Phone => "phone",
            Self::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Email, Self::Name, Self::Phone, Self::Text]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The consent checkbox under the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub label: String,
    #[serde(default)]
    pub required: bool,
}

/// The last screen, for a win and for no prize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EndScreen {
    #[serde(default = "EndScreen::default_win_title")]
    #[cfg_attr(feature = "openapi", schema(default = EndScreen::default_win_title))]
    pub win_title: String,
    #[serde(default)]
    pub win_text: String,
    #[serde(default = "EndScreen::default_lose_title")]
    #[cfg_attr(feature = "openapi", schema(default = EndScreen::default_lose_title))]
    pub lose_title: String,
    #[serde(default)]
    pub lose_text: String,
}

impl EndScreen {
    fn default_win_title() -> String {
        "You won!".to_owned()
    }
    fn default_lose_title() -> String {
        "Not this time".to_owned()
    }
}

impl Default for EndScreen {
    fn default() -> Self {
        Self {
            win_title: Self::default_win_title(),
            win_text: String::new(),
            lose_title: Self::default_lose_title(),
            lose_text: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "Texts::default_play_button")]
    #[cfg_attr(feature = "openapi", schema(default = Texts::default_play_button))]
    pub play_button: String,
}

impl Texts {
    fn default_play_button() -> String {
        "Play".to_owned()
    }
}

/// Colours as `#rrggbb`, validated by the server before they are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Theme {
    #[serde(default = "Theme::default_primary")]
    #[cfg_attr(feature = "openapi", schema(default = Theme::default_primary))]
    pub primary: String,
    #[serde(default = "Theme::default_background")]
    #[cfg_attr(feature = "openapi", schema(default = Theme::default_background))]
    pub background: String,
    #[serde(default = "Theme::default_text")]
    #[cfg_attr(feature = "openapi", schema(default = Theme::default_text))]
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

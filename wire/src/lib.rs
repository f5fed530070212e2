//! The JSON shapes exchanged by the embed (running in a visitor's browser)
//! and the server's public API, and the checks both make of what a visitor
//! types (email, phone, colour, language tag, text lengths). Both sides
//! compile these types, so a field renamed on one side cannot silently
//! drift from the other.
//!
//! With the `openapi` feature (the server's, never the embed's) each type
//! also derives its OpenAPI schema, so the API document describes the very
//! types that are serialised.
//!
//! `no_std` (with `alloc`): nothing here needs `std`. (The embed links it
//! anyway, through gloo-net; the server's `openapi` build too, for
//! utoipa's derives.)

#![cfg_attr(not(any(test, feature = "openapi")), no_std)]

extern crate alloc;

use alloc::{borrow::ToOwned as _, collections::BTreeMap, string::String, vec::Vec};

use serde::{Deserialize, Serialize};

mod validate;

pub use validate::{
    FIELD_VALUE_MAX_CHARS, FieldValueProblem, LANGUAGE_TAG_MAX_CHARS, TextProblem,
    check_field_value, check_text, is_email, is_hex_colour, is_language_tag, is_phone,
};

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
    #[cfg_attr(feature = "openapi", schema(value_type = ErrorCode))]
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

/// Every error `code` the API answers; each operation's responses say
/// which of them it may answer, and why. Later versions may add codes.
// `ErrorDetail::code` stays a string, so that a client built before a code
// was added still reads the error. The server's errors carry these (so a
// code the document lacks does not compile), and the console takes them
// from the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "snake_case")
)]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    // 400, 413, 422: the request.
    InvalidRequest,
    PayloadTooLarge,
    ValidationFailed,
    // 401, 403: credentials, and refusals.
    Unauthorized,
    SessionExpired,
    SessionInvalid,
    SessionMismatch,
    SessionWrongAccount,
    UserTokenExpired,
    UserTokenInvalid,
    UserTokenNotYetValid,
    UserTokenWrongAccount,
    OriginNotAllowed,
    SignedIdentityRequired,
    CampaignNotStarted,
    CampaignEnded,
    PlayLimitReached,
    NotRegistered,
    NotPlayed,
    // 404, 405: what is not there.
    NotFound,
    MethodNotAllowed,
    CampaignNotFound,
    CampaignNotActive,
    SegmentNotFound,
    SessionNotFound,
    PlayerNotFound,
    EndpointNotFound,
    DeliveryNotFound,
    // 409, 412: the state of things.
    Conflict,
    EndpointDisabled,
    WebhooksDisabled,
    PreconditionFailed,
    // 429, 5xx: try again.
    RateLimited,
    InternalError,
    Unavailable,
    DatabaseUnavailable,
    StorageFull,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
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
    /// is no `user.id`: 1 to [`Self::ANONYMOUS_ID_MAX_CHARS`] characters. A
    /// new visitor sends none: the server makes one
    /// ([`SessionView::anonymous_id`]) without looking anyone up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_id: Option<String>,
    /// The visitor's language as a BCP 47 tag (`de-AT`), from
    /// `renderAdact({locale})`, the page's `<html lang>` or the browser.
    /// It picks the language of [`RenderResponse::strings`]. A value that
    /// is no language tag ([`is_language_tag`]: letters and digits in
    /// subtags of 1 to 8 joined by `-`, at most
    /// [`LANGUAGE_TAG_MAX_CHARS`] characters) is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// `renderAdact({userToken})`: an HS256 JWT the customer's backend
    /// signs with the account's identity secret (claims `sub`, optional
    /// `email`, `name`, `exp`, `nbf`, `iat`, `aud`), at most 4096 bytes.
    /// Its values win over `user`'s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_token: Option<String>,
}

impl RenderRequest {
    /// The longest [`Self::anonymous_id`], in characters.
    pub const ANONYMOUS_ID_MAX_CHARS: usize = 100;
}

/// The player named by the host page in `renderAdact({user})`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
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
    /// The language of `strings` as a BCP 47 tag: the visitor's own tag
    /// when their language is served (`de-AT` for German), else `en`. The
    /// embed sets it as the campaign's `lang`.
    #[serde(default = "RenderResponse::default_locale")]
    pub locale: String,
    /// The embed's own words in that language, by [`UiText::key`].
    #[serde(default)]
    pub strings: BTreeMap<String, String>,
    /// Starting values for the registration form, by [`FormField::key`]:
    /// the page's `user.email` and `user.name` (the signed token's when
    /// there is one) matched to the form's fields. The visitor can change
    /// them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefill: BTreeMap<String, String>,
}

impl RenderResponse {
    fn default_locale() -> String {
        "en".to_owned()
    }
}

/// The embed's own words, as opposed to the campaign's (which stay as the
/// marketer wrote them): labels, hints, form messages, refusals and what
/// the live region announces. The server sends them with every render in
/// the visitor's language, so they are not compiled into the embed.
/// `{name}` in a text is a value the embed fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UiText {
    /// The registration form's submit button.
    Continue,
    /// The registration form's accessible name.
    YourDetails,
    /// `{field}`: the field's label.
    FieldRequired,
    ConsentRequired,
    EmailInvalid,
    PhoneInvalid,
    /// The wheel's accessible name: `{count}` slices, `{slices}` their labels.
    WheelLabel,
    WheelSpinning,
    ScratchPreparing,
    ScratchHint,
    /// Printed on the scratch card's coating.
    ScratchCoating,
    ScratchReveal,
    GiftHint,
    /// A gift box's accessible name: box `{number}` of `{count}`.
    GiftBox,
    GiftOpening,
    /// Question `{number}` of `{count}`.
    QuizProgress,
    QuizChecking,
    /// `{score}` right answers of `{count}` questions.
    QuizScore,
    /// The heading of the review of a quiz's answers, after the play.
    QuizReview,
    /// A question of the review answered right.
    QuizCorrect,
    /// A question of the review answered wrong.
    QuizWrong,
    /// In the review: the player's `{answer}`.
    QuizYourAnswer,
    /// In the review: the right `{answer}`.
    QuizRightAnswer,
    /// Announced on a win: the end screen's `{title}` and the `{prize}`.
    WonAnnouncement,
    CodeLabel,
    /// Announced after the win: the prize's `{code}`.
    CodeAnnouncement,
    CopyCode,
    Copied,
    CopyManually,
    CopiedAnnouncement,
    CopyFailedAnnouncement,
    /// Under the code: the last day it can be used, as `{day}`, `{month}`
    /// (one of [`Self::Months`]) and `{year}`.
    ValidUntil,
    /// The twelve months' names, January first, joined by `,`.
    Months,
    /// The first day of a month as [`Self::ValidUntil`]'s `{day}`: `1`,
    /// or `1er` in French.
    FirstOfMonth,
    /// On the end screen: when the visitor may play again, by the
    /// campaign's play limit; `{time}` for a daily or weekly limit, one of
    /// [`Self::OneHour`], [`Self::Hours`], [`Self::Days`]. (Counted by the
    /// embed, not written with `Intl`, whose first date costs a page
    /// 30-60 ms.)
    PlayAgain,
    OneHour,
    /// `{count}` hours, 2 or more.
    Hours,
    /// `{count}` days, 2 or more.
    Days,
    /// Said after the call to action's label: the link opens a new tab.
    NewTab,
    /// A play refused because the campaign has not started
    /// (`campaign_not_started`).
    CampaignNotStarted,
    /// A play refused because the campaign is over (`campaign_ended`).
    CampaignEnded,
    /// A play refused by the campaign's play limit (`play_limit_reached`).
    PlayLimitReached,
    /// A step refused because this visitor or network sent too many
    /// requests (`rate_limited`, HTTP 429).
    RateLimited,
    /// Any other failure of a step: the server or the network.
    Unavailable,
    /// The button under [`Self::Unavailable`] that sends the step again.
    TryAgain,
}

impl UiText {
    /// Every text, in declaration order: `ALL[t as usize] == t`.
    pub const ALL: [UiText; 45] = [
        Self::Continue,
        Self::YourDetails,
        Self::FieldRequired,
        Self::ConsentRequired,
        Self::EmailInvalid,
        Self::PhoneInvalid,
        Self::WheelLabel,
        Self::WheelSpinning,
        Self::ScratchPreparing,
        Self::ScratchHint,
        Self::ScratchCoating,
        Self::ScratchReveal,
        Self::GiftHint,
        Self::GiftBox,
        Self::GiftOpening,
        Self::QuizProgress,
        Self::QuizChecking,
        Self::QuizScore,
        Self::QuizReview,
        Self::QuizCorrect,
        Self::QuizWrong,
        Self::QuizYourAnswer,
        Self::QuizRightAnswer,
        Self::WonAnnouncement,
        Self::CodeLabel,
        Self::CodeAnnouncement,
        Self::CopyCode,
        Self::Copied,
        Self::CopyManually,
        Self::CopiedAnnouncement,
        Self::CopyFailedAnnouncement,
        Self::ValidUntil,
        Self::Months,
        Self::FirstOfMonth,
        Self::PlayAgain,
        Self::OneHour,
        Self::Hours,
        Self::Days,
        Self::NewTab,
        Self::CampaignNotStarted,
        Self::CampaignEnded,
        Self::PlayLimitReached,
        Self::RateLimited,
        Self::Unavailable,
        Self::TryAgain,
    ];

    /// Its name in [`RenderResponse::strings`]. The refusals are named
    /// after the error codes they explain.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Continue => "continue",
            Self::YourDetails => "your_details",
            Self::FieldRequired => "field_required",
            Self::ConsentRequired => "consent_required",
            Self::EmailInvalid => "email_invalid",
            Self::PhoneInvalid => "phone_invalid",
            Self::WheelLabel => "wheel_label",
            Self::WheelSpinning => "wheel_spinning",
            Self::ScratchPreparing => "scratch_preparing",
            Self::ScratchHint => "scratch_hint",
            Self::ScratchCoating => "scratch_coating",
            Self::ScratchReveal => "scratch_reveal",
            Self::GiftHint => "gift_hint",
            Self::GiftBox => "gift_box",
            Self::GiftOpening => "gift_opening",
            Self::QuizProgress => "quiz_progress",
            Self::QuizChecking => "quiz_checking",
            Self::QuizScore => "quiz_score",
            Self::QuizReview => "quiz_review",
            Self::QuizCorrect => "quiz_correct",
            Self::QuizWrong => "quiz_wrong",
            Self::QuizYourAnswer => "quiz_your_answer",
            Self::QuizRightAnswer => "quiz_right_answer",
            Self::WonAnnouncement => "won_announcement",
            Self::CodeLabel => "code_label",
            Self::CodeAnnouncement => "code_announcement",
            Self::CopyCode => "copy_code",
            Self::Copied => "copied",
            Self::CopyManually => "copy_manually",
            Self::CopiedAnnouncement => "copied_announcement",
            Self::CopyFailedAnnouncement => "copy_failed_announcement",
            Self::ValidUntil => "valid_until",
            Self::Months => "months",
            Self::FirstOfMonth => "first_of_month",
            Self::PlayAgain => "play_again",
            Self::OneHour => "one_hour",
            Self::Hours => "hours",
            Self::Days => "days",
            Self::NewTab => "new_tab",
            Self::CampaignNotStarted => "campaign_not_started",
            Self::CampaignEnded => "campaign_ended",
            Self::PlayLimitReached => "play_limit_reached",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::TryAgain => "try_again",
        }
    }
}

/// A play session: its id and the secret token each step sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: String,
    /// Sent back by every step: the session's claims, signed by the server.
    pub token: String,
    /// The anonymous id the server made for a visitor who sent none (no
    /// `user.id`, no `anonymous_id`): keep it and send it as
    /// `anonymous_id` from then on, so the visitor stays the same player.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_id: Option<String>,
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
    pub fields: BTreeMap<String, String>,
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
    /// When the campaign's play limit lets this player play again (RFC
    /// 3339, UTC): the start of the next day or week for a `daily` or
    /// `weekly` limit; absent when plays are unlimited or allowed `once`.
    /// The end screen says how long until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub next_play_at: Option<String>,
    /// For a quiz, the index of each question's right answer, in the
    /// questions' order, so that the player can review their answers. Sent
    /// only by the play step, once the answers are in; a replay of the step
    /// answers the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct_answers: Option<Vec<u32>>,
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
    /// The last day the prize's code can be used (`YYYY-MM-DD`), as the
    /// marketer set it; absent when it does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub valid_until: Option<String>,
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

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum FieldKind {
    Email,
    Name,
    Phone,
    Text,
}

impl FieldKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
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
    /// The call-to-action button's label, e.g. `Shop now`; with `cta_url`,
    /// the end screen shows it as a link after a win.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cta_label: String,
    /// Where the call to action leads: an absolute `https` or `http` URL.
    /// It opens in a new tab, so the code stays on screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta_url: Option<String>,
    /// Whether the call to action also shows when nothing is won.
    #[serde(default)]
    pub cta_on_lose: bool,
}

impl EndScreen {
    /// The call to action's label and URL, when the marketer set both.
    pub fn cta(&self) -> Option<(&str, &str)> {
        match (self.cta_label.trim(), self.cta_url.as_deref()) {
            ("", _) | (_, None) => None,
            (label, Some(url)) => Some((label, url)),
        }
    }

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
            cta_label: String::new(),
            cta_url: None,
            cta_on_lose: false,
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum CampaignKind {
    Wheel,
    Scratch,
    Giftbox,
    Quiz,
}

impl CampaignKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
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
        for &kind in <CampaignKind as strum::VariantArray>::VARIANTS {
            assert_eq!(CampaignKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(CampaignKind::parse("slots"), None);
        for &kind in <FieldKind as strum::VariantArray>::VARIANTS {
            assert_eq!(FieldKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
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
    fn ui_texts_are_listed_in_order_under_distinct_keys() {
        for (i, text) in UiText::ALL.into_iter().enumerate() {
            assert_eq!(text as usize, i, "{text:?}");
            assert!(UiText::ALL[..i].iter().all(|t| t.key() != text.key()));
        }
    }

    #[test]
    fn theme_and_texts_fill_defaults() {
        let texts: Texts = serde_json::from_str(r#"{"title":"Spin"}"#).unwrap();
        assert_eq!(texts.play_button, "Play");
        let theme: Theme = serde_json::from_str("{}").unwrap();
        assert_eq!(theme, Theme::default());
    }
}

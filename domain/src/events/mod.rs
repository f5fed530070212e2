//! Events: what happened, in the product's words, and the data each one
//! carries (docs/events.md). `store::outbox` writes them in the same
//! transaction as the change that caused it, with their deliveries.
//!
//! Every payload is a Rust type here ([`data`]), serialised as is: the
//! webhook body, the OpenAPI document's `webhooks` section ([`schema`]) and
//! the events the embed hands to `onEvent` are all this one shape.

mod data;
#[cfg(feature = "openapi")]
pub mod schema;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use data::*;

use super::time::rfc3339;

/// The event types, as webhook endpoints subscribe to them; each one's
/// payload is in the API document's `webhooks` and in docs/events.md.
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
    strum::Display,
)]
// The names below are the only spelling: serde goes through strum's.
#[serde(into = "&'static str", try_from = "String")]
pub enum EventType {
    #[strum(serialize = "segment.created")]
    SegmentCreated,
    #[strum(serialize = "segment.updated")]
    SegmentUpdated,
    #[strum(serialize = "segment.deleted")]
    SegmentDeleted,
    #[strum(serialize = "player.created")]
    PlayerCreated,
    #[strum(serialize = "player.updated")]
    PlayerUpdated,
    #[strum(serialize = "player.deleted")]
    PlayerDeleted,
    #[strum(serialize = "game.ended")]
    GameEnded,
    #[strum(serialize = "gameplay.finished")]
    GameplayFinished,
    #[strum(serialize = "prize.assigned")]
    PrizeAssigned,
    #[strum(serialize = "webhook.test")]
    WebhookTest,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// Every event type, in the order above.
    pub fn all() -> impl Iterator<Item = Self> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }
}

impl TryFrom<String> for EventType {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::parse(&name).ok_or_else(|| format!("unknown event type {name:?}"))
    }
}

// The API document's schema, from the same names.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for EventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The event types, as webhook endpoints subscribe to them; each one's\n\
                 payload is in this document's `webhooks` and in docs/events.md.",
            ))
            .enum_values(Some(Self::all().map(Self::as_str)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for EventType {}

/// A recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub account_id: String,
    pub event_type: EventType,
    /// The account's number for it: 1, 2, 3 ... in the order the
    /// account's events were recorded (and committed).
    pub sequence: i64,
    /// The webhook body: an [`Envelope`], as JSON.
    pub payload: Value,
    pub created_at: i64,
}

/// The version of the payloads' shape, sent as the envelope's `version`.
///
/// Additive changes (a new field, a new event type, a new value where a
/// string was already open-ended) keep it: receivers must ignore what they
/// do not know. A change that removes, renames or retypes a field, or
/// changes what one means, bumps it.
pub const PAYLOAD_VERSION: u32 = 1;

/// The webhook body of every event, in the Standard Webhooks shape
/// `{type, timestamp, data}` with the event's `id` (the `webhook-id`
/// header) and the payload's `version`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope<'a> {
    /// `evt_...`, the same as the `webhook-id` header.
    pub id: &'a str,
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// [`PAYLOAD_VERSION`].
    pub version: u32,
    /// When the event was recorded: RFC 3339 UTC with milliseconds.
    pub timestamp: String,
    /// The account's number for the event: 1, 2, 3 ... in the order the
    /// account's events were recorded and committed.
    pub sequence: i64,
    pub data: &'a EventData,
}

impl<'a> Envelope<'a> {
    pub fn new(id: &'a str, created_at: i64, sequence: i64, data: &'a EventData) -> Self {
        Self {
            id,
            event_type: data.event_type(),
            version: PAYLOAD_VERSION,
            timestamp: rfc3339(created_at),
            sequence,
            data,
        }
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self)
            .unwrap_or_else(|err| unreachable!("an event's payload always serialises: {err}"))
    }
}

/// An event's data, one variant per event type: the type follows from the
/// data, so the two cannot disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EventData {
    SegmentCreated(SegmentData),
    SegmentUpdated(SegmentUpdatedData),
    SegmentDeleted(SegmentData),
    PlayerCreated(PlayerData),
    PlayerUpdated(PlayerData),
    PlayerDeleted(PlayerDeletedData),
    GameEnded(OutcomeData),
    GameplayFinished(OutcomeData),
    PrizeAssigned(PrizeAssignedData),
    WebhookTest(WebhookTestData),
}

impl EventData {
    /// The id of the player the event concerns, if any: an ordered
    /// endpoint delivers each player's events one after another.
    pub fn player_id(&self) -> Option<&str> {
        match self {
            Self::PlayerDeleted(d) => Some(&d.player.id),
            _ => self.context()?.player.as_ref().map(|p| p.id.as_str()),
        }
    }

    /// The id of the play the event belongs to, if any.
    pub fn play_id(&self) -> Option<&str> {
        Some(&self.context()?.play.id)
    }

    /// What a play's event carries.
    fn context(&self) -> Option<&PlayContext> {
        match self {
            Self::PlayerCreated(d) | Self::PlayerUpdated(d) => Some(&d.context),
            Self::GameEnded(d) | Self::GameplayFinished(d) => Some(&d.context),
            Self::PrizeAssigned(d) => Some(&d.context),
            Self::SegmentCreated(_)
            | Self::SegmentUpdated(_)
            | Self::SegmentDeleted(_)
            | Self::PlayerDeleted(_)
            | Self::WebhookTest(_) => None,
        }
    }

    pub fn event_type(&self) -> EventType {
        match self {
            Self::SegmentCreated(_) => EventType::SegmentCreated,
            Self::SegmentUpdated(_) => EventType::SegmentUpdated,
            Self::SegmentDeleted(_) => EventType::SegmentDeleted,
            Self::PlayerCreated(_) => EventType::PlayerCreated,
            Self::PlayerUpdated(_) => EventType::PlayerUpdated,
            Self::PlayerDeleted(_) => EventType::PlayerDeleted,
            Self::GameEnded(_) => EventType::GameEnded,
            Self::GameplayFinished(_) => EventType::GameplayFinished,
            Self::PrizeAssigned(_) => EventType::PrizeAssigned,
            Self::WebhookTest(_) => EventType::WebhookTest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_round_trip() {
        for t in EventType::all() {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert_eq!(EventType::parse("segment.renamed"), None);
    }
}

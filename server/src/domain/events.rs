//! Events: what happened, in the product's words, and the data each one
//! carries (docs/events.md). `store::outbox` writes them in the same
//! transaction as the change that caused it, with their deliveries.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    account::Account, campaign::Campaign, player::Player, segment::Segment, time::rfc3339,
};

/// The event types (their payloads are in docs/events.md), as webhook
/// endpoints subscribe to them.
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
impl utoipa::PartialSchema for EventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The event types (their payloads are in docs/events.md), as webhook\n\
                 endpoints subscribe to them.",
            ))
            .enum_values(Some(Self::all().map(Self::as_str)))
            .into()
    }
}

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
    /// The webhook body, Standard Webhooks shape.
    pub payload: Value,
    pub created_at: i64,
}

/// The ids and names every play event carries.
pub fn play_context(
    account: &Account,
    campaign: &Campaign,
    segment: (&str, Option<&str>),
    play_id: &str,
    player: Option<&Player>,
) -> Value {
    json!({
        "account": {"id": account.id, "name": account.name},
        "campaign": campaign_ref(campaign),
        "segment": {"id": segment.0, "title": segment.1},
        "player": player.map(|p| json!({
            "id": p.id, "external_id": p.external_id,
            "email": p.email, "name": p.name, "fields": p.data,
        })),
        "play": {"id": play_id},
    })
}

/// The data of `segment.created` and `segment.deleted`.
pub fn segment_data(account: &Account, segment: &Segment, campaign: &Campaign) -> Value {
    json!({
        "account": {"id": account.id, "name": account.name},
        "segment": {"id": segment.id, "title": segment.title},
        "campaign": campaign_ref(campaign),
    })
}

/// The data of `segment.updated`: the segment as it is now, and in
/// `previous` what the update changed as it was (the `title`, the
/// `campaign`, or both).
pub fn segment_updated_data(
    account: &Account,
    segment: &Segment,
    campaign: &Campaign,
    previous_title: Option<&str>,
    previous_campaign: Option<&Campaign>,
) -> Value {
    let mut previous = serde_json::Map::new();
    if let Some(title) = previous_title {
        previous.insert("title".into(), title.into());
    }
    if let Some(campaign) = previous_campaign {
        previous.insert("campaign".into(), campaign_ref(campaign));
    }
    let mut data = segment_data(account, segment, campaign);
    data["previous"] = Value::Object(previous);
    data
}

fn campaign_ref(campaign: &Campaign) -> Value {
    json!({"id": campaign.id, "name": campaign.name, "kind": campaign.kind.as_str()})
}

/// The data of `webhook.test`.
pub fn test_data(account: &Account, endpoint_id: &str, endpoint_url: &str) -> Value {
    json!({
        "account": {"id": account.id, "name": account.name},
        "endpoint": {"id": endpoint_id, "url": endpoint_url},
        "message": "This is a test event from Adact.",
    })
}

/// The webhook body of an event: Standard Webhooks' `{type, timestamp,
/// data}`, and the account's `sequence` number of the event.
pub fn envelope(event_type: EventType, created_at: i64, sequence: i64, data: Value) -> Value {
    json!({
        "type": event_type.as_str(),
        "timestamp": rfc3339(created_at),
        "sequence": sequence,
        "data": data,
    })
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

//! Events: what happened, in the product's words, and the data each one
//! carries (docs/events.md). `store::outbox` writes them in the same
//! transaction as the change that caused it, with their deliveries.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    account::Account, campaign::Campaign, player::Player, segment::Segment, time::rfc3339,
};

/// The event types (their payloads are in docs/events.md), as webhook
/// endpoints subscribe to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum EventType {
    #[serde(rename = "segment.created")]
    SegmentCreated,
    #[serde(rename = "segment.updated")]
    SegmentUpdated,
    #[serde(rename = "segment.deleted")]
    SegmentDeleted,
    #[serde(rename = "player.created")]
    PlayerCreated,
    #[serde(rename = "player.updated")]
    PlayerUpdated,
    #[serde(rename = "game.ended")]
    GameEnded,
    #[serde(rename = "gameplay.finished")]
    GameplayFinished,
    #[serde(rename = "prize.assigned")]
    PrizeAssigned,
    #[serde(rename = "webhook.test")]
    WebhookTest,
}

impl EventType {
    pub const ALL: [EventType; 9] = [
        Self::SegmentCreated,
        Self::SegmentUpdated,
        Self::SegmentDeleted,
        Self::PlayerCreated,
        Self::PlayerUpdated,
        Self::GameEnded,
        Self::GameplayFinished,
        Self::PrizeAssigned,
        Self::WebhookTest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SegmentCreated => "segment.created",
            Self::SegmentUpdated => "segment.updated",
            Self::SegmentDeleted => "segment.deleted",
            Self::PlayerCreated => "player.created",
            Self::PlayerUpdated => "player.updated",
            Self::GameEnded => "game.ended",
            Self::GameplayFinished => "gameplay.finished",
            Self::PrizeAssigned => "prize.assigned",
            Self::WebhookTest => "webhook.test",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub account_id: String,
    pub event_type: EventType,
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
        "campaign": {"id": campaign.id, "name": campaign.name, "kind": campaign.kind.as_str()},
        "segment": {"id": segment.0, "title": segment.1},
        "player": player.map(|p| json!({"id": p.id, "external_id": p.external_id, "fields": p.data})),
        "play": {"id": play_id},
    })
}

/// The data of `segment.*` events.
pub fn segment_data(account: &Account, segment: &Segment, campaign: &Campaign) -> Value {
    json!({
        "account": {"id": account.id, "name": account.name},
        "segment": {"id": segment.id, "title": segment.title},
        "campaign": {"id": campaign.id, "name": campaign.name, "kind": campaign.kind.as_str()},
    })
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
/// data}`.
pub fn envelope(event_type: EventType, created_at: i64, data: Value) -> Value {
    json!({
        "type": event_type.as_str(),
        "timestamp": rfc3339(created_at),
        "data": data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_round_trip() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert_eq!(EventType::parse("segment.renamed"), None);
    }
}

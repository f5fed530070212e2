//! Events: what happened, in the product's words. Each is written in the
//! same transaction as the change that caused it, so none is lost and none
//! is told of a change that did not commit. Their webhook deliveries are
//! queued in that same transaction.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::AnyConnection;

use crate::store::{new_id, now_ms};

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

/// The schema of an endpoint's event filter, for the API document: `"*"`
/// (every event) or event types.
pub fn filter_schema() -> utoipa::openapi::schema::Array {
    filter_schema_builder().build()
}

/// [`filter_schema`] or null, for an optional field.
pub fn optional_filter_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{SchemaType, Type};
    filter_schema_builder()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .build()
}

fn filter_schema_builder() -> utoipa::openapi::schema::ArrayBuilder {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let values = std::iter::once("*").chain(EventType::ALL.map(EventType::as_str));
    ArrayBuilder::new().items(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values)),
    )
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

/// Records an event on `conn`, which should be the transaction of the change
/// that caused it. `data` carries the ids and names the event concerns.
pub async fn record(
    conn: &mut AnyConnection,
    account_id: &str,
    event_type: EventType,
    data: Value,
) -> sqlx::Result<Event> {
    record_for(conn, account_id, event_type, data, None).await
}

/// Records an event and queues its webhook deliveries: to every endpoint
/// subscribed to its type, or to `only_endpoint` alone (the test event).
pub async fn record_for(
    conn: &mut AnyConnection,
    account_id: &str,
    event_type: EventType,
    data: Value,
    only_endpoint: Option<&str>,
) -> sqlx::Result<Event> {
    let id = new_id("evt");
    let created_at = now_ms();
    let payload = json!({
        "type": event_type.as_str(),
        "timestamp": rfc3339(created_at),
        "data": data,
    });
    sqlx::query(
        "insert into events (id, account_id, type, payload, created_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(event_type.as_str())
    .bind(payload.to_string())
    .bind(created_at)
    .execute(&mut *conn)
    .await?;
    let event = Event {
        id,
        account_id: account_id.to_owned(),
        event_type,
        payload,
        created_at,
    };
    crate::webhooks::queue::fan_out(conn, &event, only_endpoint).await?;
    Ok(event)
}

/// Unix milliseconds as RFC 3339 UTC with milliseconds, e.g.
/// `2026-11-26T21:04:05.123Z`.
pub fn rfc3339(ms: i64) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time.format(&format).unwrap_or_default()
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

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_000_000_123), "2026-11-18T11:06:40.123Z");
    }
}

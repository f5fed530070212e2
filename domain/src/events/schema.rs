//! The published schema of each event type: its envelope (`id`, `type`,
//! `version`, `timestamp`, `data`) with the data type of [`super::data`],
//! and an example built from those types. `http::openapi` puts them in the
//! API document's `components.schemas` and its `webhooks` section.

use std::collections::BTreeMap;

use adact_wire::CampaignKind;
use serde_json::Value;
use utoipa::{
    PartialSchema, ToSchema,
    openapi::{
        Ref, RefOr,
        schema::{KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type},
    },
};

use super::{EventType, PAYLOAD_VERSION, data::*};
use crate::events::{Envelope, EventData};

impl EventType {
    /// When the event is recorded, for the document.
    pub fn summary(self) -> &'static str {
        match self {
            Self::SegmentCreated => "An admin created a segment.",
            Self::SegmentUpdated => "An admin changed a segment's title or campaign.",
            Self::SegmentDeleted => "An admin deleted a segment.",
            Self::PlayerCreated => "A player registered for the first time with this account.",
            Self::PlayerUpdated => "A known player registered again.",
            Self::PlayerDeleted => "A player's data was erased, on request or by retention.",
            Self::GameEnded => "The game step is over: the server drew the outcome.",
            Self::GameplayFinished => "The player reached the end screen.",
            Self::PrizeAssigned => "A prize was won and its code issued.",
            Self::WebhookTest => "An admin sent a test event to one endpoint.",
        }
    }

    /// The name of the schema of this type's whole body (the envelope).
    pub fn schema_name(self) -> String {
        let mut name = String::new();
        for word in self.as_str().split(['.', '_']) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                name.extend(first.to_uppercase());
                name.push_str(chars.as_str());
            }
        }
        name.push_str("Event");
        name
    }

    /// The name of the schema of this type's `data`.
    fn data_schema_name(self) -> std::borrow::Cow<'static, str> {
        match self {
            Self::SegmentCreated | Self::SegmentDeleted => SegmentData::name(),
            Self::SegmentUpdated => SegmentUpdatedData::name(),
            Self::PlayerCreated | Self::PlayerUpdated => PlayerData::name(),
            Self::PlayerDeleted => PlayerDeletedData::name(),
            Self::GameEnded | Self::GameplayFinished => OutcomeData::name(),
            Self::PrizeAssigned => PrizeAssignedData::name(),
            Self::WebhookTest => WebhookTestData::name(),
        }
    }

    /// Whether the embed also hands this event to the page's `onEvent`.
    pub fn is_play_event(self) -> bool {
        matches!(
            self,
            Self::PlayerCreated
                | Self::PlayerUpdated
                | Self::GameEnded
                | Self::PrizeAssigned
                | Self::GameplayFinished
        )
    }
}

/// Every schema the events need, by name: each type's envelope, the data
/// types and the objects they hold.
pub fn components() -> Vec<(String, RefOr<Schema>)> {
    let mut schemas = Vec::new();
    fn add<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
    add::<SegmentData>(&mut schemas);
    add::<SegmentUpdatedData>(&mut schemas);
    add::<PlayerData>(&mut schemas);
    add::<PlayerDeletedData>(&mut schemas);
    add::<OutcomeData>(&mut schemas);
    add::<PrizeAssignedData>(&mut schemas);
    add::<WebhookTestData>(&mut schemas);
    add::<PlayEvent>(&mut schemas);
    for event_type in EventType::all() {
        schemas.push((event_type.schema_name(), envelope_schema(event_type)));
    }
    // Each object once, in a stable order.
    let mut seen = std::collections::HashSet::new();
    schemas.retain(|(name, _)| seen.insert(name.clone()));
    schemas
}

/// The body of one event type.
fn envelope_schema(event_type: EventType) -> RefOr<Schema> {
    let string = |description: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
    };
    ObjectBuilder::new()
        .title(Some(event_type.as_str()))
        .description(Some(event_type.summary()))
        .property(
            "id",
            string("The event's id, `evt_...`: the same as the `webhook-id` header.")
                .pattern(Some("^evt_")),
        )
        .property(
            "type",
            string("The event type.").enum_values(Some([event_type.as_str()])),
        )
        .property(
            "version",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .description(Some(
                    "The payload's version: additive changes keep it, breaking ones bump it.",
                ))
                .enum_values(Some([PAYLOAD_VERSION])),
        )
        .property(
            "timestamp",
            string("When the event was recorded, RFC 3339 UTC with milliseconds.")
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
        )
        .property(
            "sequence",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .description(Some(
                    "The account's number for the event: 1, 2, 3 ... in the order the account's \
                     events were recorded and committed, without gaps in the account (an endpoint \
                     sees gaps where events went elsewhere).",
                )),
        )
        .property("data", Ref::from_schema_name(event_type.data_schema_name()))
        .required("id")
        .required("type")
        .required("version")
        .required("timestamp")
        .required("sequence")
        .required("data")
        .examples([example(event_type)])
        .into()
}

/// Any event the embed hands to `onEvent` (a step's `events`): one of the
/// play events, told apart by `type`.
#[derive(Debug)]
pub struct PlayEvent;

impl PartialSchema for PlayEvent {
    fn schema() -> RefOr<Schema> {
        let mut one_of = OneOfBuilder::new().description(Some(
            "A play event's body, exactly as the webhook carries it; told apart by `type`.",
        ));
        for event_type in EventType::all().filter(|t| t.is_play_event()) {
            one_of = one_of.item(Ref::from_schema_name(event_type.schema_name()));
        }
        one_of.into()
    }
}

impl ToSchema for PlayEvent {}

/// An example body of `event_type`, built from the types that are sent.
pub fn example(event_type: EventType) -> Value {
    let data = example_data(event_type);
    // 2026-11-26T21:04:09.004Z
    Envelope::new(
        "evt_01kb2y0d9m3q7v1z5d9h3m7q1v",
        1_795_727_049_004,
        42,
        &data,
    )
    .to_value()
}

/// Example data of `event_type` (the document's examples; tests and
/// benchmarks record it as filler).
pub fn example_data(event_type: EventType) -> EventData {
    let account = EventAccount {
        id: "acc_01kb2xq5s7a4j8e0m3v9c6ht1d".into(),
        name: "Default account".into(),
    };
    let wheel = EventCampaign {
        id: "cmp_01kb2xq5s7e9w1r4b8n2k5pz3f".into(),
        name: "Holiday Wheel".into(),
        kind: CampaignKind::Wheel,
    };
    let segment = EventSegment {
        id: "seg_01kb2xq5s8c3m7q1t5y9d2gx4h".into(),
        title: Some("Default Users".into()),
    };
    let player = EventPlayer {
        id: "plr_01kb2y0c4t8j2n6r0v4z8c2g6k".into(),
        external_id: "42".into(),
        email: Some("ada@example.com".into()),
        name: Some("Ada".into()),
        fields: BTreeMap::from([
            ("email".into(), "ada@example.com".into()),
            ("name".into(), "Ada".into()),
        ]),
        consent: EventConsent {
            given: true,
            text: Some("I agree to receive offers by email.".into()),
            at: Some("2026-11-26T21:04:05.123Z".into()),
        },
        created_at: "2026-11-26T21:04:05.123Z".into(),
        updated_at: "2026-11-26T21:04:05.123Z".into(),
    };
    let context = PlayContext {
        account: account.clone(),
        campaign: wheel.clone(),
        segment: segment.clone(),
        player: Some(player),
        play: EventPlay {
            id: "play_01kb2y0bq3f7k1p5t9x3b7f1j5".into(),
        },
    };
    let prize = EventPrize {
        id: "prz_01kb2xq5s7h2k6n0r4w8a1e5jm".into(),
        name: "10% off".into(),
        description: "Ten percent off your next order.".into(),
        code: Some("TEN-3Y67ZTWC4Q".into()),
        valid_until: Some("2027-01-31".into()),
    };
    let outcome = OutcomeData {
        context: context.clone(),
        outcome: EventOutcome {
            won: true,
            prize: Some(prize.clone()),
            score: None,
        },
    };
    let segment_data = SegmentData {
        account: account.clone(),
        segment,
        campaign: wheel,
    };
    match event_type {
        EventType::SegmentCreated => EventData::SegmentCreated(segment_data),
        EventType::SegmentDeleted => EventData::SegmentDeleted(segment_data),
        EventType::SegmentUpdated => EventData::SegmentUpdated(SegmentUpdatedData {
            segment: segment_data,
            previous: SegmentPrevious {
                title: Some("Xmas Users".into()),
                campaign: None,
            },
        }),
        EventType::PlayerCreated => EventData::PlayerCreated(PlayerData { context }),
        EventType::PlayerUpdated => EventData::PlayerUpdated(PlayerData { context }),
        EventType::PlayerDeleted => EventData::PlayerDeleted(PlayerDeletedData {
            account,
            player: ErasedPlayer {
                id: "plr_01kb2y0c4t8j2n6r0v4z8c2g6k".into(),
                external_id: "42".into(),
            },
            reason: ErasureReason::Request,
        }),
        EventType::GameEnded => EventData::GameEnded(outcome),
        EventType::GameplayFinished => EventData::GameplayFinished(outcome),
        EventType::PrizeAssigned => EventData::PrizeAssigned(PrizeAssignedData { context, prize }),
        EventType::WebhookTest => EventData::WebhookTest(WebhookTestData {
            account,
            endpoint: EventEndpoint {
                id: "ep_01kb2xq5s9p4t8x2b6f0j4n8r2".into(),
                url: "https://example.com/webhooks/adact".into(),
            },
            message: WebhookTestData::MESSAGE.into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_schema_and_an_example_of_its_own_type() {
        let names: Vec<_> = components().into_iter().map(|(name, _)| name).collect();
        for event_type in EventType::all() {
            assert!(names.contains(&event_type.schema_name()), "{event_type}");
            assert!(names.contains(&event_type.data_schema_name().into_owned()));
            let example = example(event_type);
            assert_eq!(example["type"], event_type.as_str());
            assert_eq!(example["version"], PAYLOAD_VERSION);
        }
        assert_eq!(
            EventType::GameplayFinished.schema_name(),
            "GameplayFinishedEvent"
        );
        assert_eq!(EventType::WebhookTest.schema_name(), "WebhookTestEvent");
    }
}

//! The event contract: every event type, made by a real play and a real
//! admin change and received by a real webhook receiver, matches the schema
//! the API document publishes for it (its `webhooks`), checked with a JSON
//! Schema validator; and the embed's steps answer the very same bodies.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use adact_domain::events::EventType;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{receiver::Receiver, server::TestServer};

/// The published document and a validator per event type.
struct Published {
    document: Value,
}

impl Published {
    async fn fetch(server: &TestServer) -> Self {
        Self {
            document: crate::openapi::Document::fetch(server).await.0,
        }
    }

    /// The schema the document publishes for `event_type`'s body: its
    /// webhook's request body.
    fn schema(&self, event_type: &str) -> &Value {
        let schema = &self.document["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert!(
            schema.is_object(),
            "the document publishes no webhook {event_type}"
        );
        schema
    }

    /// Validates `body` against the published schema of its `type`, with
    /// the document's components beside it so that its
    /// `#/components/schemas/...` references resolve; formats (date-time)
    /// are checked too. Panics with every mismatch.
    fn validate(&self, body: &Value) {
        let errors = self.errors(body);
        assert!(
            errors.is_empty(),
            "a {} body does not match its published schema:\n{}\nbody: {body:#}",
            body["type"],
            errors.join("\n")
        );
    }

    /// What is wrong with `body` by the published schema of its `type`.
    fn errors(&self, body: &Value) -> Vec<String> {
        let event_type = body["type"].as_str().expect("an event without a type");
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.document["components"],
            "allOf": [self.schema(event_type)],
        });
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|err| panic!("the schema of {event_type} does not compile: {err}"));
        validator
            .iter_errors(body)
            .map(|err| format!("  at {}: {err}", err.instance_path()))
            .collect()
    }
}

async fn server() -> TestServer {
    TestServer::start(|config| config.allow_private_endpoints = true).await
}

/// Sends a step twice (the second a retry) and returns its answer, after
/// checking that the retry answered the same, events included.
async fn step(server: &TestServer, session: &str, name: &str, body: Value) -> Value {
    let path = format!("/api/v1/embed/sessions/{session}/{name}");
    let (status, first) = server.public(&path, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{name}: {first}");
    let (status, again) = server.public(&path, body).await;
    assert_eq!(status, StatusCode::OK, "{name} again: {again}");
    assert_eq!(first, again, "a retried {name} answers otherwise");
    first
}

#[tokio::test]
async fn every_event_type_matches_its_published_schema() {
    let receiver = Receiver::start().await;
    let server = server().await;
    let (status, body) = server
        .call(
            Method::PUT,
            "/api/v1/webhooks/settings",
            Some(json!({"enabled": true, "url": receiver.url("/ok")})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A wheel with a form and a consent checkbox, that always wins; a quiz
    // without a form, answered wrong (no prize, a score).
    let wheel = server
        .campaign(
            "Contract Wheel",
            "wheel",
            json!({
                "texts": {"title": "Spin"},
                "play_limit": "unlimited",
                "form": {
                    "fields": [
                        {"key": "email", "type": "email", "label": "Email", "required": true},
                        {"key": "name", "type": "name", "label": "Name"}
                    ],
                    "consent": {"label": "Send me offers by email.", "required": true}
                },
                "prizes": [{"name": "10% off", "description": "Ten percent off.", "weight": 1,
                            "valid_until": "2027-01-31",
                            "codes": {"generate": {"prefix": "TEN-"}}}],
                "no_prize": {"label": "Next time", "weight": 0}
            }),
        )
        .await
        .segment_id;
    server
        .campaign(
            "Contract Quiz",
            "quiz",
            json!({
                "texts": {"title": "Quiz"},
                "play_limit": "unlimited",
                "prizes": [{"name": "Mug", "weight": 1, "codes": {"generate": {"prefix": "MUG-"}}}],
                "quiz": {"questions": [{"text": "2 + 2?", "answers": ["3", "4"], "correct": 1}],
                         "pass_score": 1}
            }),
        )
        .await;

    // The plays, each step sent twice; what the steps answered, by event id.
    let mut answered: BTreeMap<String, Value> = BTreeMap::new();
    let mut keep = |answer: &Value| {
        for event in answer["events"].as_array().expect("a step without events") {
            answered.insert(event["id"].as_str().unwrap().to_owned(), event.clone());
        }
    };
    let (id, token) = server.session("Contract Wheel", "ada").await;
    let registered = step(
        &server,
        &id,
        "register",
        json!({"token": token, "fields": {"email": "ada@example.com", "name": "Ada"}, "consent": true}),
    )
    .await;
    keep(&registered);
    let played = step(&server, &id, "play", json!({"token": token})).await;
    keep(&played);
    let code = played["code"].as_str().unwrap().to_owned();
    keep(&step(&server, &id, "finish", json!({"token": token})).await);
    let (id, token) = server.session("Contract Quiz", "ada").await;
    keep(&step(&server, &id, "register", json!({"token": token})).await);
    keep(
        &step(
            &server,
            &id,
            "play",
            json!({"token": token, "answers": [0]}),
        )
        .await,
    );
    keep(&step(&server, &id, "finish", json!({"token": token})).await);

    // The admin changes.
    let (status, body) = server
        .call(
            Method::PATCH,
            &format!("/api/v1/segments/{wheel}"),
            Some(json!({"title": "Contract Wheel 2"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .call(Method::DELETE, &format!("/api/v1/segments/{wheel}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // 2 segments created, 1 updated, 1 deleted; the wheel's play 4 events,
    // the quiz's 3; the test event; then the erasure's.
    receiver
        .wait_for_distinct(2 + 1 + 1 + 4 + 3 + 1, Duration::from_secs(20))
        .await;
    // The player erased once their events arrived: player.deleted.
    let player = registered["player_id"].as_str().unwrap();
    let (status, body) = server
        .call(Method::DELETE, &format!("/api/v1/players/{player}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let got = receiver
        .wait_for_distinct(2 + 1 + 1 + 4 + 3 + 1 + 1, Duration::from_secs(20))
        .await;
    let published = Published::fetch(&server).await;
    let mut bodies: BTreeMap<String, Value> = BTreeMap::new();
    for request in &got {
        let body = request.json();
        assert_eq!(request.header("webhook-id"), body["id"], "{body}");
        bodies.insert(body["id"].as_str().unwrap().to_owned(), body);
    }
    let mut validated = BTreeSet::new();
    for body in bodies.values() {
        published.validate(body);
        validated.insert(body["type"].as_str().unwrap().to_owned());
    }
    for event_type in EventType::all() {
        assert!(
            validated.contains(event_type.as_str()),
            "no {event_type} was received and validated"
        );
        // The document's own example matches too.
        let example = &published.document["webhooks"][event_type.as_str()]["post"]["requestBody"]["content"]
            ["application/json"]["example"];
        published.validate(example);
    }

    // The schemas hold: a body missing a promised field, or of another
    // version or type, does not pass.
    let assigned = bodies
        .values()
        .find(|b| b["type"] == "prize.assigned")
        .unwrap();
    for (pointer, broken) in [
        ("/data/prize/code", Value::Null),
        ("/data/prize", json!({"id": "prz_1", "name": "10% off"})),
        ("/data/player/consent/given", json!("yes")),
        ("/version", json!(2)),
        ("/timestamp", json!("yesterday")),
    ] {
        let mut body = assigned.clone();
        *body.pointer_mut(pointer).unwrap() = broken;
        if pointer == "/data/prize/code" {
            // A prize's code may be null, but not missing.
            assert!(published.errors(&body).is_empty(), "{body:#}");
            body["data"]["prize"]
                .as_object_mut()
                .unwrap()
                .remove("code");
        }
        assert!(
            !published.errors(&body).is_empty(),
            "{pointer} passes broken: {body:#}"
        );
    }
    let mut body = assigned.clone();
    body["type"] = json!("game.ended");
    assert!(
        !published.errors(&body).is_empty(),
        "a prize.assigned body passes as game.ended"
    );

    // The steps answered exactly the bodies the webhooks carried.
    assert_eq!(answered.len(), 7, "{answered:#?}");
    for (id, event) in &answered {
        assert_eq!(
            Some(event),
            bodies.get(id),
            "the step's {id} is not the webhook's"
        );
    }

    // The fields the contract promises.
    let of = |event_type: &str| -> Vec<&Value> {
        bodies
            .values()
            .filter(|b| b["type"] == event_type)
            .map(|b| &b["data"])
            .collect()
    };
    let created = of("player.created")[0];
    let consent = &created["player"]["consent"];
    assert_eq!(consent["given"], true, "{created}");
    assert_eq!(consent["text"], "Send me offers by email.");
    assert!(consent["at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        created["player"]["created_at"],
        created["player"]["updated_at"]
    );
    // The quiz's form asked nothing: the consent given before stays.
    let updated = of("player.updated")[0];
    assert_eq!(updated["player"]["consent"], *consent);
    // RFC 3339 UTC with milliseconds sorts as text.
    assert!(
        updated["player"]["updated_at"].as_str().unwrap()
            >= updated["player"]["created_at"].as_str().unwrap()
    );
    let assigned = of("prize.assigned")[0];
    let prize = json!({"id": assigned["prize"]["id"], "name": "10% off",
                       "description": "Ten percent off.", "code": code,
                       "valid_until": "2027-01-31"});
    assert_eq!(assigned["prize"], prize);
    let ended: Vec<&Value> = of("game.ended");
    let won = ended.iter().find(|d| d["outcome"]["won"] == true).unwrap();
    assert_eq!(won["outcome"]["prize"], prize);
    let lost = ended.iter().find(|d| d["outcome"]["won"] == false).unwrap();
    assert_eq!(
        lost["outcome"],
        json!({"won": false, "prize": null, "score": 0})
    );
    let finished = of("gameplay.finished");
    assert!(finished.iter().any(|d| d["outcome"]["prize"] == prize));
    for body in bodies.values() {
        assert_eq!(body["version"], 1, "{body}");
    }
    server.stop().await;
}

//! The event contract's order and "nothing lost while off": per-account
//! sequence numbers, a play's events in causal order, ordered endpoints,
//! skipped deliveries and "recover since".

use std::time::Duration;

use adact_domain::{
    events::{EventData, EventType, schema::example_data},
    time as clock,
};
use adact_store::{Backend, Store, outbox};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    receiver::Receiver,
    server::{TestServer, create_endpoint, enable_webhooks, record_events},
    webhooks::{account_id, enable, server},
};

async fn toggle(server: &TestServer, enabled: bool) {
    let (status, body) = server
        .call(
            Method::PUT,
            "/api/v1/webhooks/settings",
            Some(json!({"enabled": enabled})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Records one `player.updated` per `(player, step)` in its own
/// transaction, in order; `step` is the play's id (`"play": {"id":
/// "step-a1"}`) for the receiver to match. Without a player, the event
/// concerns none.
async fn record_steps(store: &Store, account_id: &str, steps: &[(Option<&str>, &str)]) {
    for (player, step) in steps {
        let EventData::PlayerUpdated(mut data) = example_data(EventType::PlayerUpdated) else {
            unreachable!()
        };
        data.context.play.id = (*step).to_owned();
        match player {
            Some(id) => data.context.player.as_mut().unwrap().id = (*id).to_owned(),
            None => data.context.player = None,
        }
        let account_id = account_id.to_owned();
        store
            .transact(move |tx| {
                Box::pin(async move {
                    outbox::record(tx, &account_id, EventData::PlayerUpdated(data)).await
                })
            })
            .await
            .unwrap();
    }
}

/// The step an event of `record_steps` carries.
fn step_of(body: &Value) -> String {
    body["data"]["play"]["id"].as_str().unwrap().to_owned()
}

async fn history(server: &TestServer, query: &str) -> Vec<Value> {
    let (status, page) = server
        .call(
            Method::GET,
            &format!("/api/v1/webhooks/deliveries?limit=200{query}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["data"].as_array().unwrap().clone()
}

async fn recover(server: &TestServer, endpoint: &str, since: Value) -> (StatusCode, Value) {
    server
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/endpoints/{endpoint}/recover"),
            Some(json!({ "since": since })),
        )
        .await
}

fn since(ms_ago: i64) -> Value {
    clock::rfc3339(clock::now_ms() - ms_ago).into()
}

#[tokio::test]
async fn a_plays_events_are_recorded_in_causal_order_with_their_sequence() {
    let server = TestServer::start(|_| {}).await;
    let (status, campaign) = server
        .call(
            Method::POST,
            "/api/v1/campaigns",
            Some(json!({"name": "Order", "kind": "wheel", "status": "active", "definition": {
                "texts": {"title": "Win"},
                "form": {"fields": [{"key": "email", "type": "email", "label": "Email", "required": true}]},
                "prizes": [{"name": "Gift card", "weight": 1, "stock": 5, "codes": {"generate": {"prefix": "GIFT"}}}],
                "no_prize": {"label": "Next time", "weight": 0}
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let (status, body) = server
        .call(
            Method::POST,
            "/api/v1/segments",
            Some(json!({"title": "Order", "campaign_id": campaign["id"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, render) = server
        .public(
            "/api/v1/embed/render",
            json!({"segment": "Order", "user": {"id": "ada"}}),
        )
        .await;
    let id = render["session"]["id"].as_str().unwrap();
    let token = render["session"]["token"].as_str().unwrap();
    for step in ["register", "play", "finish"] {
        let body = match step {
            "register" => {
                json!({"token": token, "fields": {"email": "ada@example.com"}, "consent": true})
            }
            _ => json!({"token": token}),
        };
        let (status, answer) = server
            .public(&format!("/api/v1/embed/sessions/{id}/{step}"), body)
            .await;
        assert_eq!(status, StatusCode::OK, "{step}: {answer}");
    }

    let store = server.second_store().await;
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "select id, type, sequence, payload from events where account_id = $1 order by sequence",
    )
    .bind(account_id(&server).await)
    .fetch_all(store.pool())
    .await
    .unwrap();
    store.close().await;
    let types: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        types,
        [
            "segment.created",
            "player.created",
            "game.ended",
            "prize.assigned",
            "gameplay.finished"
        ]
    );
    let sequences: Vec<i64> = rows.iter().map(|r| r.2).collect();
    assert_eq!(sequences, [1, 2, 3, 4, 5]);
    // Sorting by id gives the same order, even for the two events the play
    // step records within one millisecond.
    let mut by_id = rows.clone();
    by_id.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(by_id, rows);
    for (_, _, sequence, payload) in &rows {
        let payload: Value = serde_json::from_str(payload).unwrap();
        assert_eq!(payload["sequence"], *sequence, "{payload}");
    }
    server.stop().await;
}

/// Both backends number each account's events 1, 2, 3 ... with no number
/// twice; SQLite's one writer also commits them in that order, so a reader
/// never sees number n+1 before n. PostgreSQL takes them from a sequence
/// that never waits for another transaction, so writers at the same moment
/// may commit out of order (docs/webhooks.md: what order is guaranteed).
#[tokio::test]
async fn sequence_numbers_each_accounts_events_across_writers() {
    let server = TestServer::start(|_| {}).await;
    let account = account_id(&server).await;
    let other = adact_server::app::accounts::create_account(
        &server.second_store().await,
        "Other",
        None,
        None,
    )
    .await
    .unwrap()
    .account
    .id;
    let stores = [
        server.second_store().await,
        server.second_store().await,
        server.second_store().await,
    ];
    // On SQLite, a reader that must never see number n+1 committed before n.
    let in_commit_order = stores[0].backend() == Backend::Sqlite;
    let watcher = {
        let store = server.second_store().await;
        let account = account.clone();
        tokio::spawn(async move {
            let mut looks = 0;
            loop {
                let (count, max): (i64, Option<i64>) = sqlx::query_as(
                    "select count(*), max(sequence) from events where account_id = $1",
                )
                .bind(&account)
                .fetch_one(store.pool())
                .await
                .unwrap();
                if in_commit_order {
                    assert_eq!(count, max.unwrap_or(0), "a gap was visible");
                } else {
                    assert!(count <= max.unwrap_or(0), "a number was given twice");
                }
                looks += 1;
                if count >= 180 {
                    // Three writers of three tasks, twenty events each.
                    return looks;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    let mut writers = Vec::new();
    for store in &stores {
        for task in 0..4 {
            let store = store.clone();
            let account = if task == 3 {
                other.clone()
            } else {
                account.clone()
            };
            writers.push(tokio::spawn(async move {
                for _ in 0..20 {
                    let account = account.clone();
                    let data = example_data(EventType::SegmentUpdated);
                    store
                        .transact(move |tx| {
                            Box::pin(async move { outbox::record(tx, &account, data).await })
                        })
                        .await
                        .unwrap();
                }
            }));
        }
    }
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(watcher.await.unwrap() > 0);
    for (account, n) in [(&account, 180), (&other, 60)] {
        let sequences: Vec<i64> =
            sqlx::query_scalar("select sequence from events where account_id = $1 order by seq")
                .bind(account)
                .fetch_all(stores[0].pool())
                .await
                .unwrap();
        let mut sorted = sequences.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (1..=n).collect::<Vec<i64>>(), "{account}");
    }
    for store in stores {
        store.close().await;
    }
    server.stop().await;
}

/// The proof: an ordered endpoint fails the first attempt of a
/// player's second event; the player's later events wait for its retry,
/// then all arrive in sequence. Another player's events do not wait.
#[tokio::test]
async fn an_ordered_endpoint_holds_a_players_later_events_until_the_earlier_one_succeeds() {
    let receiver = Receiver::start().await;
    let server = server("0s,1s").await;
    let endpoint = enable(&server, &receiver.url("/fail-first/step-a2")).await;
    let endpoint_id = endpoint["id"].as_str().unwrap();
    let (status, body) = server
        .call(
            Method::PATCH,
            &format!("/api/v1/webhooks/endpoints/{endpoint_id}"),
            Some(json!({"ordered": true})),
        )
        .await;
    assert_eq!((status, &body["ordered"]), (StatusCode::OK, &json!(true)));

    let store = server.second_store().await;
    let (a, b) = (Some("ply_a"), Some("ply_b"));
    record_steps(
        &store,
        &account_id(&server).await,
        &[
            (a, "step-a1"),
            (a, "step-a2"),
            (b, "step-b1"),
            (a, "step-a3"),
            (None, "step-n1"),
            (b, "step-b2"),
            (a, "step-a4"),
            (a, "step-a5"),
            (b, "step-b3"),
        ],
    )
    .await;
    // Nine events, and a2 twice.
    let got = receiver
        .wait_for(Duration::from_secs(15), |got| got.len() >= 10)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = {
        let all = receiver.received();
        assert_eq!(all.len(), got.len(), "more requests than expected");
        all
    };
    let steps: Vec<(String, i64)> = got
        .iter()
        .map(|r| {
            let body = r.json();
            (step_of(&body), body["sequence"].as_i64().unwrap())
        })
        .collect();
    let of = |player: char| -> Vec<(String, i64)> {
        steps
            .iter()
            .filter(|(s, _)| s.starts_with(&format!("step-{player}")))
            .cloned()
            .collect()
    };
    let a_steps: Vec<String> = of('a').into_iter().map(|(s, _)| s).collect();
    assert_eq!(
        a_steps,
        [
            "step-a1", "step-a2", "step-a2", "step-a3", "step-a4", "step-a5"
        ],
        "all received: {steps:?}"
    );
    for player in ['a', 'b'] {
        let sequences: Vec<i64> = of(player).iter().map(|(_, n)| *n).collect();
        assert!(
            sequences.windows(2).all(|w| w[0] <= w[1]),
            "{player}: {sequences:?}"
        );
    }
    // Player b did not wait for a's retry (a second away).
    let retry = steps.iter().rposition(|(s, _)| s == "step-a2").unwrap();
    let last_b = steps.iter().rposition(|(s, _)| s == "step-b3").unwrap();
    assert!(last_b < retry, "b waited for a: {steps:?}");
    // The history names each delivery's sequence, as its body had it.
    let sent: std::collections::HashMap<String, i64> = got
        .iter()
        .map(|r| {
            let body = r.json();
            (
                body["id"].as_str().unwrap().to_owned(),
                body["sequence"].as_i64().unwrap(),
            )
        })
        .collect();
    let listed = history(&server, "").await;
    assert_eq!(listed.len(), 9);
    for delivery in &listed {
        assert_eq!(
            delivery["sequence"].as_i64(),
            sent.get(delivery["event_id"].as_str().unwrap()).copied(),
            "{delivery}"
        );
    }
    store.close().await;
    server.stop().await;
}

/// Two workers claiming at once never hold two deliveries of one ordered
/// group; the group goes in sequence, a delivery that failed for good or
/// was skipped holds nothing back, and an unordered endpoint's deliveries
/// are all claimable at once. No server runs: the test is the workers.
#[tokio::test]
async fn workers_claim_one_delivery_of_an_ordered_group_at_a_time() {
    use adact_domain::webhook::EndpointFields;
    use adact_server::app::accounts as bootstrap;
    use adact_store::queue::{self, Completion, Next};

    let dir = tempfile::tempdir().unwrap();
    let url = adact_store::testing::database_url(dir.path())
        .await
        .unwrap();
    let store = Store::connect(&url, 4).await.unwrap();
    let other = Store::connect(&url, 4).await.unwrap();
    let account = bootstrap::create_account(&store, "Order", None, None)
        .await
        .unwrap()
        .account
        .id;
    enable_webhooks(&store, &account).await;
    let fields = |ordered: bool| EndpointFields {
        url: "https://hooks.example.com/adact".into(),
        description: String::new(),
        events: vec!["player.updated".into()],
        enabled: true,
        timeout_ms: 2000,
        headers: Default::default(),
        ordered,
    };
    let ordered = create_endpoint(&store, &account, fields(true), true)
        .await
        .id;
    let steps: Vec<_> = (1..=6).map(|n| format!("step-{n}")).collect();
    let plan: Vec<_> = steps.iter().map(|s| (Some("ply_a"), s.as_str())).collect();
    record_steps(&store, &account, &plan).await;

    let lease = Duration::from_secs(600);
    let complete = |claimed: &queue::Claimed, next: Next| Completion {
        delivery_id: claimed.id.clone(),
        attempt: claimed.attempt,
        endpoint_id: claimed.endpoint_id.clone(),
        next,
        record: None,
        status: None,
        error: None,
        disable_endpoint: None,
        endpoint_succeeded: None,
        ordered: claimed.ordered,
    };
    let mut sent = Vec::new();
    // Succeeds, fails for good, is skipped, then succeeds: each outcome
    // lets the next in line go.
    for next in [
        Next::Succeeded,
        Next::Failed,
        Next::Skipped,
        Next::Succeeded,
        Next::RetryAt(0),
        Next::Succeeded,
        Next::Succeeded,
    ] {
        let (one, two) = tokio::join!(
            queue::claim(&store, 64, lease),
            queue::claim(&other, 64, lease)
        );
        let claimed: Vec<_> = one.unwrap().into_iter().chain(two.unwrap()).collect();
        assert_eq!(claimed.len(), 1, "{claimed:#?}");
        let payload: Value = serde_json::from_str(&claimed[0].payload).unwrap();
        sent.push(step_of(&payload));
        queue::complete(&store, &[complete(&claimed[0], next)], lease)
            .await
            .unwrap();
    }
    // step-5 was retried in place: nothing behind it went first.
    assert_eq!(
        sent,
        [
            "step-1", "step-2", "step-3", "step-4", "step-5", "step-5", "step-6"
        ]
    );
    assert!(queue::claim(&store, 64, lease).await.unwrap().is_empty());

    // The same events to an unordered endpoint: all claimable at once.
    create_endpoint(&store, &account, fields(false), false).await;
    record_steps(&store, &account, &plan).await;
    let (one, two) = tokio::join!(
        queue::claim(&store, 64, lease),
        queue::claim(&other, 64, lease)
    );
    let claimed: Vec<_> = one.unwrap().into_iter().chain(two.unwrap()).collect();
    let to_ordered = claimed.iter().filter(|c| c.endpoint_id == ordered).count();
    assert_eq!((claimed.len(), to_ordered), (7, 1), "{claimed:#?}");
    other.close().await;
    store.close().await;
}

#[tokio::test]
async fn events_while_webhooks_are_off_are_skipped_then_recovered() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    let endpoint = enable(&server, &receiver.url("/ok")).await;
    let endpoint_id = endpoint["id"].as_str().unwrap();
    toggle(&server, false).await;
    let store = server.second_store().await;
    let ids = record_events(&store, &account_id(&server).await, 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.received().is_empty());
    let skipped = history(&server, "&status=skipped").await;
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("webhooks were off"),
        "{skipped:?}"
    );

    // Still off: recovering would only skip them again.
    let (status, body) = recover(&server, endpoint_id, since(60_000)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("webhooks_disabled")),
        "{body}"
    );
    toggle(&server, true).await;
    // Since a time after them: none.
    let (status, body) = recover(&server, endpoint_id, since(0)).await;
    assert_eq!(
        (status, &body),
        (StatusCode::ACCEPTED, &json!({"queued": 0}))
    );
    let (status, body) = recover(&server, endpoint_id, since(60_000)).await;
    assert_eq!(
        (status, &body),
        (StatusCode::ACCEPTED, &json!({"queued": 3}))
    );
    let got = receiver.wait_for_distinct(3, Duration::from_secs(10)).await;
    let mut seen: Vec<_> = got
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    seen.sort();
    assert_eq!(seen, ids);
    for _ in 0..100 {
        if history(&server, "&status=succeeded").await.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(history(&server, "&status=succeeded").await.len(), 3);
    assert!(history(&server, "&status=skipped").await.is_empty());
    // Recovered once: a second recovery finds nothing.
    let (_, body) = recover(&server, endpoint_id, since(60_000)).await;
    assert_eq!(body, json!({"queued": 0}));
    store.close().await;
    server.stop().await;
}

#[tokio::test]
async fn events_while_an_endpoint_is_disabled_are_skipped_then_recovered() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    let main = enable(&server, &receiver.url("/ok")).await;
    let (status, other) = server
        .call(
            Method::POST,
            "/api/v1/webhooks/endpoints",
            Some(json!({"url": receiver.url("/ok"), "enabled": false})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let other = other["id"].as_str().unwrap();
    let store = server.second_store().await;
    let ids = record_events(&store, &account_id(&server).await, 2).await;
    // The enabled endpoint gets them; the disabled one keeps them skipped.
    receiver.wait_for_distinct(2, Duration::from_secs(10)).await;
    let skipped = history(&server, &format!("&endpoint_id={other}")).await;
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    for delivery in &skipped {
        assert_eq!(delivery["status"], "skipped");
        assert_eq!(
            delivery["last_error"],
            "Not sent: the endpoint was disabled: it was disabled by an admin."
        );
    }
    let (status, body) = recover(&server, other, since(60_000)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("endpoint_disabled")),
        "{body}"
    );
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/api/v1/webhooks/endpoints/{other}"),
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The main endpoint has nothing skipped.
    let (_, body) = recover(&server, main["id"].as_str().unwrap(), since(60_000)).await;
    assert_eq!(body, json!({"queued": 0}));
    let (status, body) = recover(&server, other, since(60_000)).await;
    assert_eq!(
        (status, &body),
        (StatusCode::ACCEPTED, &json!({"queued": 2}))
    );
    let got = receiver
        .wait_for(Duration::from_secs(10), |got| got.len() >= 4)
        .await;
    for id in &ids {
        assert_eq!(
            got.iter().filter(|r| r.header("webhook-id") == id).count(),
            2,
            "{id} went to both endpoints once"
        );
    }
    store.close().await;
    server.stop().await;
}

#[tokio::test]
async fn recover_checks_its_window_and_the_endpoint() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    let endpoint = enable(&server, &receiver.url("/ok")).await;
    let endpoint_id = endpoint["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/endpoints/{endpoint_id}/recover");
    for (body, field) in [
        (json!({}), "since"),
        (json!({"since": "yesterday"}), "since"),
        (json!({"since": 5}), "since"),
        (since(-3_600_000), "since"),
        (since(31 * 86_400_000), "since"),
    ] {
        let body = if body.is_object() {
            body
        } else {
            json!({ "since": body })
        };
        let (status, answer) = server.call(Method::POST, &path, Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], "validation_failed", "{answer}");
        assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
    }
    let (status, answer) = server
        .call(
            Method::POST,
            &path,
            Some(json!({"since": since(1000), "until": since(0)})),
        )
        .await;
    assert!(status.is_client_error(), "an unknown field: {answer}");
    let (status, answer) = recover(&server, "ep_nope", since(1000)).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("endpoint_not_found"))
    );
    server.stop().await;
}

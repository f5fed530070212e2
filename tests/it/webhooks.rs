//! The webhook engine against a real receiver: signing, the 2-second
//! timeout, retries, 410 and 429, the master toggle, history and resend,
//! secret rotation, and the SSRF guard.

use std::time::Duration;

use adact_domain::time as clock;
use adact_store::Store;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    receiver::{Receiver, verify_request},
    server::{TestServer, record_events},
};

/// A server that may call loopback, with this retry schedule.
pub(crate) async fn server(schedule: &str) -> TestServer {
    let schedule = schedule.to_owned();
    TestServer::start(move |config| {
        config.allow_private_endpoints = true;
        config.webhooks.retry_schedule = adact_server::config::Schedule(
            schedule
                .split(',')
                .map(|d| adact_server::config::parse_duration(d).unwrap())
                .collect(),
        );
    })
    .await
}

/// Turns webhooks on with the settings view; returns the endpoint.
pub(crate) async fn enable(server: &TestServer, url: &str) -> Value {
    let (status, body) = server
        .call(
            Method::PUT,
            "/api/v1/webhooks/settings",
            Some(json!({"enabled": true, "url": url})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["endpoint"].clone()
}

pub(crate) async fn account_id(server: &TestServer) -> String {
    let (_, account) = server.call(Method::GET, "/api/v1/account", None).await;
    account["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_test_event_is_signed_and_recorded_with_request_and_response() {
    let receiver = Receiver::start().await;
    let server = server("0s,100ms").await;
    let endpoint = enable(&server, &receiver.url("/ok")).await;
    let secret = endpoint["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));

    let (status, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["succeeded"], true, "{result}");
    assert_eq!(result["response_status"], 200);

    let got = receiver.received();
    assert_eq!(got.len(), 1);
    let request = &got[0];
    assert!(verify_request(secret, request), "signature does not verify");
    assert_eq!(
        request.header("webhook-id"),
        result["event_id"].as_str().unwrap()
    );
    assert_eq!(request.header("content-type"), "application/json");
    assert!(request.header("user-agent").starts_with("Adact-Webhooks/"));
    let sent_at: i64 = request.header("webhook-timestamp").parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - sent_at).abs() <= 5);
    let body = request.json();
    assert_eq!(body["type"], "webhook.test");
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(
        body["data"]["account"]["id"]
            .as_str()
            .unwrap()
            .starts_with("acc_")
    );

    let (_, history) = server
        .call(Method::GET, "/api/v1/webhooks/deliveries", None)
        .await;
    assert_eq!(history["data"].as_array().unwrap().len(), 1);
    let delivery = &history["data"][0];
    assert_eq!(delivery["status"], "succeeded");
    assert_eq!(delivery["event_type"], "webhook.test");
    assert_eq!(
        delivery["campaign"],
        Value::Null,
        "a test event is about no campaign"
    );
    let (_, detail) = server
        .call(
            Method::GET,
            &format!(
                "/api/v1/webhooks/deliveries/{}",
                delivery["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    let attempt = &detail["attempts"][0];
    assert_eq!(attempt["response"]["status"], 200);
    assert_eq!(attempt["response"]["body"], "thanks");
    assert!(
        attempt["response"]["headers"]
            .to_string()
            .contains("adact-tests")
    );
    assert_eq!(
        attempt["request"]["body"].as_str().unwrap().as_bytes(),
        request.body.as_ref()
    );
    assert!(
        attempt["request"]["headers"]
            .to_string()
            .contains("webhook-signature")
    );
    assert_eq!(detail["payload"]["type"], "webhook.test");
    server.stop().await;
}

#[tokio::test]
async fn an_endpoint_slower_than_two_seconds_times_out() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    enable(&server, &receiver.url("/slow")).await;
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["succeeded"], false);
    assert_eq!(result["error"], "timed out after 2000 ms");
    let took = result["duration_ms"].as_i64().unwrap();
    assert!((2000..5000).contains(&took), "{took} ms");
    server.stop().await;
}

#[tokio::test]
async fn failures_are_retried_on_the_schedule_until_they_succeed() {
    let receiver = Receiver::start().await;
    let server = server("0s,100ms,100ms,100ms").await;
    enable(&server, &receiver.url("/flaky/2")).await;
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["succeeded"], false);
    let got = receiver
        .wait_for(Duration::from_secs(10), |got| got.len() >= 3)
        .await;
    let ids: Vec<_> = got
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    assert!(
        ids.iter().all(|id| id == &ids[0]),
        "webhook-id changed between retries: {ids:?}"
    );
    let path = format!(
        "/api/v1/webhooks/deliveries/{}",
        result["delivery_id"].as_str().unwrap()
    );
    let detail = wait_for_status(&server, &path, "succeeded").await;
    assert_eq!(detail["attempts"].as_array().unwrap().len(), 3);
    assert_eq!(detail["attempts"][0]["response"]["status"], 500);
    assert_eq!(detail["attempts"][2]["response"]["status"], 200);
    server.stop().await;
}

async fn wait_for_status(server: &TestServer, path: &str, status: &str) -> Value {
    for _ in 0..200 {
        let (_, detail) = server.call(Method::GET, path, None).await;
        if detail["status"] == status {
            return detail;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never became {status}");
}

#[tokio::test]
async fn gone_disables_the_endpoint_and_says_why() {
    let receiver = Receiver::start().await;
    let server = server("0s,100ms").await;
    let endpoint = enable(&server, &receiver.url("/gone")).await;
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["response_status"], 410);
    let (_, endpoint) = server
        .call(
            Method::GET,
            &format!(
                "/api/v1/webhooks/endpoints/{}",
                endpoint["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(endpoint["enabled"], false);
    assert!(
        endpoint["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410 Gone")
    );
    let (status, body) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("endpoint_disabled"))
    );
    server.stop().await;
}

#[tokio::test]
async fn retry_after_on_429_is_honoured() {
    let receiver = Receiver::start().await;
    let server = server("0s,100ms").await;
    enable(&server, &receiver.url("/busy")).await;
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["response_status"], 429);
    let path = format!(
        "/api/v1/webhooks/deliveries/{}",
        result["delivery_id"].as_str().unwrap()
    );
    let (_, detail) = server.call(Method::GET, &path, None).await;
    assert_eq!(detail["status"], "pending");
    let at = |field: &str| {
        time::OffsetDateTime::parse(
            detail[field].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    let wait = at("next_attempt_at") - at("last_attempt_at");
    assert!(
        wait >= time::Duration::milliseconds(900),
        "retried after {wait} despite Retry-After: 1"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_master_toggle_stops_everything() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    enable(&server, &receiver.url("/ok")).await;
    let (status, _) = server
        .call(
            Method::PUT,
            "/api/v1/webhooks/settings",
            Some(json!({"enabled": false, "url": receiver.url("/ok")})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("webhooks_disabled"))
    );

    let store = server.second_store().await;
    record_events(&store, &account_id(&server).await, 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.received().is_empty());
    // Nothing is sent, and nothing is lost: each event is kept as a
    // skipped delivery, to recover later.
    let (_, history) = server
        .call(Method::GET, "/api/v1/webhooks/deliveries", None)
        .await;
    let history = history["data"].as_array().unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
    for delivery in history {
        assert_eq!(delivery["status"], "skipped", "{delivery}");
        assert_eq!(delivery["attempt_count"], 0, "{delivery}");
        assert!(
            delivery["last_error"]
                .as_str()
                .unwrap()
                .contains("webhooks were off"),
            "{delivery}"
        );
    }
    store.close().await;
    server.stop().await;
}

#[tokio::test]
async fn events_from_another_process_are_delivered_to_subscribed_endpoints_only() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    enable(&server, &receiver.url("/ok")).await;
    let (status, other) = server
        .call(
            Method::POST,
            "/api/v1/webhooks/endpoints",
            Some(json!({"url": receiver.url("/ok"), "events": ["player.created"], "description": "CRM"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let store = server.second_store().await;
    let ids = record_events(&store, &account_id(&server).await, 20).await;
    let got = receiver
        .wait_for(Duration::from_secs(10), |got| got.len() >= 20)
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        receiver.received().len(),
        20,
        "the player.created endpoint got segment events"
    );
    let mut seen: Vec<_> = got
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    seen.sort();
    let mut ids = ids;
    ids.sort();
    assert_eq!(seen, ids);
    let (_, page) = server
        .call(
            Method::GET,
            "/api/v1/webhooks/deliveries?limit=15&event_type=segment.updated",
            None,
        )
        .await;
    assert_eq!(page["data"].as_array().unwrap().len(), 15);
    // Each names the campaign its event is about, from the event's data
    // (the segment.updated example's).
    let campaign = &page["data"][0]["campaign"];
    assert!(
        campaign["id"].as_str().unwrap().starts_with("cmp_"),
        "{campaign}"
    );
    assert_eq!(campaign["name"], "Holiday Wheel", "{campaign}");
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = server
        .call(
            Method::GET,
            &format!("/api/v1/webhooks/deliveries?limit=15&after={cursor}"),
            None,
        )
        .await;
    assert_eq!(rest["data"].as_array().unwrap().len(), 5);
    assert_eq!(rest["next_cursor"], Value::Null);
    store.close().await;
    server.stop().await;
}

#[tokio::test]
async fn resend_sends_the_same_event_again() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    enable(&server, &receiver.url("/ok")).await;
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    let delivery = result["delivery_id"].as_str().unwrap();
    let (status, _) = server
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/deliveries/{delivery}/resend"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let got = receiver
        .wait_for(Duration::from_secs(5), |got| got.len() >= 2)
        .await;
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    let detail = wait_for_attempts(&server, delivery, 2).await;
    assert_eq!(detail["status"], "succeeded", "{detail:#}");

    let (status, body) = server
        .call(
            Method::POST,
            "/api/v1/webhooks/deliveries/dlv_nope/resend",
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("delivery_not_found"))
    );
    server.stop().await;
}

async fn wait_for_attempts(server: &TestServer, delivery: &str, n: usize) -> Value {
    for _ in 0..200 {
        let (_, detail) = server
            .call(
                Method::GET,
                &format!("/api/v1/webhooks/deliveries/{delivery}"),
                None,
            )
            .await;
        if detail["attempts"].as_array().is_some_and(|a| a.len() >= n) {
            return detail;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("delivery {delivery} never reached {n} attempts");
}

#[tokio::test]
async fn resend_failed_requeues_every_failure_since_a_time() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    enable(&server, &receiver.url("/fail")).await;
    let since = clock::rfc3339(clock::now_ms() - 1000);
    for _ in 0..2 {
        let (_, result) = server
            .call(Method::POST, "/api/v1/webhooks/test", None)
            .await;
        assert_eq!(result["response_status"], 500);
    }
    let (_, failed) = server
        .call(
            Method::GET,
            "/api/v1/webhooks/deliveries?status=failed",
            None,
        )
        .await;
    assert_eq!(failed["data"].as_array().unwrap().len(), 2);
    let (status, body) = server
        .call(
            Method::POST,
            "/api/v1/webhooks/deliveries/resend-failed",
            Some(json!({"since": since})),
        )
        .await;
    assert_eq!(
        (status, body["queued"].as_i64()),
        (StatusCode::ACCEPTED, Some(2))
    );
    receiver
        .wait_for(Duration::from_secs(5), |got| got.len() >= 4)
        .await;

    let (status, body) = server
        .call(
            Method::POST,
            "/api/v1/webhooks/deliveries/resend-failed",
            Some(json!({"since": "yesterday"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("since"))
    );
    server.stop().await;
}

/// "Resend all failed" also takes a delivery waiting for its next retry
/// after a failed attempt, and sends it now rather than in an hour.
#[tokio::test]
async fn resend_failed_sends_deliveries_waiting_for_a_retry_now() {
    let receiver = Receiver::start().await;
    let server = server("0s,1h").await;
    enable(&server, &receiver.url("/flaky/1")).await;
    let since = clock::rfc3339(clock::now_ms() - 1000);
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["response_status"], 500, "{result}");
    let delivery = result["delivery_id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/deliveries/{delivery}");
    let (_, waiting) = server.call(Method::GET, &path, None).await;
    assert_eq!(waiting["status"], "pending", "{waiting}");

    let (status, body) = server
        .call(
            Method::POST,
            "/api/v1/webhooks/deliveries/resend-failed",
            Some(json!({"since": since})),
        )
        .await;
    assert_eq!(
        (status, body["queued"].as_i64()),
        (StatusCode::ACCEPTED, Some(1)),
        "{body}"
    );
    let detail = wait_for_status(&server, &path, "succeeded").await;
    assert_eq!(detail["attempt_count"], 2, "{detail:#}");
    assert_eq!(receiver.received().len(), 2);
    server.stop().await;
}

/// `attempt_count` is what the history lists: a retry that was not sent
/// (webhooks were turned off meanwhile) is no attempt, and the attempts
/// are numbered as listed.
#[tokio::test]
async fn attempt_count_is_the_number_of_attempts_listed() {
    let receiver = Receiver::start().await;
    let server = server("0s,500ms").await;
    let endpoint = enable(&server, &receiver.url("/flaky/1")).await;
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["response_status"], 500, "{result}");
    let (status, _) = server
        .call(
            Method::PUT,
            "/api/v1/webhooks/settings",
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let delivery = result["delivery_id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/deliveries/{delivery}");
    // Found off when its retry fell due: skipped, so it can be recovered.
    let detail = wait_for_status(&server, &path, "skipped").await;
    assert!(
        detail["last_error"]
            .as_str()
            .unwrap()
            .starts_with("Not sent"),
        "{detail:#}"
    );
    assert_eq!(detail["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(detail["attempt_count"], 1, "{detail:#}");
    let (_, list) = server
        .call(
            Method::GET,
            &format!(
                "/api/v1/webhooks/deliveries?endpoint_id={}",
                endpoint["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(list["data"][0]["attempt_count"], 1, "{list}");

    enable(&server, &receiver.url("/flaky/1")).await;
    server
        .call(Method::POST, &format!("{path}/resend"), None)
        .await;
    let detail = wait_for_status(&server, &path, "succeeded").await;
    let numbers: Vec<_> = detail["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attempt"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2], "{detail:#}");
    assert_eq!(detail["attempt_count"], 2);
    server.stop().await;
}

#[tokio::test]
async fn a_dropped_connection_is_a_failed_attempt() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    enable(&server, &receiver.drop_url()).await;
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["succeeded"], false);
    assert_eq!(result["response_status"], Value::Null);
    assert!(!result["error"].as_str().unwrap().is_empty(), "{result}");
    server.stop().await;
}

/// The master switch only stops sending: turned off, the main endpoint and
/// its secret stay; turned on again, the same secret signs.
#[tokio::test]
async fn the_toggle_keeps_the_main_endpoint_and_its_secret() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    let endpoint = enable(&server, &receiver.url("/ok")).await;
    let secret = endpoint["secret"].as_str().unwrap();
    let settings = |body: Value| server.call(Method::PUT, "/api/v1/webhooks/settings", Some(body));

    let (status, off) = settings(json!({"enabled": false})).await;
    assert_eq!(status, StatusCode::OK, "{off}");
    assert_eq!(off["enabled"], false);
    assert_eq!(off["endpoint"]["id"], endpoint["id"], "{off}");
    assert_eq!(off["endpoint"]["secret"], secret);
    assert_eq!(off["url"], endpoint["url"]);
    let (_, endpoints) = server
        .call(Method::GET, "/api/v1/webhooks/endpoints", None)
        .await;
    assert_eq!(
        endpoints["data"].as_array().unwrap().len(),
        1,
        "{endpoints}"
    );

    let (status, on) = settings(json!({"enabled": true})).await;
    assert_eq!(status, StatusCode::OK, "{on}");
    assert_eq!(
        on["endpoint"]["secret"], secret,
        "a new secret after the toggle"
    );
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["succeeded"], true, "{result}");
    assert!(verify_request(secret, &receiver.received()[0]));

    // Events alone change the main endpoint's filter, nothing else; an
    // empty URL is refused rather than taken as "remove".
    let (_, saved) = settings(json!({"enabled": true, "events": ["player.created"]})).await;
    assert_eq!(saved["events"], json!(["player.created"]));
    assert_eq!(saved["endpoint"]["secret"], secret);
    let (status, body) = settings(json!({"enabled": false, "url": " "})).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("url")),
        "{body}"
    );
    let (_, kept) = server
        .call(Method::GET, "/api/v1/webhooks/settings", None)
        .await;
    assert_eq!(kept["endpoint"]["secret"], secret);
    server.stop().await;
}

/// Each rotation's replaced secret signs for 24 hours after it was
/// replaced: a second rotation within the day leaves the first one signing.
#[tokio::test]
async fn every_secret_replaced_within_a_day_keeps_signing() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    let endpoint = enable(&server, &receiver.url("/ok")).await;
    let rotate = format!(
        "/api/v1/webhooks/endpoints/{}/rotate-secret",
        endpoint["id"].as_str().unwrap()
    );
    let mut secrets = vec![endpoint["secret"].as_str().unwrap().to_owned()];
    for _ in 0..2 {
        let (status, rotated) = server.call(Method::POST, &rotate, None).await;
        assert_eq!(status, StatusCode::OK, "{rotated}");
        secrets.push(rotated["secret"].as_str().unwrap().to_owned());
    }
    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["succeeded"], true, "{result}");
    let got = receiver.received();
    let signatures = got[0].header("webhook-signature");
    assert_eq!(signatures.split(' ').count(), 3, "{signatures}");
    for secret in &secrets {
        assert!(verify_request(secret, &got[0]), "{secret} does not verify");
    }
    server.stop().await;
}

/// An endpoint's own headers (a receiver behind a gateway wants its
/// `Authorization`) go with every attempt, retries included, and their
/// values are never shown again: not by the endpoint, not in the history.
#[tokio::test]
async fn custom_headers_are_sent_on_every_attempt_and_never_shown() {
    let receiver = Receiver::start().await;
    let server = server("0s,100ms").await;
    let endpoint = enable(&server, &receiver.url("/flaky/1")).await;
    let path = format!(
        "/api/v1/webhooks/endpoints/{}",
        endpoint["id"].as_str().unwrap()
    );
    const TOKEN: &str = "Bearer gw-7c1e5d0b";
    const KEY: &str = "key-5f2a9e";
    let (status, saved) = server
        .call(
            Method::PATCH,
            &path,
            Some(json!({"headers": {"Authorization": TOKEN, "X-Api-Key": KEY}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        saved["headers"],
        json!({"authorization": "********", "x-api-key": "********"})
    );
    assert_eq!(saved["secret"], endpoint["secret"]);
    for read in [
        path.as_str(),
        "/api/v1/webhooks/endpoints",
        "/api/v1/webhooks/settings",
    ] {
        let (_, body) = server.call(Method::GET, read, None).await;
        let text = body.to_string();
        assert!(text.contains("x-api-key"), "{read}: {text}");
        assert!(
            !text.contains(TOKEN) && !text.contains(KEY),
            "{read} shows a header in clear: {text}"
        );
    }

    let (_, result) = server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    assert_eq!(result["response_status"], 500, "the first attempt fails");
    let delivery = format!(
        "/api/v1/webhooks/deliveries/{}",
        result["delivery_id"].as_str().unwrap()
    );
    let detail = wait_for_status(&server, &delivery, "succeeded").await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    for request in &got {
        assert_eq!(request.header("authorization"), TOKEN);
        assert_eq!(request.header("x-api-key"), KEY);
        assert!(verify_request(
            endpoint["secret"].as_str().unwrap(),
            request
        ));
    }
    let text = detail.to_string();
    assert!(
        !text.contains(TOKEN) && !text.contains(KEY),
        "the history shows a header in clear: {detail:#}"
    );
    for attempt in detail["attempts"].as_array().unwrap() {
        let headers = &attempt["request"]["headers"];
        assert!(
            headers
                .as_array()
                .unwrap()
                .contains(&json!(["authorization", "********"])),
            "{headers}"
        );
    }

    // Only the headers named change; null removes one.
    let (_, saved) = server
        .call(
            Method::PATCH,
            &path,
            Some(json!({"headers": {"x-api-key": null}, "description": "Behind the gateway"})),
        )
        .await;
    assert_eq!(saved["headers"], json!({"authorization": "********"}));
    let (_, saved) = server
        .call(Method::PATCH, &path, Some(json!({"timeout_ms": 3000})))
        .await;
    assert_eq!(saved["headers"], json!({"authorization": "********"}));

    for (headers, field) in [
        (
            json!({"Webhook-Signature": "v1,forged"}),
            "headers.Webhook-Signature",
        ),
        (
            json!({"Content-Type": "text/plain"}),
            "headers.Content-Type",
        ),
        (json!({"Host": "internal.example"}), "headers.Host"),
        (json!({"X-Split": "a\r\nX-Injected: 1"}), "headers.X-Split"),
        (json!({"Bad Name": "x"}), "headers.Bad Name"),
        (
            json!({"Authorization": "********"}),
            "headers.Authorization",
        ),
        (json!({"X-List": ["a"]}), "headers.X-List"),
    ] {
        let (status, body) = server
            .call(Method::PATCH, &path, Some(json!({"headers": headers})))
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{body}"
        );
    }
    let (status, created) = server
        .call(
            Method::POST,
            "/api/v1/webhooks/endpoints",
            Some(json!({"url": receiver.url("/ok"), "headers": {"X-Tenant": "acme"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["headers"], json!({"x-tenant": "********"}));
    server.stop().await;
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_old_one() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    let endpoint = enable(&server, &receiver.url("/ok")).await;
    let old = endpoint["secret"].as_str().unwrap().to_owned();
    let (_, rotated) = server
        .call(
            Method::POST,
            &format!(
                "/api/v1/webhooks/endpoints/{}/rotate-secret",
                endpoint["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    let got = receiver.received();
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 2);
    assert!(verify_request(&old, &got[0]) && verify_request(new, &got[0]));
    server.stop().await;
}

#[tokio::test]
async fn endpoint_input_is_validated_with_field_names() {
    let server = server("0s").await;
    for (body, field) in [
        (
            json!({"url": "https://hooks.example.com/x", "events": []}),
            "events",
        ),
        (
            json!({"url": "https://hooks.example.com/x", "events": ["player.made"]}),
            "events[0]",
        ),
        (
            json!({"url": "https://hooks.example.com/x", "timeout_ms": 20_000}),
            "timeout_ms",
        ),
        (json!({"url": "ftp://hooks.example.com/x"}), "url"),
        (json!({"description": "no url"}), "url"),
    ] {
        let (status, error) = server
            .call(Method::POST, "/api/v1/webhooks/endpoints", Some(body))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error["error"]["field"], field);
    }
    let (status, error) = server
        .call(
            Method::POST,
            "/api/v1/webhooks/endpoints",
            Some(json!({"url": "https://x.test", "colour": 1})),
        )
        .await;
    assert_eq!(
        (
            status,
            error["error"]["code"].as_str(),
            error["error"]["field"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("validation_failed"),
            Some("colour")
        )
    );
    let (status, _) = server
        .call(
            Method::PUT,
            "/api/v1/webhooks/settings",
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

#[tokio::test]
async fn private_addresses_are_refused_without_the_development_flag() {
    let server = TestServer::start(|_| {}).await;
    for url in [
        "http://hooks.example.com/adact",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        // A name that resolves to 127.0.0.1.
        "https://localhost/hook",
    ] {
        let (status, body) = server
            .call(
                Method::PUT,
                "/api/v1/webhooks/settings",
                Some(json!({"enabled": true, "url": url})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{url} was accepted: {body}"
        );
        assert_eq!(body["error"]["field"], "url");
    }
    server.stop().await;
}

#[tokio::test]
async fn metrics_report_the_queue_and_attempts() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    enable(&server, &receiver.url("/ok")).await;
    server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("adact_webhook_queue_depth 0"), "{text}");
    assert!(
        text.contains("adact_webhook_attempts_total{outcome=\"succeeded\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("adact_webhook_attempt_duration_seconds_count 1"),
        "{text}"
    );
    assert!(
        text.contains("adact_webhook_oldest_pending_age_seconds"),
        "{text}"
    );
    server.stop().await;
}

#[tokio::test]
async fn an_endpoint_failing_for_too_long_is_disabled_and_says_why() {
    let receiver = Receiver::start().await;
    let server = TestServer::start(|config| {
        config.allow_private_endpoints = true;
        config.webhooks.retry_schedule = adact_server::config::Schedule(vec![
            Duration::ZERO,
            Duration::from_millis(1200),
            Duration::from_millis(100),
        ]);
        config.webhooks.disable_after = Duration::from_secs(1);
    })
    .await;
    let endpoint = enable(&server, &receiver.url("/fail")).await;
    server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    receiver
        .wait_for(Duration::from_secs(10), |got| got.len() >= 2)
        .await;
    let path = format!(
        "/api/v1/webhooks/endpoints/{}",
        endpoint["id"].as_str().unwrap()
    );
    for _ in 0..100 {
        let (_, endpoint) = server.call(Method::GET, &path, None).await;
        if endpoint["enabled"] == false {
            assert_eq!(
                endpoint["disabled_reason"],
                "Disabled after 1 s of failed deliveries without a success."
            );
            assert!(endpoint["failing_since"].is_string());
            // An admin enabling it again starts afresh.
            let (_, endpoint) = server
                .call(Method::PATCH, &path, Some(json!({"enabled": true})))
                .await;
            assert_eq!(
                (
                    endpoint["enabled"].as_bool(),
                    endpoint["disabled_reason"].as_str()
                ),
                (Some(true), None)
            );
            server.stop().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the endpoint was never disabled");
}

#[tokio::test]
async fn old_history_is_deleted_and_pending_work_is_kept() {
    let receiver = Receiver::start().await;
    let server = server("0s").await;
    enable(&server, &receiver.url("/ok")).await;
    server
        .call(Method::POST, "/api/v1/webhooks/test", None)
        .await;
    let store = server.second_store().await;
    // Nothing is older than an hour ago.
    let kept = adact_store::history::delete_before(&store, clock::now_ms() - 3_600_000)
        .await
        .unwrap();
    assert_eq!(kept, 0);
    let deleted = adact_store::history::delete_before(&store, clock::now_ms() + 1000)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let (_, history) = server
        .call(Method::GET, "/api/v1/webhooks/deliveries", None)
        .await;
    assert_eq!(history["data"].as_array().unwrap().len(), 0);
    let attempts: (i64,) = sqlx::query_as("select count(*) from delivery_attempts")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(attempts.0, 0, "attempts outlived their delivery");
    store.close().await;
    server.stop().await;
}

/// A worker whose lease ran out cannot overwrite the attempt of the worker
/// that took the delivery over (a crashed worker, faked by backdating its
/// lease in SQL). No server runs: the test is both workers.
#[tokio::test]
async fn a_taken_over_claim_cannot_overwrite_the_new_attempt() {
    use adact_domain::webhook::EndpointFields;
    use adact_server::app::accounts as bootstrap;
    use adact_store::queue::{self, Claimed, Completion, Next};

    let dir = tempfile::tempdir().unwrap();
    let url = adact_store::testing::database_url(dir.path())
        .await
        .unwrap();
    let store = Store::connect(&url, 2).await.unwrap();
    let account = bootstrap::create_account(&store, "Fencing", None, None)
        .await
        .unwrap()
        .account
        .id;
    crate::server::enable_webhooks(&store, &account).await;
    let fields = EndpointFields {
        url: "https://hooks.example.com/adact".into(),
        description: String::new(),
        events: vec!["*".into()],
        enabled: true,
        timeout_ms: 2000,
        headers: Default::default(),
        ordered: false,
    };
    crate::server::create_endpoint(&store, &account, fields, true).await;
    record_events(&store, &account, 1).await;

    let lease = Duration::from_secs(600);
    let first = queue::claim(&store, 1, lease).await.unwrap().pop().unwrap();
    assert!(
        queue::claim(&store, 1, lease).await.unwrap().is_empty(),
        "claimed twice while leased"
    );
    // The first worker "crashes": its lease runs out, and another takes over.
    sqlx::query("update deliveries set next_attempt_at = 0")
        .execute(store.pool())
        .await
        .unwrap();
    let second = queue::claim(&store, 1, lease).await.unwrap().pop().unwrap();
    assert_eq!(
        (second.id.as_str(), second.attempt),
        (first.id.as_str(), first.attempt + 1)
    );

    let completion = |claimed: &Claimed, next: Next, error: &str| Completion {
        delivery_id: claimed.id.clone(),
        attempt: claimed.attempt,
        endpoint_id: claimed.endpoint_id.clone(),
        next,
        record: None,
        status: Some(200),
        error: Some(error.to_owned()),
        disable_endpoint: None,
        endpoint_succeeded: None,
        ordered: claimed.ordered,
    };
    // The new attempt succeeds; the stale one, arriving late, changes nothing.
    queue::complete(
        &store,
        &[completion(&second, Next::Succeeded, "second")],
        lease,
    )
    .await
    .unwrap();
    queue::complete(&store, &[completion(&first, Next::Failed, "stale")], lease)
        .await
        .unwrap();
    let row: (String, Option<String>, i64) =
        sqlx::query_as("select status, last_error, attempts from deliveries where id = $1")
            .bind(&first.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(
        row,
        (
            "succeeded".to_owned(),
            Some("second".to_owned()),
            second.attempt
        )
    );
    store.close().await;
}

//! Optimistic concurrency for admins: every editable resource is read with
//! an `ETag`, and an edit sent with a stale `If-Match` is refused with 412
//! and changes nothing, even when several race with the same tag.

use std::sync::Arc;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::server::TestServer;

/// An admin request's status, `ETag` and JSON body.
struct Answer {
    status: StatusCode,
    etag: Option<String>,
    body: Value,
}

impl TestServer {
    /// Sends an admin request with `If-Match` when given.
    async fn conditional(
        &self,
        method: Method,
        path: &str,
        if_match: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.admin(method, path);
        if let Some(tag) = if_match {
            request = request.header(header::IF_MATCH, tag);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let etag = response
            .headers()
            .get(header::ETAG)
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        Answer {
            status,
            etag,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    /// Reads a resource: its body and `ETag`, which it must have.
    async fn tagged(&self, path: &str) -> (Value, String) {
        let read = self.conditional(Method::GET, path, None, None).await;
        assert_eq!(read.status, StatusCode::OK, "{path}: {}", read.body);
        let etag = read.etag.unwrap_or_else(|| panic!("{path} has no ETag"));
        (read.body, etag)
    }
}

/// A campaign with a generated prize of limited stock, a one-field form
/// and a segment titled `title`: their ids.
async fn campaign(server: &TestServer, title: &str) -> (String, String) {
    let definition = json!({
        "texts": {"title": "Win"},
        "play_limit": "unlimited",
        "form": {"fields": [{"key": "email", "type": "email", "label": "Email", "required": true}]},
        "prizes": [{"name": "Ship", "weight": 1, "stock": 5, "codes": {"generate": {"prefix": "S-"}}}],
        "no_prize": {"label": "Next time", "weight": 0}
    });
    let created = server
        .conditional(
            Method::POST,
            "/api/v1/campaigns",
            None,
            Some(json!({"name": title, "kind": "wheel", "status": "active", "definition": definition})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    // What a create answers is what a read answers.
    let (_, etag) = server.tagged(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(created.etag.as_deref(), Some(etag.as_str()));
    let segment = server
        .conditional(
            Method::POST,
            "/api/v1/segments",
            None,
            Some(json!({"title": title, "campaign_id": id})),
        )
        .await;
    assert_eq!(segment.status, StatusCode::CREATED, "{}", segment.body);
    let segment_id = segment.body["id"].as_str().unwrap().to_owned();
    let (_, etag) = server
        .tagged(&format!("/api/v1/segments/{segment_id}"))
        .await;
    assert_eq!(segment.etag.as_deref(), Some(etag.as_str()));
    (id, segment_id)
}

/// The main webhook endpoint, on a server that may send to loopback, with
/// webhooks off (so that no delivery moves its failing streak); its id.
async fn main_endpoint(server: &TestServer) -> String {
    let (status, body) = server
        .call(
            Method::PUT,
            "/api/v1/webhooks/settings",
            Some(json!({"enabled": false, "url": "http://127.0.0.1:9/first"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["endpoint"]["id"].as_str().unwrap().to_owned()
}

fn assert_precondition_failed(answer: &Answer, what: &str) {
    assert_eq!(
        answer.status,
        StatusCode::PRECONDITION_FAILED,
        "{what}: {}",
        answer.body
    );
    assert_eq!(
        answer.body["error"]["code"], "precondition_failed",
        "{what}"
    );
    let message = answer.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("Someone else") && message.contains("again"),
        "{what}: {message}"
    );
}

/// For each resource: the edit made against the tag just read is saved
/// and answers the new tag (the one a read then gives); the same edit
/// against the old tag is refused and changes nothing; `*` matches any
/// state; a malformed tag is a 400.
#[tokio::test]
async fn an_edit_against_a_stale_etag_is_refused_and_changes_nothing() {
    let server = TestServer::start(|config| config.allow_private_endpoints = true).await;
    let (campaign_id, segment_id) = campaign(&server, "Tagged").await;
    let endpoint_id = main_endpoint(&server).await;

    let resources = [
        (
            format!("/api/v1/campaigns/{campaign_id}"),
            Method::PATCH,
            json!({"name": "Tagged, renamed"}),
            json!({"name": "Tagged, stale"}),
            "/name",
        ),
        (
            format!("/api/v1/segments/{segment_id}"),
            Method::PATCH,
            json!({"title": "Tagged, renamed"}),
            json!({"title": "Tagged, stale"}),
            "/title",
        ),
        (
            format!("/api/v1/webhooks/endpoints/{endpoint_id}"),
            Method::PATCH,
            json!({"description": "Renamed"}),
            json!({"description": "Stale"}),
            "/description",
        ),
        (
            "/api/v1/webhooks/settings".to_owned(),
            Method::PUT,
            json!({"enabled": false, "url": "http://127.0.0.1:9/second"}),
            json!({"enabled": true, "url": "http://127.0.0.1:9/stale"}),
            "/url",
        ),
    ];
    for (path, method, edit, stale_edit, field) in resources {
        let (before, etag) = server.tagged(&path).await;
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
            "{path}: {etag}"
        );

        let saved = server
            .conditional(method.clone(), &path, Some(&etag), Some(edit.clone()))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{path}: {}", saved.body);
        let new_etag = saved.etag.expect("an edit answers the new ETag");
        assert_ne!(new_etag, etag, "{path}");
        let (after, read_etag) = server.tagged(&path).await;
        assert_eq!(read_etag, new_etag, "{path}");
        assert_ne!(after.pointer(field), before.pointer(field), "{path}");

        let refused = server
            .conditional(method.clone(), &path, Some(&etag), Some(stale_edit.clone()))
            .await;
        assert_precondition_failed(&refused, &path);
        let (unchanged, unchanged_etag) = server.tagged(&path).await;
        assert_eq!(unchanged, after, "{path}: a refused edit changed it");
        assert_eq!(unchanged_etag, new_etag, "{path}");

        // The current tag among others matches; `*` matches any state.
        let listed = format!("\"0000000000000000\", {new_etag}");
        let again = server
            .conditional(method.clone(), &path, Some(&listed), Some(edit.clone()))
            .await;
        assert_eq!(again.status, StatusCode::OK, "{path}: {}", again.body);
        let any = server
            .conditional(method.clone(), &path, Some("*"), Some(edit.clone()))
            .await;
        assert_eq!(any.status, StatusCode::OK, "{path}: {}", any.body);
        let (after, _) = server.tagged(&path).await;
        // A weak tag never matches an edit.
        let weak = server
            .conditional(
                method.clone(),
                &path,
                Some(&format!("W/{new_etag}")),
                Some(edit.clone()),
            )
            .await;
        assert_precondition_failed(&weak, &path);

        let malformed = server
            .conditional(
                method.clone(),
                &path,
                Some(new_etag.trim_matches('"')),
                Some(stale_edit),
            )
            .await;
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(malformed.body["error"]["code"], "invalid_request", "{path}");
        assert!(
            malformed.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("If-Match"),
            "{path}: {}",
            malformed.body
        );
        let (still, _) = server.tagged(&path).await;
        assert_eq!(still, after, "{path}: a malformed If-Match changed it");
    }
    server.stop().await;
}

/// A play takes stock and counts, which the campaign's answer shows, but
/// it is no edit: the tag an admin read still saves.
#[tokio::test]
async fn a_play_between_the_read_and_the_edit_does_not_spoil_the_etag() {
    let server = TestServer::start(|_| {}).await;
    let (id, _) = campaign(&server, "Played").await;
    let path = format!("/api/v1/campaigns/{id}");
    let (before, etag) = server.tagged(&path).await;

    let (session, token) = server.session("Played", "player-1").await;
    let (status, body) = server
        .public(
            &format!("/api/v1/embed/sessions/{session}/register"),
            json!({"token": token, "fields": {"email": "p@example.com"}, "consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .public(
            &format!("/api/v1/embed/sessions/{session}/play"),
            json!({"token": token}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["code"].is_string(), "{body}");

    let (played, played_etag) = server.tagged(&path).await;
    assert_eq!(played["stats"]["plays"], 1, "{played}");
    assert_ne!(played["prizes"], before["prizes"], "no stock was taken");
    assert_eq!(played_etag, etag);
    let saved = server
        .conditional(
            Method::PATCH,
            &path,
            Some(&etag),
            Some(json!({"name": "Played, renamed"})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    // The edit keeps what the play took.
    assert_eq!(saved.body["prizes"], played["prizes"]);
    server.stop().await;
}

/// Sends the edits at once, each with `etag`; returns the index of the
/// one saved and the `ETag` it answered. Every other one must be refused.
async fn race(
    server: &Arc<TestServer>,
    method: &Method,
    path: &str,
    etag: &str,
    edits: Vec<Value>,
) -> (usize, String) {
    let tasks: Vec<_> = edits
        .into_iter()
        .map(|edit| {
            let (server, method, path, etag) = (
                server.clone(),
                method.clone(),
                path.to_owned(),
                etag.to_owned(),
            );
            tokio::spawn(async move {
                server
                    .conditional(method, &path, Some(&etag), Some(edit))
                    .await
            })
        })
        .collect();
    let mut saved = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        let answer = task.await.unwrap();
        if answer.status == StatusCode::OK {
            saved.push((i, answer.etag.unwrap()));
        } else {
            assert_precondition_failed(&answer, path);
        }
    }
    assert_eq!(saved.len(), 1, "{path}: {saved:?} were saved");
    saved.remove(0)
}

/// Eight admins save the same resource at once, each against the tag they
/// all read: exactly one is saved, seven are refused, and what is stored
/// is the one saved, whole.
#[tokio::test]
async fn of_eight_concurrent_edits_against_one_etag_exactly_one_is_saved() {
    let server = TestServer::start(|config| {
        config.allow_private_endpoints = true;
        config.db_max_connections = 8;
    })
    .await;
    let server = Arc::new(server);
    let (campaign_id, segment_id) = campaign(&server, "Raced").await;
    let endpoint_id = main_endpoint(&server).await;

    let campaign = format!("/api/v1/campaigns/{campaign_id}");
    let (before, etag) = server.tagged(&campaign).await;
    let edits = (0..8)
        .map(|i| {
            let mut definition = before["definition"].clone();
            definition["texts"]["title"] = json!(format!("Title {i}"));
            json!({"name": format!("Edit {i}"), "definition": definition})
        })
        .collect();
    let (winner, winner_etag) = race(&server, &Method::PATCH, &campaign, &etag, edits).await;
    let (stored, stored_etag) = server.tagged(&campaign).await;
    assert_eq!(stored["name"], format!("Edit {winner}"));
    assert_eq!(
        stored["definition"]["texts"]["title"],
        format!("Title {winner}")
    );
    assert_eq!(stored_etag, winner_etag);

    let settings = "/api/v1/webhooks/settings";
    let (_, etag) = server.tagged(settings).await;
    let edits = (0..8)
        .map(|i| {
            json!({"enabled": false, "url": format!("http://127.0.0.1:9/raced-{i}"),
                   "events": if i % 2 == 0 { json!(["*"]) } else { json!(["game.ended"]) }})
        })
        .collect();
    let (winner, winner_etag) = race(&server, &Method::PUT, settings, &etag, edits).await;
    let (stored, stored_etag) = server.tagged(settings).await;
    assert_eq!(stored["url"], format!("http://127.0.0.1:9/raced-{winner}"));
    let events = if winner % 2 == 0 {
        json!(["*"])
    } else {
        json!(["game.ended"])
    };
    assert_eq!(stored["events"], events);
    assert_eq!(stored_etag, winner_etag);
    let (_, endpoints) = server
        .call(Method::GET, "/api/v1/webhooks/endpoints", None)
        .await;
    assert_eq!(
        endpoints["data"].as_array().unwrap().len(),
        1,
        "{endpoints}"
    );

    let segment = format!("/api/v1/segments/{segment_id}");
    let (_, etag) = server.tagged(&segment).await;
    let edits = (0..8)
        .map(|i| json!({"title": format!("Raced {i}")}))
        .collect();
    let (winner, winner_etag) = race(&server, &Method::PATCH, &segment, &etag, edits).await;
    let (stored, stored_etag) = server.tagged(&segment).await;
    assert_eq!(stored["title"], format!("Raced {winner}"));
    assert_eq!(stored_etag, winner_etag);
    // One `segment.updated`, the winner's.
    let renamed: Vec<Value> = server
        .events()
        .await
        .into_iter()
        .filter(|e| e["type"] == "segment.updated")
        .collect();
    assert_eq!(renamed.len(), 1, "{renamed:?}");
    assert_eq!(
        renamed[0]["data"]["segment"]["title"],
        format!("Raced {winner}")
    );

    let endpoint = format!("/api/v1/webhooks/endpoints/{endpoint_id}");
    let (_, etag) = server.tagged(&endpoint).await;
    let edits = (0..8)
        .map(|i| json!({"description": format!("Raced {i}"), "timeout_ms": 1000 + i}))
        .collect();
    let (winner, winner_etag) = race(&server, &Method::PATCH, &endpoint, &etag, edits).await;
    let (stored, stored_etag) = server.tagged(&endpoint).await;
    assert_eq!(stored["description"], format!("Raced {winner}"));
    assert_eq!(stored["timeout_ms"], 1000 + winner);
    assert_eq!(stored_etag, winner_etag);

    Arc::into_inner(server).unwrap().stop().await;
}

/// A delete with `If-Match` goes only against the current state.
#[tokio::test]
async fn a_delete_against_a_stale_etag_is_refused() {
    let server = TestServer::start(|config| config.allow_private_endpoints = true).await;
    let (campaign_id, segment_id) = campaign(&server, "Deleted").await;
    let endpoint_id = main_endpoint(&server).await;
    for (path, edit) in [
        (
            format!("/api/v1/segments/{segment_id}"),
            json!({"title": "Deleted, renamed"}),
        ),
        (
            format!("/api/v1/campaigns/{campaign_id}"),
            json!({"name": "Deleted, renamed"}),
        ),
        (
            format!("/api/v1/webhooks/endpoints/{endpoint_id}"),
            json!({"description": "Renamed"}),
        ),
    ] {
        let (_, stale) = server.tagged(&path).await;
        let (status, body) = server.call(Method::PATCH, &path, Some(edit)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let refused = server
            .conditional(Method::DELETE, &path, Some(&stale), None)
            .await;
        assert_precondition_failed(&refused, &path);
        let (_, current) = server.tagged(&path).await;
        let deleted = server
            .conditional(Method::DELETE, &path, Some(&current), None)
            .await;
        assert_eq!(
            deleted.status,
            StatusCode::NO_CONTENT,
            "{path}: {}",
            deleted.body
        );
        // Gone: a precondition on what is not there is its 404.
        let gone = server
            .conditional(Method::DELETE, &path, Some("*"), None)
            .await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "{path}");
    }
    server.stop().await;
}

/// A rotation changes the endpoint (its secrets) but not the settings'
/// tag: the settings do not edit the secret.
#[tokio::test]
async fn a_rotation_changes_the_endpoints_etag_and_not_the_settings() {
    let server = TestServer::start(|config| config.allow_private_endpoints = true).await;
    let endpoint_id = main_endpoint(&server).await;
    let endpoint = format!("/api/v1/webhooks/endpoints/{endpoint_id}");
    let (_, endpoint_etag) = server.tagged(&endpoint).await;
    let (_, settings_etag) = server.tagged("/api/v1/webhooks/settings").await;
    let rotated = server
        .conditional(
            Method::POST,
            &format!("{endpoint}/rotate-secret"),
            None,
            None,
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let (_, rotated_etag) = server.tagged(&endpoint).await;
    assert_ne!(rotated_etag, endpoint_etag);
    assert_eq!(rotated.etag.as_deref(), Some(rotated_etag.as_str()));
    let refused = server
        .conditional(
            Method::PATCH,
            &endpoint,
            Some(&endpoint_etag),
            Some(json!({"description": "After the rotation"})),
        )
        .await;
    assert_precondition_failed(&refused, &endpoint);
    let (_, same) = server.tagged("/api/v1/webhooks/settings").await;
    assert_eq!(same, settings_etag);
    server.stop().await;
}

/// A large pool in an edit is written ahead of it, in chunks, under a prize
/// no play can draw: kept whole when the edit is saved, and deleted with
/// every code when the edit is refused (here by a stale tag).
#[tokio::test]
async fn a_large_pool_is_kept_only_with_its_edit() {
    const CODES: usize = 6_000;
    let server = TestServer::start(|_| {}).await;
    let (id, _) = campaign(&server, "Pool upload").await;
    let path = format!("/api/v1/campaigns/{id}");
    let (before, etag) = server.tagged(&path).await;
    let codes: Vec<String> = (0..CODES).map(|i| format!("POOL-{i:05}")).collect();
    let mut definition = before["definition"].clone();
    definition["prizes"].as_array_mut().unwrap().push(json!({
        "name": "Pooled", "weight": 1, "stock": CODES, "codes": {"pool": codes}
    }));
    let edit = json!({ "definition": definition });
    let store = server.second_store().await;
    let counts = || async {
        let prizes: (i64,) = sqlx::query_as("select count(*) from prizes where campaign_id = $1")
            .bind(&id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        let codes: (i64,) = sqlx::query_as(
            "select count(*) from prize_codes c join prizes p on p.id = c.prize_id \
             where p.campaign_id = $1",
        )
        .bind(&id)
        .fetch_one(store.pool())
        .await
        .unwrap();
        (prizes.0, codes.0)
    };
    let empty = counts().await;

    let stale = server
        .conditional(
            Method::PATCH,
            &path,
            Some("\"0000000000000000\""),
            Some(edit.clone()),
        )
        .await;
    assert_precondition_failed(&stale, "a pool upload against a stale tag");
    assert_eq!(
        counts().await,
        empty,
        "a refused upload left prizes or codes"
    );

    let saved = server
        .conditional(Method::PATCH, &path, Some(&etag), Some(edit))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let pooled = saved.body["prizes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["codes_available"] == CODES)
        .unwrap_or_else(|| panic!("no prize with the pool: {}", saved.body["prizes"]));
    assert_eq!(pooled["stock_remaining"], CODES);
    assert_eq!(counts().await, (empty.0 + 1, empty.1 + CODES as i64));
    store.close().await;
    server.stop().await;
}

//! The play flow over the public API, the admin API for campaigns and
//! segments, and the events they record, against a real server.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::server::{EMBED_KEY, TestServer};

impl TestServer {
    /// A public step, posted the way the embed posts it.
    pub async fn public(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(&format!("{path}?key={EMBED_KEY}")))
            .header("content-type", "text/plain;charset=UTF-8")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A play session of `segment` for the page's user `player`, rendered:
    /// its id and token.
    pub async fn session(&self, segment: &str, player: &str) -> (String, String) {
        let (status, render) = self
            .public(
                "/api/v1/embed/render",
                json!({"segment": segment, "user": {"id": player}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{render}");
        (
            render["session"]["id"].as_str().unwrap().to_owned(),
            render["session"]["token"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn events(&self) -> Vec<Value> {
        let store = self.second_store().await;
        let rows: Vec<String> = sqlx::query_scalar("select payload from events order by seq")
            .fetch_all(store.pool())
            .await
            .unwrap();
        store.close().await;
        rows.iter()
            .map(|r| serde_json::from_str(r).unwrap())
            .collect()
    }
}

/// A session of `segment` for `player`: render then register.
async fn registered(
    server: &TestServer,
    segment: &str,
    player: &str,
    fields: Value,
) -> (String, String) {
    let (id, token) = server.session(segment, player).await;
    let (status, body) = server
        .public(
            &format!("/api/v1/embed/sessions/{id}/register"),
            json!({"token": token, "fields": fields, "consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (id, token)
}

async fn play(server: &TestServer, id: &str, token: &str) -> (StatusCode, Value) {
    server
        .public(
            &format!("/api/v1/embed/sessions/{id}/play"),
            json!({"token": token}),
        )
        .await
}

fn pooled(stock: u32, codes: &[String], limit: &str) -> Value {
    json!({
        "texts": {"title": "Win"},
        "play_limit": limit,
        "form": {"fields": [{"key": "email", "type": "email", "label": "Email", "required": true}]},
        "prizes": [{"name": "Gift card", "weight": 1, "stock": stock, "codes": {"pool": codes}}],
        "no_prize": {"label": "Next time", "weight": 0}
    })
}

#[tokio::test]
async fn a_whole_play_gives_a_code_once_and_records_its_events() {
    let server = TestServer::start(|_| {}).await;
    let codes: Vec<String> = (0..3).map(|i| format!("CODE-{i}")).collect();
    server
        .campaign("Flow", "wheel", pooled(3, &codes, "once"))
        .await;

    // The form is checked on the server, naming every bad field.
    let (_, render) = server
        .public(
            "/api/v1/embed/render",
            json!({"segment": "Flow", "user": {"id": "ada"}}),
        )
        .await;
    assert!(render["notice"].is_null());
    assert_eq!(render["campaign"]["prizes"][0]["name"], "Gift card");
    assert!(
        render["campaign"]["prizes"][0].get("weight").is_none(),
        "{render}"
    );
    let id = render["session"]["id"].as_str().unwrap();
    let token = render["session"]["token"].as_str().unwrap();
    let (status, body) = server
        .public(
            &format!("/api/v1/embed/sessions/{id}/register"),
            json!({"token": token, "fields": {"email": "nope"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "fields.email");

    // Playing before registering, or with another session's token, fails.
    let (status, body) = play(&server, id, token).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_registered"))
    );
    let (other_id, other_token) =
        registered(&server, "Flow", "bob", json!({"email": "bob@example.com"})).await;
    let (status, body) = play(&server, id, &other_token).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("session_mismatch"))
    );

    let (status, _) = server
        .public(
            &format!("/api/v1/embed/sessions/{id}/register"),
            json!({"token": token, "fields": {"email": "ada@example.com"}, "consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, first) = play(&server, id, token).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["prize"]["name"], "Gift card");
    assert!(first["code"].as_str().unwrap().starts_with("CODE-"));
    // A retry returns the same outcome and takes nothing more.
    let (_, again) = play(&server, id, token).await;
    assert_eq!(first, again);
    // Finishing twice records one event.
    for _ in 0..2 {
        let (status, _) = server
            .public(
                &format!("/api/v1/embed/sessions/{id}/finish"),
                json!({"token": token}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    // A retried registration answers the same and records nothing.
    let (status, again) = server
        .public(
            &format!("/api/v1/embed/sessions/{id}/register"),
            json!({"token": token, "fields": {"email": "other@example.com"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["created"], true);

    // Bob plays too; his code differs.
    let (_, bob) = play(&server, &other_id, &other_token).await;
    assert_ne!(bob["code"], first["code"]);

    // The limit is "once": a new session says so at render and at play.
    let (_, render) = server
        .public(
            "/api/v1/embed/render",
            json!({"segment": "Flow", "user": {"id": "ada"}}),
        )
        .await;
    assert_eq!(render["notice"]["code"], "play_limit_reached");
    let (id2, token2) = (
        render["session"]["id"].as_str().unwrap(),
        render["session"]["token"].as_str().unwrap(),
    );
    let (status, body) = server
        .public(
            &format!("/api/v1/embed/sessions/{id2}/register"),
            json!({"token": token2, "fields": {"email": "ada@example.com"}}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("play_limit_reached"))
    );

    let events = server.events().await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "segment.created",
            "player.created", // bob registered first
            "player.created",
            "game.ended",
            "prize.assigned",
            "gameplay.finished",
            "game.ended",
            "prize.assigned",
        ]
    );
    let assigned = &events[4]["data"];
    assert_eq!(assigned["prize"]["code"], first["code"]);
    assert_eq!(assigned["prize"]["name"], "Gift card");
    assert_eq!(assigned["player"]["external_id"], "ada");
    assert_eq!(assigned["player"]["fields"]["email"], "ada@example.com");
    assert_eq!(assigned["segment"]["title"], "Flow");
    assert_eq!(assigned["campaign"]["name"], "Flow");

    // The campaign's numbers: two plays, two wins, one pool code left of three.
    let (_, list) = server
        .call(reqwest::Method::GET, "/api/v1/campaigns", None)
        .await;
    let flow = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Flow")
        .unwrap();
    // With the last 7 days' players and wins (their views are written
    // every few seconds: see the stats tests).
    let numbers = |c: &Value| {
        let (all, week) = (&c["stats"], &c["stats"]["last_7_days"]);
        json!([
            all["plays"],
            all["wins"],
            all["codes_left"],
            week["players"],
            week["wins"]
        ])
    };
    assert_eq!(numbers(flow), json!([2, 2, 1, 2, 2]), "{flow}");
    let (_, read) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/campaigns/{}", flow["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(numbers(&read), numbers(flow));
    server.stop().await;
}

#[tokio::test]
async fn concurrent_plays_never_give_a_code_twice_nor_overdraw_stock() {
    let server = TestServer::start(|config| config.db_max_connections = 8).await;
    let codes: Vec<String> = (0..15).map(|i| format!("POOL-{i:02}")).collect();
    let campaign_id = server
        .campaign("Rush", "wheel", pooled(10, &codes, "unlimited"))
        .await
        .id;
    let mut sessions = Vec::new();
    for i in 0..120 {
        sessions.push(
            registered(
                &server,
                "Rush",
                &format!("p{i}"),
                json!({"email": "p@example.com"}),
            )
            .await,
        );
    }
    let server = std::sync::Arc::new(server);
    let plays = sessions.into_iter().map(|(id, token)| {
        let server = server.clone();
        tokio::spawn(async move { play(&server, &id, &token).await })
    });
    let results = futures_join_all(plays).await;
    let mut won = Vec::new();
    for (status, body) in results {
        assert_eq!(status, StatusCode::OK, "{body}");
        if let Some(code) = body["code"].as_str() {
            won.push(code.to_owned());
        }
    }
    assert_eq!(won.len(), 10, "{won:?}");
    assert_eq!(won.iter().collect::<HashSet<_>>().len(), 10, "{won:?}");
    let (_, campaign) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/campaigns/{campaign_id}"),
            None,
        )
        .await;
    assert_eq!(campaign["prizes"][0]["stock_remaining"], 0);
    assert_eq!(campaign["prizes"][0]["codes_given"], 10);
    assert_eq!(campaign["prizes"][0]["codes_available"], 5);
}

async fn futures_join_all<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let handles: Vec<_> = handles.collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn campaigns_are_validated_paginated_and_updated_keeping_stock() {
    let server = TestServer::start(|_| {}).await;
    let mut definition = pooled(2, &["A".into(), "B".into()], "daily");
    definition["prizes"][0]["weight"] = json!(-1);
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            "/api/v1/campaigns",
            Some(json!({"name": "Bad", "kind": "wheel", "definition": definition})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["field"], "definition.prizes[0].weight",
        "{body}"
    );
    let mut definition = pooled(2, &["A".into(), "B".into()], "daily");
    definition["ends_at"] = json!("2020-01-01T00:00:00Z");
    definition["starts_at"] = json!("2021-01-01T00:00:00Z");
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            "/api/v1/campaigns",
            Some(json!({"name": "Bad", "kind": "wheel", "definition": definition})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("definition.ends_at"))
    );

    let id = server
        .campaign(
            "Keep",
            "wheel",
            pooled(2, &["A".into(), "B".into()], "unlimited"),
        )
        .await
        .id;
    registered(&server, "Keep", "x", json!({"email": "x@example.com"})).await;
    let (_, got) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/campaigns/{id}"),
            None,
        )
        .await;
    let mut definition = got["definition"].clone();
    assert!(
        definition["prizes"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("prz_")
    );
    // Raise the stock by 3 and add codes: what is left moves with it.
    definition["prizes"][0]["stock"] = json!(5);
    definition["prizes"][0]["codes"] = json!({"pool": ["C", "D", "E"]});
    let (status, body) = server
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/campaigns/{id}"),
            Some(json!({"definition": definition, "name": "Kept"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "Kept");
    assert_eq!(body["prizes"][0]["stock_remaining"], 5);
    assert_eq!(body["prizes"][0]["codes_available"], 5);

    // Pagination by id, oldest first.
    let (_, page) = server
        .call(reqwest::Method::GET, "/api/v1/campaigns?limit=2", None)
        .await;
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/campaigns?limit=50&after={cursor}"),
            None,
        )
        .await;
    let all = 2 + rest["data"].as_array().unwrap().len();
    assert_eq!(all, 4 + 1, "four demo campaigns and ours");
    assert!(rest["next_cursor"].is_null());

    // A campaign shown by a segment cannot be deleted.
    let (status, body) = server
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/campaigns/{id}"),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::CONFLICT, Some("segments"))
    );
    server.stop().await;
}

#[tokio::test]
async fn segments_have_unique_titles_and_record_their_changes() {
    let server = TestServer::start(|_| {}).await;
    let id = server
        .campaign("Seg A", "wheel", pooled(1, &["A".into()], "once"))
        .await
        .id;
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            "/api/v1/segments",
            Some(json!({"title": "Seg A", "campaign_id": id})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::CONFLICT, Some("title"))
    );
    let (_, list) = server
        .call(reqwest::Method::GET, "/api/v1/segments", None)
        .await;
    let seg = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "Seg A")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = server
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/segments/{seg}"),
            Some(json!({"title": "Seg B"})),
        )
        .await;
    assert_eq!(
        (status, body["title"].as_str()),
        (StatusCode::OK, Some("Seg B"))
    );
    let (status, _) = server
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/segments/{seg}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/segments/{seg}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Now unmapped, the campaign can go.
    let (status, _) = server
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/campaigns/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let types: Vec<String> = server
        .events()
        .await
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        ["segment.created", "segment.updated", "segment.deleted"]
    );
    let events = server.events().await;
    assert_eq!(events[1]["data"]["segment"]["title"], "Seg B");
    assert_eq!(events[2]["data"]["campaign"]["id"], id.as_str());
    server.stop().await;
}

/// A page cannot tell "VIP Users" from "vip users" or " VIP Users": they
/// are one title, unique in the account and resolved alike; and an update
/// records `segment.updated` only when it changes something, saying what
/// it was.
#[tokio::test]
async fn segment_titles_ignore_case_and_spaces_and_only_real_changes_are_events() {
    let server = TestServer::start(|_| {}).await;
    let vip = server
        .campaign("VIP Users", "wheel", pooled(1, &["A".into()], "once"))
        .await
        .id;
    let other = server
        .campaign("Other", "wheel", pooled(1, &["B".into()], "once"))
        .await
        .id;
    for (title, taken) in [
        ("vip users", "VIP Users"),
        (" VIP USERS ", "VIP Users"),
        ("Other", "Other"),
        ("other ", "Other"),
    ] {
        let (status, body) = server
            .call(
                reqwest::Method::POST,
                "/api/v1/segments",
                Some(json!({"title": title, "campaign_id": vip})),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (StatusCode::CONFLICT, Some("title")),
            "{title:?}: {body}"
        );
        // The message names the title as it is taken.
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("A segment is already titled {taken:?}")),
            "{message}"
        );
    }
    let render = |title: &'static str| {
        server.public(
            "/api/v1/embed/render",
            json!({"segment": title, "user": {"id": "ada"}}),
        )
    };
    for title in ["VIP Users", " VIP Users", "vip users", "VIP USERS  "] {
        let (status, body) = render(title).await;
        assert_eq!(status, StatusCode::OK, "{title:?}: {body}");
        assert_eq!(body["segment"]["title"], "VIP Users", "{title:?}");
        assert_eq!(body["campaign"]["id"], vip.as_str(), "{title:?}");
    }

    let (_, list) = server
        .call(reqwest::Method::GET, "/api/v1/segments", None)
        .await;
    let id = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "VIP Users")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/segments/{id}");
    let patch = |body: Value| server.call(reqwest::Method::PATCH, &path, Some(body));
    let before = server.events().await.len();
    for unchanged in [
        json!({}),
        json!({"title": "VIP Users"}),
        json!({"title": "  VIP Users ", "campaign_id": vip}),
    ] {
        let (status, body) = patch(unchanged.clone()).await;
        assert_eq!(status, StatusCode::OK, "{unchanged}: {body}");
        assert_eq!(body["title"], "VIP Users");
    }
    assert_eq!(server.events().await.len(), before, "no change, no event");
    for taken in ["Other", " OTHER"] {
        let (status, body) = patch(json!({"title": taken})).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (StatusCode::CONFLICT, Some("title")),
            "{taken}: {body}"
        );
    }

    let (status, body) = patch(json!({"title": "VIP members"})).await;
    assert_eq!(
        (status, body["title"].as_str()),
        (StatusCode::OK, Some("VIP members"))
    );
    let (status, body) = patch(json!({"title": "VIP members", "campaign_id": other})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = patch(json!({"title": "VIP Members", "campaign_id": vip})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The old title resolves no more (the cache forgot it), the new one in
    // any case does.
    assert_eq!(render("vip users").await.0, StatusCode::NOT_FOUND);
    let (status, body) = render("vip MEMBERS").await;
    assert_eq!(
        (status, body["segment"]["title"].as_str()),
        (StatusCode::OK, Some("VIP Members"))
    );

    let events = server.events().await;
    let updates: Vec<&Value> = events[before..].iter().map(|e| &e["data"]).collect();
    assert_eq!(updates.len(), 3, "{updates:#?}");
    assert_eq!(updates[0]["previous"], json!({"title": "VIP Users"}));
    assert_eq!(updates[0]["segment"]["title"], "VIP members");
    assert_eq!(
        updates[1]["previous"],
        json!({"campaign": {"id": vip, "name": "VIP Users", "kind": "wheel"}})
    );
    assert_eq!(updates[1]["campaign"]["id"], other.as_str());
    assert_eq!(
        updates[2]["previous"],
        json!({
            "title": "VIP members",
            "campaign": {"id": other, "name": "Other", "kind": "wheel"}
        })
    );
    assert!(
        events[before..]
            .iter()
            .all(|e| e["type"] == "segment.updated")
    );
    server.stop().await;
}

/// Titles that differ only in case were allowed before the titles' keys:
/// the key goes to the oldest segment, the others keep their rows but none,
/// and must be renamed before they can be saved again. Opening the store
/// never fails on them.
#[tokio::test]
async fn segments_whose_titles_differed_only_in_case_are_kept_and_the_oldest_is_shown() {
    use adact_server::app::{accounts, demo, segments};
    use adact_store::Store;

    let dir = tempfile::tempdir().unwrap();
    let url = adact_store::testing::database_url(dir.path())
        .await
        .unwrap();
    let store = Store::connect(&url, 2).await.unwrap();
    let account = accounts::create_account(&store, "Before keys", None, None)
        .await
        .unwrap()
        .account;
    demo::seed_demo(&store).await.unwrap();
    let (oldest, campaign) = store
        .segment_with_campaign(&account.id, demo::DEMO_SEGMENT)
        .await
        .unwrap()
        .unwrap();
    // As the rows were before migration 0007: no keys, and a title taken
    // twice but for its case.
    sqlx::query("update segments set title_key = null")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query(
        "insert into segments (id, account_id, title, campaign_id, created_at, updated_at) \
         values ('seg_twin', $1, 'default users', $2, $3, $3)",
    )
    .bind(&account.id)
    .bind(&campaign.id)
    .bind(adact_domain::time::now_ms() + 1000)
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;

    let store = Store::connect(&url, 2).await.unwrap();
    for title in ["default users", "DEFAULT USERS ", "Default Users"] {
        let (segment, _) = store
            .segment_with_campaign(&account.id, title)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(segment.id, oldest.id, "{title:?}");
    }
    let twin = segments::find(&store, &account.id, "seg_twin")
        .await
        .unwrap();
    let (_, quiz) = store
        .segment_with_campaign(&account.id, "Quiz")
        .await
        .unwrap()
        .unwrap();
    let changes = segments::Changes {
        title: None,
        campaign_id: Some(quiz.id.clone()),
    };
    let err = segments::update(&store, &account, &twin.id, changes, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            adact_server::app::Error::Rule(adact_domain::Error::Conflict { field: "title", .. })
        ),
        "{err:?}"
    );
    let renamed = segments::Changes {
        title: Some("Default Users (2)".into()),
        campaign_id: Some(quiz.id.clone()),
    };
    segments::update(&store, &account, &twin.id, renamed, None)
        .await
        .unwrap();
    let (segment, shown) = store
        .segment_with_campaign(&account.id, "default users (2)")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((segment.id.as_str(), shown.id), ("seg_twin", quiz.id));
    store.close().await;
}

#[tokio::test]
async fn a_campaign_outside_its_schedule_says_so_politely() {
    let server = TestServer::start(|_| {}).await;
    let mut definition = pooled(1, &["A".into()], "unlimited");
    definition["starts_at"] = json!("2099-01-01T00:00:00Z");
    server.campaign("Later", "wheel", definition).await;
    let (_, render) = server
        .public(
            "/api/v1/embed/render",
            json!({"segment": "Later", "anonymous_id": "abc"}),
        )
        .await;
    assert_eq!(render["notice"]["code"], "campaign_not_started");
    assert!(
        render["notice"]["message"]
            .as_str()
            .unwrap()
            .contains("not started")
    );
    server.stop().await;
}

#[tokio::test]
async fn the_end_screen_fields_are_validated_stored_and_sent_with_the_play() {
    let server = TestServer::start(|_| {}).await;
    let post = |definition: Value| {
        let server = &server;
        async move {
            server
                .call(
                    reqwest::Method::POST,
                    "/api/v1/campaigns",
                    Some(json!({"name": "Result", "kind": "wheel", "definition": definition})),
                )
                .await
        }
    };
    // A bad link, a label without a link, a link without a label, a bad date: 422 naming the field.
    for (change, field) in [
        (
            json!({"end_screen": {"cta_label": "Shop", "cta_url": "javascript:alert(1)"}}),
            "definition.end_screen.cta_url",
        ),
        (
            json!({"end_screen": {"cta_label": "Shop", "cta_url": "/sale"}}),
            "definition.end_screen.cta_url",
        ),
        (
            json!({"end_screen": {"cta_label": "Shop", "cta_url": "data:text/html,hi"}}),
            "definition.end_screen.cta_url",
        ),
        (
            json!({"end_screen": {"cta_label": "Shop"}}),
            "definition.end_screen.cta_url",
        ),
        (
            json!({"end_screen": {"cta_url": "https://shop.example.com/"}}),
            "definition.end_screen.cta_label",
        ),
        (
            json!({"end_screen": {"cta_label": "x".repeat(41), "cta_url": "https://shop.example.com/"}}),
            "definition.end_screen.cta_label",
        ),
        (
            json!({"prizes": [{"name": "Gift card", "weight": 1, "stock": 1, "codes": {"pool": ["A"]}, "valid_until": "31/12/2026"}]}),
            "definition.prizes[0].valid_until",
        ),
        (
            json!({"prizes": [{"name": "Gift card", "weight": 1, "stock": 1, "codes": {"pool": ["A"]}, "valid_until": "2026-02-30"}]}),
            "definition.prizes[0].valid_until",
        ),
    ] {
        let mut definition = pooled(1, &["A".into()], "daily");
        for (key, value) in change.as_object().unwrap() {
            definition[key] = value.clone();
        }
        let (status, body) = post(definition).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{change}: {body}"
        );
    }

    // A round trip: stored, read back, and sent to the visitor.
    let end_screen = json!({
        "win_title": "You won!", "win_text": "", "lose_title": "Not this time", "lose_text": "",
        "cta_label": "Shop now", "cta_url": "https://shop.example.com/sale?from=game", "cta_on_lose": true,
    });
    let mut definition = pooled(1, &["CODE-1".into()], "daily");
    definition["prizes"][0]["valid_until"] = json!("2027-01-31");
    definition["end_screen"] = end_screen.clone();
    let id = server.campaign("Result", "wheel", definition).await.id;
    let (status, read) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/campaigns/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["definition"]["end_screen"], end_screen, "{read}");
    assert_eq!(read["definition"]["prizes"][0]["valid_until"], "2027-01-31");

    let (_, render) = server
        .public(
            "/api/v1/embed/render",
            json!({"segment": "Result", "user": {"id": "ada"}}),
        )
        .await;
    assert_eq!(render["campaign"]["end_screen"], end_screen, "{render}");
    assert_eq!(
        render["strings"]["play_again"],
        "You can play again in {time}."
    );
    let (id, token) = registered(
        &server,
        "Result",
        "grace",
        json!({"email": "grace@example.com"}),
    )
    .await;
    let (status, played) = play(&server, &id, &token).await;
    assert_eq!(status, StatusCode::OK, "{played}");
    assert_eq!(played["prize"]["valid_until"], "2027-01-31", "{played}");
    assert_eq!(played["code"], "CODE-1");
    // A daily limit: the next UTC midnight.
    let next = played["next_play_at"].as_str().unwrap();
    assert!(next.ends_with("T00:00:00.000Z"), "{next}");
    // The answer is stored: a retried play answers the same.
    let (_, again) = play(&server, &id, &token).await;
    assert_eq!(again["next_play_at"], played["next_play_at"]);
    assert_eq!(again["prize"], played["prize"]);
}

#[tokio::test]
async fn a_quiz_shows_its_right_answers_only_once_played_and_the_same_on_a_replay() {
    let server = TestServer::start(|_| {}).await;
    let (_, render) = server
        .public(
            "/api/v1/embed/render",
            json!({"segment": "Quiz", "user": {"id": "quizzer"}}),
        )
        .await;
    // The render shows the questions, never which answers are right.
    let questions = render["campaign"]["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 2, "{render}");
    for question in questions {
        assert!(question.get("correct").is_none(), "{question}");
    }
    assert!(render["campaign"].get("correct_answers").is_none());
    let (id, token) = registered(
        &server,
        "Quiz",
        "quizzer",
        json!({"email": "quiz@example.com"}),
    )
    .await;
    // Both answers wrong: no prize, and the right ones to review.
    let answers = json!({"token": token, "answers": [0, 1]});
    let path = format!("/api/v1/embed/sessions/{id}/play");
    let (status, played) = server.public(&path, answers.clone()).await;
    assert_eq!(status, StatusCode::OK, "{played}");
    assert_eq!(played["score"], 0, "{played}");
    assert!(played.get("prize").is_none(), "{played}");
    assert_eq!(played["correct_answers"], json!([1, 0]), "{played}");
    // A retry of the step answers what was stored, the review included.
    let (status, replayed) = server.public(&path, answers).await;
    assert_eq!(status, StatusCode::OK, "{replayed}");
    assert_eq!(replayed, played);
    // Other kinds have nothing to review.
    let (id, token) = registered(
        &server,
        "Gift Box",
        "quizzer",
        json!({"email": "quiz@example.com"}),
    )
    .await;
    let (_, played) = play(&server, &id, &token).await;
    assert!(played.get("correct_answers").is_none(), "{played}");
}

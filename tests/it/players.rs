//! Players for the marketer, through the admin API of a real server: the
//! list with its search, filters and paging; a player's page; the export;
//! erasure everywhere (players, plays, stored events, webhook history, a
//! resend) with `player.deleted`; retention.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{receiver::Receiver, server::TestServer};

async fn server() -> TestServer {
    TestServer::start(|config| config.allow_private_endpoints = true).await
}

/// A form with email, name, a custom field and a consent checkbox.
fn form() -> Value {
    json!({
        "fields": [
            {"key": "email", "type": "email", "label": "Email"},
            {"key": "name", "type": "name", "label": "Name"},
            {"key": "city", "type": "text", "label": "City"}
        ],
        "consent": {"label": "Send me offers."}
    })
}

/// An active campaign whose plays always win (`wins`) or never do, and a
/// segment of the same title: the campaign's and the segment's ids.
async fn campaign(server: &TestServer, title: &str, wins: bool) -> (String, String) {
    let (prize, none) = if wins { (1, 0) } else { (0, 1) };
    let definition = json!({
        "texts": {"title": title},
        "play_limit": "unlimited",
        "form": form(),
        "prizes": [{"name": "Mug", "weight": prize, "codes": {"generate": {"prefix": "MUG-"}}}],
        "no_prize": {"label": "Next time", "weight": none}
    });
    let (status, created) = server
        .call(
            Method::POST,
            "/api/v1/campaigns",
            Some(json!({"name": title, "kind": "wheel", "status": "active", "definition": definition})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, segment) = server
        .call(
            Method::POST,
            "/api/v1/segments",
            Some(json!({"title": title, "campaign_id": created["id"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{segment}");
    (
        created["id"].as_str().unwrap().to_owned(),
        segment["id"].as_str().unwrap().to_owned(),
    )
}

/// `external` registers in `segment` with `fields` (consent when `consent`)
/// and plays: the player's id and the play's answer.
async fn play(
    server: &TestServer,
    segment: &str,
    external: &str,
    fields: Value,
    consent: bool,
) -> (String, Value) {
    let (id, token) = server.session(segment, external).await;
    let path = |step: &str| format!("/api/v1/embed/sessions/{id}/{step}");
    let (status, registered) = server
        .public(
            &path("register"),
            json!({"token": token, "fields": fields, "consent": consent}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{registered}");
    let (status, played) = server.public(&path("play"), json!({"token": token})).await;
    assert_eq!(status, StatusCode::OK, "{played}");
    let (status, finished) = server
        .public(&path("finish"), json!({"token": token}))
        .await;
    assert_eq!(status, StatusCode::OK, "{finished}");
    (registered["player_id"].as_str().unwrap().to_owned(), played)
}

/// Webhooks on, to `receiver`'s `/ok`, for `events` (every type when
/// `None`).
async fn send_webhooks_to(server: &TestServer, receiver: &Receiver, events: Option<Value>) {
    let mut settings = json!({"enabled": true, "url": receiver.url("/ok")});
    if let Some(events) = events {
        settings["events"] = events;
    }
    let (status, body) = server
        .call(Method::PUT, "/api/v1/webhooks/settings", Some(settings))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// An export's body, as text.
async fn export_text(server: &TestServer, query: &str) -> String {
    server
        .admin(Method::GET, &format!("/api/v1/players/export{query}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The ids of a list answer, and its `next_cursor`.
async fn list(server: &TestServer, query: &str) -> (Vec<String>, Option<String>) {
    let (status, page) = server
        .call(Method::GET, &format!("/api/v1/players{query}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {page}");
    let ids = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, page["next_cursor"].as_str().map(str::to_owned))
}

fn fields(email: &str, name: &str, city: &str) -> Value {
    json!({"email": email, "name": name, "city": city})
}

#[tokio::test]
async fn players_are_listed_searched_filtered_and_paged_without_gaps() {
    let server = server().await;
    let (winning, _) = campaign(&server, "Always Wins", true).await;
    let (_, losing_segment) = campaign(&server, "Never Wins", false).await;
    let (ada, _) = play(
        &server,
        "Always Wins",
        "u-ada",
        fields("Ada@Example.com", "Ada Lovelace", "London"),
        true,
    )
    .await;
    let (bob, _) = play(
        &server,
        "Never Wins",
        "u-bob",
        fields("bob@example.com", "Bob", "Paris"),
        false,
    )
    .await;
    let (eve, _) = play(
        &server,
        "Never Wins",
        "EXT-eve",
        fields("eve@example.org", "Ève", "Lyon"),
        true,
    )
    .await;

    // Newest first, with counts.
    let (status, page) = server.call(Method::GET, "/api/v1/players", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let ids: Vec<_> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(ids, [json!(eve), json!(bob), json!(ada)]);
    let first = &page["data"][2];
    assert_eq!(first["email"], "Ada@Example.com");
    assert_eq!(
        (first["plays"].as_i64(), first["wins"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(first["consent"]["given"], true);
    assert!(first["last_played_at"].is_string());

    // Search: a prefix of the email, the name or the external id, any case.
    for (q, want) in [
        ("ada@", vec![ada.clone()]),
        ("ADA", vec![ada.clone()]),
        ("bo", vec![bob.clone()]),
        ("ève", vec![eve.clone()]),
        ("ext-", vec![eve.clone()]),
        ("u-", vec![bob.clone(), ada.clone()]),
        ("example.com", vec![]),
        ("zzz", vec![]),
    ] {
        let (ids, _) = list(&server, &format!("?q={}", urlencode(q))).await;
        assert_eq!(ids, want, "q={q}");
    }
    // Filters.
    assert_eq!(list(&server, "?won=true").await.0, [ada.as_str()]);
    assert_eq!(
        list(&server, "?won=false").await.0,
        [eve.clone(), bob.clone()]
    );
    assert_eq!(list(&server, "?consent=false").await.0, [bob.as_str()]);
    assert_eq!(
        list(&server, &format!("?campaign_id={winning}")).await.0,
        [ada.as_str()]
    );
    assert_eq!(
        list(
            &server,
            &format!("?segment_id={losing_segment}&consent=true")
        )
        .await
        .0,
        [eve.as_str()]
    );
    assert_eq!(
        list(
            &server,
            "?played_since=2000-01-01&played_until=2100-01-01&q=u-"
        )
        .await
        .0,
        [bob.clone(), ada.clone()]
    );
    assert!(list(&server, "?played_until=2000-01-01").await.0.is_empty());

    // Paging one at a time while new players arrive: every player of the
    // first listing once, in order, none between pages.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut arrivals = 0;
    loop {
        let query = match &cursor {
            Some(after) => format!("?limit=1&after={after}"),
            None => "?limit=1".to_owned(),
        };
        let (ids, next) = list(&server, &query).await;
        seen.extend(ids);
        arrivals += 1;
        play(
            &server,
            "Never Wins",
            &format!("late-{arrivals}"),
            fields(&format!("late{arrivals}@example.com"), "Late", "Rome"),
            false,
        )
        .await;
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, [eve.clone(), bob.clone(), ada.clone()]);

    // Bad input names the field.
    for (query, status, field) in [
        ("?sort=email", StatusCode::BAD_REQUEST, "sort"),
        ("?won=maybe", StatusCode::BAD_REQUEST, "won"),
        (
            "?after=not-a-cursor",
            StatusCode::UNPROCESSABLE_ENTITY,
            "after",
        ),
        ("?limit=0", StatusCode::UNPROCESSABLE_ENTITY, "limit"),
        (
            "?played_since=yesterday",
            StatusCode::UNPROCESSABLE_ENTITY,
            "played_since",
        ),
        (
            "?played_since=2026-02-01&played_until=2026-01-01",
            StatusCode::UNPROCESSABLE_ENTITY,
            "played_until",
        ),
    ] {
        let (got, body) = server
            .call(Method::GET, &format!("/api/v1/players{query}"), None)
            .await;
        assert_eq!(got, status, "{query}: {body}");
        assert!(body.to_string().contains(field), "{query}: {body}");
    }
    let (status, body) = server
        .call(Method::GET, "/api/v1/players/export?format=xlsx", None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "format", "{body}");

    // Another account sees none of them.
    let store = server.second_store().await;
    let other = adact_server::app::accounts::create_account(&store, "Other shop", None, None)
        .await
        .unwrap();
    store.close().await;
    let as_other = |method: Method, path: &str| {
        server
            .client
            .request(method, server.url(path))
            .bearer_auth(&other.admin_token)
    };
    let answer = as_other(Method::GET, "/api/v1/players")
        .send()
        .await
        .unwrap();
    let page: Value = answer.json().await.unwrap();
    assert_eq!(page["data"], json!([]), "{page}");
    for (method, path) in [
        (Method::GET, format!("/api/v1/players/{ada}")),
        (Method::GET, format!("/api/v1/players/{ada}/data")),
        (Method::DELETE, format!("/api/v1/players/{ada}")),
    ] {
        let answer = as_other(method.clone(), &path).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
    let export = as_other(Method::GET, "/api/v1/players/export?format=ndjson")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(export, "");
    // Admin only.
    let answer = server
        .client
        .get(server.url("/api/v1/players/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_player_page_shows_every_play_and_whether_the_code_was_sent() {
    let receiver = Receiver::start().await;
    let server = server().await;
    send_webhooks_to(&server, &receiver, None).await;
    let (winning, _) = campaign(&server, "Always Wins", true).await;
    campaign(&server, "Never Wins", false).await;
    let (ada, won) = play(
        &server,
        "Always Wins",
        "u-ada",
        fields("ada@example.com", "Ada", "London"),
        true,
    )
    .await;
    play(
        &server,
        "Never Wins",
        "u-ada",
        json!({"city": "Leeds"}),
        true,
    )
    .await;
    // player.created, game.ended, prize.assigned, gameplay.finished;
    // player.updated, game.ended, gameplay.finished.
    receiver.wait_for_distinct(7, Duration::from_secs(20)).await;

    let (status, player) = server
        .call(Method::GET, &format!("/api/v1/players/{ada}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{player}");
    assert_eq!(player["email"], "ada@example.com");
    assert_eq!(
        player["fields"]["city"], "Leeds",
        "the last registration's value"
    );
    assert_eq!(player["consent"]["text"], "Send me offers.");
    let plays = player["plays"].as_array().unwrap();
    assert_eq!(plays.len(), 2, "{player}");
    let (lost, won_play) = (&plays[0], &plays[1]);
    assert_eq!(lost["outcome"], "lost");
    assert_eq!(lost["prize"], Value::Null);
    assert_eq!(lost["code_sent"], false);
    assert_eq!(won_play["outcome"], "won");
    assert_eq!(won_play["campaign"]["id"], winning);
    assert_eq!(won_play["campaign"]["kind"], "wheel");
    assert_eq!(won_play["segment"]["title"], "Always Wins");
    assert_eq!(won_play["prize"]["name"], "Mug");
    assert_eq!(won_play["code"], won["code"]);
    assert_eq!(won_play["code_sent"], true);
    assert!(won_play["finished_at"].is_string());

    // Everything held on the player: the same, and every event about them.
    let (status, data) = server
        .call(Method::GET, &format!("/api/v1/players/{ada}/data"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{data}");
    assert_eq!(data["player"]["email"], "ada@example.com");
    assert_eq!(data["plays"].as_array().unwrap().len(), 2);
    let types: Vec<_> = data["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "player.created",
            "game.ended",
            "prize.assigned",
            "gameplay.finished",
            "player.updated",
            "game.ended",
            "gameplay.finished"
        ]
    );

    let (status, body) = server
        .call(Method::GET, "/api/v1/players/plr_01missing", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "player_not_found");
}

/// A CSV answer's rows, parsed as RFC 4180 (the byte-order mark removed).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a CSV export starts with a byte-order mark");
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

#[tokio::test]
async fn the_export_streams_one_row_per_play_quoted_and_safe_for_spreadsheets() {
    let server = server().await;
    campaign(&server, "Always Wins", true).await;
    let (losing, _) = campaign(&server, "Never Wins", false).await;
    let tricky = "Smith, \"Jo\"";
    play(
        &server,
        "Always Wins",
        "u-1",
        fields("jo@example.com", tricky, "=HYPERLINK(\"http://evil\")"),
        true,
    )
    .await;
    play(
        &server,
        "Never Wins",
        "u-1",
        fields("jo@example.com", tricky, "+33 1 23"),
        true,
    )
    .await;
    play(
        &server,
        "Never Wins",
        "@u-2",
        fields("-2@example.com", "Sam", "Oslo"),
        false,
    )
    .await;

    let answer = server
        .admin(Method::GET, "/api/v1/players/export?format=csv")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        answer.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"players-"),
    );
    let rows = csv_rows(&answer.text().await.unwrap());
    let header = &rows[0];
    assert_eq!(&header[..3], ["play_id", "started_at", "played_at"]);
    for column in [
        "campaign",
        "segment",
        "outcome",
        "prize",
        "code",
        "email",
        "name",
        "consent_given",
        "Email",
        "City",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "no column {column} in {header:?}"
        );
    }
    assert_eq!(rows.len(), 1 + 3, "a row per play: {rows:?}");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    // Newest first: Sam's, then Jo's two plays.
    let (sam, jo_lost, jo_won) = (&rows[1], &rows[2], &rows[3]);
    assert_eq!(sam[col("external_id")], "'@u-2");
    assert_eq!(sam[col("email")], "'-2@example.com");
    assert_eq!(sam[col("consent_given")], "no");
    assert_eq!(jo_lost[col("outcome")], "lost");
    assert_eq!(jo_lost[col("campaign_id")], losing);
    assert_eq!(jo_lost[col("City")], "'+33 1 23");
    assert_eq!(jo_won[col("outcome")], "won");
    assert_eq!(jo_won[col("prize")], "Mug");
    assert!(jo_won[col("code")].starts_with("MUG-"));
    assert_eq!(
        jo_won[col("name")],
        tricky,
        "quoted with its comma and quotes"
    );
    assert_eq!(jo_won[col("segment")], "Always Wins");
    // The player's fields are the player's, as stored now.
    assert_eq!(jo_won[col("City")], "'+33 1 23");

    // Compressed as the console's browser asks, it streams to its end too.
    let answer = server
        .admin(Method::GET, "/api/v1/players/export?format=csv")
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["content-encoding"], "br");
    assert!(!answer.bytes().await.unwrap().is_empty());

    // NDJSON, filtered: one object a line.
    let text = export_text(&server, "?format=ndjson&won=true").await;
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["outcome"], "won");
    assert_eq!(lines[0]["name"], tricky);
    assert_eq!(
        lines[0]["fields"]["city"], "+33 1 23",
        "JSON needs no neutralising"
    );
}

#[tokio::test]
async fn an_export_longer_than_its_chunks_has_every_play_once_in_order() {
    let server = server().await;
    let (campaign, segment) = campaign(&server, "Always Wins", true).await;
    let (player, _) = play(
        &server,
        "Always Wins",
        "u-many",
        fields("many@example.com", "Many", "Oslo"),
        true,
    )
    .await;
    // 4,500 more plays, straight into the database: more than two of the
    // export's chunks.
    let store = server.second_store().await;
    let account: String = sqlx::query_scalar("select account_id from players where id = $1")
        .bind(&player)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let mut tx = store.pool().begin().await.unwrap();
    for i in 0..4_500 {
        sqlx::query(
            "insert into plays (id, account_id, campaign_id, segment_id, external_id, player_id, \
             played_at, created_at) values ($1, $2, $3, $4, 'u-many', $5, $6, $6)",
        )
        .bind(format!("play_bulk{i:05}"))
        .bind(&account)
        .bind(&campaign)
        .bind(&segment)
        .bind(&player)
        .bind(1_700_000_000_000_i64 + i)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    store.close().await;

    let text = export_text(&server, "?format=ndjson").await;
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["play_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 4_501);
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(ids, sorted, "newest first, each once");
}

#[tokio::test]
async fn erasing_a_player_removes_them_everywhere_and_tells_the_receiver() {
    let receiver = Receiver::start().await;
    let server = server().await;
    send_webhooks_to(&server, &receiver, None).await;
    campaign(&server, "Always Wins", true).await;
    let (ada, won) = play(
        &server,
        "Always Wins",
        "u-ada",
        fields("ada@example.com", "Ada Lovelace", "London"),
        true,
    )
    .await;
    let (bob, _) = play(
        &server,
        "Always Wins",
        "u-bob",
        fields("bob@example.com", "Bob", "Paris"),
        true,
    )
    .await;
    let got = receiver.wait_for_distinct(8, Duration::from_secs(20)).await;
    assert!(
        got.iter()
            .any(|r| String::from_utf8_lossy(&r.body).contains("ada@example.com"))
    );

    let (status, body) = server
        .call(Method::DELETE, &format!("/api/v1/players/{ada}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = server
        .call(Method::DELETE, &format!("/api/v1/players/{ada}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "erasing twice: {body}");
    let (status, _) = server
        .call(Method::GET, &format!("/api/v1/players/{ada}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // player.deleted reaches the receiver.
    let got = receiver.wait_for_distinct(9, Duration::from_secs(20)).await;
    let deleted = got
        .iter()
        .map(|r| r.json())
        .find(|b| b["type"] == "player.deleted")
        .expect("player.deleted was delivered");
    assert_eq!(
        deleted["data"]["player"],
        json!({"id": ada, "external_id": "u-ada"})
    );
    assert_eq!(deleted["data"]["reason"], "request");

    // Nothing stored names Ada any more, outside that notice: players,
    // plays, events, the webhook history.
    let store = server.second_store().await;
    let pool = store.pool();
    let leaks = |sql: &'static str| async move {
        let texts: Vec<String> = sqlx::query_scalar(sql).fetch_all(pool).await.unwrap();
        texts
            .into_iter()
            .filter(|t| {
                (t.contains("ada@example.com") || t.contains("Lovelace") || t.contains("London"))
                    && !t.contains("player.deleted")
            })
            .collect::<Vec<_>>()
    };
    for sql in [
        "select coalesce(data, '') || coalesce(email, '') || coalesce(name, '') from players",
        "select coalesce(register_result, '') || coalesce(play_result, '') || coalesce(finish_result, '') || external_id from plays",
        "select payload from events",
        "select request_body from delivery_attempts",
    ] {
        assert!(leaks(sql).await.is_empty(), "{sql} still names the player");
    }
    let external: Vec<String> =
        sqlx::query_scalar("select external_id from plays where external_id = 'u-ada'")
            .fetch_all(pool)
            .await
            .unwrap();
    assert!(external.is_empty());
    // The code stays given: the play keeps it, pointing at no one.
    let code: Option<String> =
        sqlx::query_scalar("select play_id from prize_codes where code = $1")
            .bind(won["code"].as_str().unwrap())
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(code.is_some());
    store.close().await;

    // Bob is untouched.
    let (status, player) = server
        .call(Method::GET, &format!("/api/v1/players/{bob}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(player["email"], "bob@example.com");

    // A resend of an old delivery of Ada's sends the erased body.
    let (status, deliveries) = server
        .call(
            Method::GET,
            "/api/v1/webhooks/deliveries?event_type=player.created&limit=200",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{deliveries}");
    let mut resent = 0;
    for delivery in deliveries["data"].as_array().unwrap() {
        let id = delivery["id"].as_str().unwrap();
        let (status, detail) = server
            .call(
                Method::GET,
                &format!("/api/v1/webhooks/deliveries/{id}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!detail.to_string().contains("ada@example.com"), "{detail}");
        if detail.to_string().contains(&ada) {
            let (status, body) = server
                .call(
                    Method::POST,
                    &format!("/api/v1/webhooks/deliveries/{id}/resend"),
                    None,
                )
                .await;
            assert!(status.is_success(), "{body}");
            resent += 1;
        }
    }
    assert_eq!(resent, 1);
    let created_for_ada = |got: &[crate::receiver::Received]| {
        got.iter()
            .map(|r| r.json())
            .filter(|b| b["type"] == "player.created" && b["data"]["player"]["id"] == ada)
            .collect::<Vec<_>>()
    };
    let got = receiver
        .wait_for(Duration::from_secs(20), |got| {
            created_for_ada(got).len() >= 2
        })
        .await;
    let last = created_for_ada(&got).pop().unwrap();
    assert_eq!(last["data"]["player"]["email"], Value::Null);
    assert_eq!(last["data"]["player"]["fields"], json!({}));

    // The same visitor again is a new player.
    let (again, _) = play(
        &server,
        "Always Wins",
        "u-ada",
        fields("ada@example.com", "Ada", "London"),
        true,
    )
    .await;
    assert_ne!(again, ada);
    let (status, campaigns) = server.call(Method::GET, "/api/v1/campaigns", None).await;
    assert_eq!(status, StatusCode::OK);
    let wins = campaigns["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Always Wins")
        .unwrap();
    assert_eq!(wins["stats"]["plays"], 3, "erased plays still count");
}

#[tokio::test]
async fn retention_erases_players_last_seen_longer_ago() {
    let receiver = Receiver::start().await;
    let server = server().await;
    send_webhooks_to(&server, &receiver, Some(json!(["player.deleted"]))).await;
    let (status, body) = server
        .call(Method::GET, "/api/v1/account/player-retention", None)
        .await;
    assert_eq!((status, &body), (StatusCode::OK, &json!({"days": null})));
    for bad in [json!({"days": 0}), json!({"days": 3651})] {
        let (status, body) = server
            .call(Method::PUT, "/api/v1/account/player-retention", Some(bad))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "days");
    }
    let (status, body) = server
        .call(
            Method::PUT,
            "/api/v1/account/player-retention",
            Some(json!({"days": 30})),
        )
        .await;
    assert_eq!((status, &body), (StatusCode::OK, &json!({"days": 30})));

    campaign(&server, "Always Wins", true).await;
    let (old, _) = play(
        &server,
        "Always Wins",
        "u-old",
        fields("old@example.com", "Old", "Bern"),
        true,
    )
    .await;
    let (recent, _) = play(
        &server,
        "Always Wins",
        "u-new",
        fields("new@example.com", "New", "Bern"),
        true,
    )
    .await;
    let store = server.second_store().await;
    let long_ago = adact_domain::time::now_ms() - 31 * 86_400_000;
    sqlx::query("update players set updated_at = $1 where id = $2")
        .bind(long_ago)
        .bind(&old)
        .execute(store.pool())
        .await
        .unwrap();
    let erased = adact_server::app::players::apply_retention(&store)
        .await
        .unwrap();
    assert_eq!(erased, 1);
    store.close().await;

    assert_eq!(list(&server, "").await.0, [recent]);
    let got = receiver.wait_for_distinct(1, Duration::from_secs(20)).await;
    let body = got[0].json();
    assert_eq!(body["type"], "player.deleted");
    assert_eq!(body["data"]["player"]["id"], old);
    assert_eq!(body["data"]["reason"], "retention");
}

/// Admins who hang up 0-8 ms after sending an erasure (RST) leave each
/// player whole (the row, the email in the stored events, no
/// `player.deleted`) or erased everywhere with one `player.deleted`, never
/// between; asked again, the server answers by that state (204 for a
/// player still whole, 404 for one erased), and in the end every player is
/// erased once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_up_erasures_are_whole_or_absent() {
    const PLAYERS: usize = 40;
    let server = server().await;
    let target = server.target();
    crate::load::lift_rate_limits(&target).await;
    campaign(&server, "Always Wins", true).await;
    let mut players = Vec::new();
    for n in 0..PLAYERS {
        let email = format!("pat{n}@example.com");
        let fields = fields(&email, "Pat", "Rome");
        let (id, _) = play(&server, "Always Wins", &format!("u-{n}"), fields, true).await;
        players.push((id, email));
    }
    // Four admins at a time, each hanging up on its erasures.
    for batch in players.chunks(4) {
        let paths: Vec<String> = batch
            .iter()
            .map(|(id, _)| format!("/api/v1/players/{id}"))
            .collect();
        let cuts = paths
            .iter()
            .map(|path| target.hang_up(Method::DELETE, path, false, None));
        futures_util::future::join_all(cuts).await;
    }
    // Handlers the hang-up did not cancel finish their transaction.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let store = server.second_store().await;
    let pool = store.pool();
    let state = |id: String, email: String| async move {
        let rows: i64 = sqlx::query_scalar("select count(*) from players where id = $1")
            .bind(&id)
            .fetch_one(pool)
            .await
            .unwrap();
        let naming: i64 = sqlx::query_scalar("select count(*) from events where payload like $1")
            .bind(format!("%{email}%"))
            .fetch_one(pool)
            .await
            .unwrap();
        let deleted: i64 = sqlx::query_scalar(
            "select count(*) from events where payload like '%player.deleted%' and payload like $1",
        )
        .bind(format!("%{id}%"))
        .fetch_one(pool)
        .await
        .unwrap();
        (rows, naming > 0, deleted)
    };
    let mut whole = Vec::new();
    for (id, email) in &players {
        match state(id.clone(), email.clone()).await {
            (1, true, 0) => whole.push(id.clone()),
            (0, false, 1) => {}
            other => panic!(
                "player {id} half erased after a hang-up: (rows, named in events, player.deleted) = {other:?}"
            ),
        }
    }
    println!(
        "hang-ups on {}: {} of {PLAYERS} erasures went through, {} left whole",
        store.backend_name(),
        PLAYERS - whole.len(),
        whole.len()
    );

    // Asked again, each answers by its state, and nothing is left.
    for (id, _) in &players {
        let (status, body) = server
            .call(Method::DELETE, &format!("/api/v1/players/{id}"), None)
            .await;
        let expected = if whole.contains(id) {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(status, expected, "{id}: {body}");
    }
    for (id, email) in &players {
        assert_eq!(
            state(id.clone(), email.clone()).await,
            (0, false, 1),
            "{id} is not erased once"
        );
    }
    store.close().await;
}

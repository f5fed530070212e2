//! Campaign statistics: what a known sequence of renders and steps counts,
//! the days of the account's time zone, views written every few seconds
//! and at a graceful stop, and the bad requests.

use std::time::Duration;

use jiff::{Timestamp, tz::TimeZone};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{edge::count as count_rows, load, server::TestServer};

/// A wheel where every play wins one of two prizes, shown by segment
/// `title`; its id.
async fn always_wins(server: &TestServer, title: &str) -> String {
    let definition = json!({
        "texts": {"title": "Stats"},
        "play_limit": "unlimited",
        "form": {"fields": [{"key": "email", "type": "email", "label": "Email", "required": true}]},
        "prizes": [
            {"name": "Mug", "weight": 1, "codes": {"generate": {"prefix": "MUG-"}}},
            {"name": "Hat", "weight": 1, "codes": {"generate": {"prefix": "HAT-"}}}
        ],
        "no_prize": {"label": "Next time", "weight": 0}
    });
    let id = load::create_campaign(&server.target(), title, definition).await;
    let (status, body) = server
        .call(
            Method::POST,
            "/api/v1/segments",
            Some(json!({"title": title, "campaign_id": id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id
}

/// Renders `segment` for `player` and runs its steps up to `last`
/// ("render", "register", "play" or "finish").
async fn visit(server: &TestServer, segment: &str, player: &str, last: &str) {
    let (id, token) = server.session(segment, player).await;
    let steps = [
        (
            "register",
            json!({"token": token, "fields": {"email": format!("{player}@example.com")}, "consent": true}),
        ),
        ("play", json!({"token": token})),
        ("finish", json!({"token": token})),
    ];
    for (step, body) in steps {
        if last == "render" {
            return;
        }
        let (status, answer) = server
            .public(&format!("/api/v1/embed/sessions/{id}/{step}"), body)
            .await;
        assert_eq!(status, StatusCode::OK, "{step}: {answer}");
        if step == last {
            return;
        }
    }
}

/// The campaign's statistics with `query`: the answer.
async fn ask(server: &TestServer, campaign: &str, query: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/campaigns/{campaign}/stats{query}");
    server.call(Method::GET, &path, None).await
}

async fn stats(server: &TestServer, campaign: &str, query: &str) -> Value {
    let (status, body) = ask(server, campaign, query).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Today in the zone, `YYYY-MM-DD`.
fn today(zone: &str) -> String {
    let tz = TimeZone::get(zone).unwrap();
    Timestamp::now().to_zoned_datetime(tz).date().to_string()
}

/// Asks until the views reach `views` (they are written every few
/// seconds): the series then.
async fn once_views_reach(server: &TestServer, campaign: &str, views: i64) -> Value {
    for _ in 0..100 {
        let body = stats(server, campaign, "").await;
        if body["totals"]["views"] == views {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the views never reached {views}");
}

/// A server that writes its views every 100 ms.
async fn flushing_often() -> TestServer {
    TestServer::start(|config| {
        config.stats_flush_interval = Duration::from_millis(100);
    })
    .await
}

/// Sets the account's time zone: the answer.
async fn set_zone(server: &TestServer, zone: &str) -> (StatusCode, Value) {
    let change = Some(json!({"time_zone": zone}));
    server
        .call(Method::PATCH, "/api/v1/account/settings", change)
        .await
}

#[tokio::test]
async fn a_known_sequence_of_renders_and_steps_adds_up_by_day_with_its_funnel() {
    let server = flushing_often().await;
    let campaign = always_wins(&server, "Stats").await;
    // 8 renders; 5 registrations by 3 players (Ada three times); 4 plays;
    // 2 finishes.
    for player in ["ada", "bob", "cy"] {
        visit(&server, "Stats", player, "render").await;
    }
    visit(&server, "Stats", "ada", "register").await;
    visit(&server, "Stats", "ada", "play").await;
    visit(&server, "Stats", "ada", "finish").await;
    visit(&server, "Stats", "bob", "play").await;
    visit(&server, "Stats", "cy", "finish").await;

    // Steps count at once, in their own transactions.
    let body = stats(&server, &campaign, "").await;
    assert_eq!(body["totals"]["registrations"], 5, "{body}");
    assert_eq!(body["totals"]["players"], 3);
    assert_eq!(body["totals"]["plays"], 4);
    assert_eq!(body["totals"]["wins"], 4);
    assert_eq!(body["totals"]["finishes"], 2);

    // Views once flushed.
    let body = once_views_reach(&server, &campaign, 8).await;
    assert_eq!(body["time_zone"], "UTC");
    let days = body["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let last = days.last().unwrap();
    assert_eq!(last["date"], today("UTC"));
    assert_eq!(body["to"], today("UTC"));
    assert_eq!(last["views"], 8);
    assert_eq!(last["plays"], 4);
    assert!(
        days[..29]
            .iter()
            .all(|day| day["views"] == 0 && day["plays"] == 0)
    );
    let by_prize = last["wins_by_prize"].as_object().unwrap();
    assert_eq!(
        by_prize.values().map(|n| n.as_i64().unwrap()).sum::<i64>(),
        4
    );
    let prizes: Vec<&str> = body["prizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(prizes, ["Mug", "Hat"]);
    assert_eq!(
        body["funnel"],
        json!({"view_to_registration": 0.625, "registration_to_play": 0.8,
               "play_to_win": 1.0, "play_to_finish": 0.5})
    );

    // Another replica adds the views it counted to the same hour.
    let replica = server.second_store().await;
    let account: String = sqlx::query_scalar("select account_id from campaigns where id = $1")
        .bind(&campaign)
        .fetch_one(replica.pool())
        .await
        .unwrap();
    let hour = adact_domain::stats::bucket(&TimeZone::UTC, Timestamp::now().as_millisecond());
    for _ in 0..5 {
        replica.count_view(&account, &campaign, hour);
    }
    assert_eq!(
        replica.flush_views().await.unwrap(),
        1,
        "one row per campaign and hour"
    );
    replica.close().await;
    assert_eq!(stats(&server, &campaign, "").await["totals"]["views"], 13);
    let body = once_views_reach(&server, &campaign, 13).await;

    // The list shows the last 7 days, and the other campaigns' own.
    let (_, list) = server.call(Method::GET, "/api/v1/campaigns", None).await;
    let shown = |id: &str| {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["stats"]["last_7_days"]
            .clone()
    };
    assert_eq!(
        shown(&campaign),
        json!({"views": 13, "players": 3, "wins": 4})
    );
    let demo = list["data"][0]["id"].as_str().unwrap().to_owned();
    assert_ne!(demo, campaign);
    assert_eq!(shown(&demo), json!({"views": 0, "players": 0, "wins": 0}));

    // Every step count is folded into the hours' rows (PostgreSQL).
    for _ in 0..100 {
        if count_rows(&server, "campaign_stat_deltas").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(count_rows(&server, "campaign_stat_deltas").await, 0);
    assert_eq!(
        stats(&server, &campaign, "").await["totals"],
        body["totals"]
    );
    server.stop().await;
}

#[tokio::test]
async fn a_render_writes_nothing_and_a_graceful_stop_writes_its_views() {
    // No flush before the stop.
    let hour = |config: &mut adact_server::config::Config| {
        config.stats_flush_interval = Duration::from_secs(3600);
    };
    let server = TestServer::start(hour).await;
    let campaign = always_wins(&server, "Stopping").await;
    for player in ["a", "b", "c"] {
        visit(&server, "Stopping", player, "render").await;
    }
    assert_eq!(count_rows(&server, "campaign_stats").await, 0);
    assert_eq!(count_rows(&server, "plays").await, 0);
    assert_eq!(stats(&server, &campaign, "").await["totals"]["views"], 0);
    let dir = server.stop().await;
    let server = TestServer::start_in(dir, hour).await;
    assert_eq!(stats(&server, &campaign, "").await["totals"]["views"], 3);
    server.stop().await;
}

#[tokio::test]
async fn days_are_the_account_time_zones_and_follow_a_change_of_zone() {
    let server = flushing_often().await;
    let campaign = always_wins(&server, "Zones").await;
    let (status, settings) = server
        .call(Method::GET, "/api/v1/account/settings", None)
        .await;
    assert_eq!(
        (status, &settings),
        (StatusCode::OK, &json!({"time_zone": "UTC"}))
    );

    // UTC+14 and UTC-12 are never on the same day: the play moves with
    // the zone, the counts stay.
    visit(&server, "Zones", "ada", "play").await;
    for zone in ["Pacific/Kiritimati", "Etc/GMT+12"] {
        let (status, saved) = set_zone(&server, zone).await;
        assert_eq!(
            (status, &saved),
            (StatusCode::OK, &json!({"time_zone": zone}))
        );
        let body = stats(&server, &campaign, "").await;
        assert_eq!(body["time_zone"], zone);
        let last = body["days"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            (&last["date"], &last["plays"]),
            (&json!(today(zone)), &json!(1)),
            "{body}"
        );
    }
    assert_ne!(today("Pacific/Kiritimati"), today("Etc/GMT+12"));

    // Hours stored around Paris's spring change of clocks (2026-03-29,
    // 23 hours long): each lands in its local day.
    let store = server.second_store().await;
    let account: String = sqlx::query_scalar("select account_id from campaigns where id = $1")
        .bind(&campaign)
        .fetch_one(store.pool())
        .await
        .unwrap();
    for (hour, views) in [
        ("2026-03-27T22:00:00Z", 1),  // 23:00 on the 27th
        ("2026-03-27T23:00:00Z", 2),  // midnight, the 28th
        ("2026-03-28T22:00:00Z", 4),  // 23:00 on the 28th
        ("2026-03-28T23:00:00Z", 8),  // midnight, the 29th
        ("2026-03-29T21:00:00Z", 16), // 23:00 on the 29th (summer time)
        ("2026-03-29T22:00:00Z", 32), // midnight, the 30th
    ] {
        let bucket = hour.parse::<Timestamp>().unwrap().as_millisecond();
        sqlx::query(
            "insert into campaign_stats (campaign_id, bucket, prize_id, account_id, views) \
             values ($1, $2, '', $3, $4)",
        )
        .bind(&campaign)
        .bind(bucket)
        .bind(&account)
        .bind(views)
        .execute(store.pool())
        .await
        .unwrap();
    }
    store.close().await;
    set_zone(&server, "Europe/Paris").await;
    let body = stats(&server, &campaign, "?from=2026-03-28&to=2026-03-30").await;
    let views: Vec<(&str, i64)> = body["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), d["views"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        views,
        [("2026-03-28", 6), ("2026-03-29", 24), ("2026-03-30", 32)]
    );
    assert_eq!(body["totals"]["views"], 62);
    assert!(body["funnel"]["view_to_registration"].is_number());
    server.stop().await;
}

#[tokio::test]
async fn bad_ranges_zones_and_other_accounts_campaigns_are_refused_naming_the_field() {
    let server = TestServer::start(|_| {}).await;
    let campaign = always_wins(&server, "Refusals").await;
    for (query, field) in [
        ("?from=2026-3-01", "from"),
        ("?from=yesterday", "from"),
        ("?to=2026-02-30", "to"),
        ("?from=2026-05-02&to=2026-05-01", "from"),
        ("?from=2024-01-01&to=2026-01-01", "to"),
        ("?from=1900-01-01&to=2026-01-01", "from"),
    ] {
        let (status, body) = ask(&server, &campaign, query).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
    }
    let (status, body) = ask(&server, &campaign, "?day=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("day"),
        "{body}"
    );
    let (status, body) = ask(&server, "cmp_nope", "").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("campaign_not_found"))
    );

    // Another account sees neither the campaign nor its numbers.
    let store = server.second_store().await;
    let other_token = "adm_other_stats_account_0123456789";
    adact_server::app::accounts::create_account(&store, "Other", Some(other_token), None)
        .await
        .unwrap();
    store.close().await;
    let response = server
        .client
        .get(server.url(&format!("/api/v1/campaigns/{campaign}/stats")))
        .bearer_auth(other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = server
        .client
        .get(server.url(&format!("/api/v1/campaigns/{campaign}/stats")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Time zones are IANA names.
    for zone in [
        "Mars/Olympus",
        "",
        "EST5EDT,M3.2.0,M11.1.0",
        "/etc/localtime",
    ] {
        let (status, body) = set_zone(&server, zone).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{zone:?}: {body}");
        assert_eq!(body["error"]["field"], "time_zone");
    }
    let (status, _) = server
        .call(
            Method::PATCH,
            "/api/v1/account/settings",
            Some(json!({"zone": "UTC"})),
        )
        .await;
    assert!(status.is_client_error());
    let (_, settings) = server
        .call(Method::GET, "/api/v1/account/settings", None)
        .await;
    assert_eq!(settings["time_zone"], "UTC");
    server.stop().await;
}

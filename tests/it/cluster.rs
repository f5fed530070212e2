//! Many servers on one database: three processes share the queue, one is
//! SIGKILLed midway, and every event is still delivered, with no more
//! duplicates than the attempts the dead one had in flight.

use std::time::Duration;

use adact_store::Store;

use crate::{
    receiver::{Receiver, tally},
    server::{Process, record_events},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_share_the_queue_and_survive_losing_one() {
    const EVENTS: usize = 5000;
    const CONCURRENCY: usize = 32;
    let receiver = Receiver::with_delay(Duration::from_millis(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = adact_store::testing::database_url(dir.path())
        .await
        .unwrap();
    let concurrency = CONCURRENCY.to_string();
    let args = [
        "--allow-private-endpoints",
        "--webhook-lease",
        "3s",
        "--webhook-concurrency",
        &concurrency,
        "--webhook-retry-schedule",
        "0s,200ms,200ms,200ms",
    ];
    let first = Process::start(&db, &args);
    first.enable_webhooks(&receiver.url("/ok")).await;
    let mut victim = Process::start(&db, &args);
    let third = Process::start(&db, &args);

    let store = Store::connect(&db, 2).await.unwrap();
    let account = store.first_account().await.unwrap().unwrap();
    record_events(&store, &account.id, EVENTS).await;

    receiver
        .wait_for(Duration::from_secs(60), |got| got.len() >= EVENTS / 3)
        .await;
    let mut spread = Vec::new();
    for process in [&first, &victim, &third] {
        spread.push(attempts_made(&process.url).await);
    }
    victim.signal("KILL");
    victim.wait(Duration::from_secs(5));

    let got = receiver
        .wait_for_distinct(EVENTS, Duration::from_secs(120))
        .await;
    let (distinct, twice) = tally(&got);
    println!(
        "cluster test ({}): 3 servers, {EVENTS} events, one SIGKILLed midway (attempts per server by then: {spread:?}): \
         all {} delivered, {twice} more than once (the killed server could have {CONCURRENCY} attempts in flight)",
        store.backend_name(),
        distinct
    );
    assert!(
        spread.iter().all(|&n| n > 0),
        "the work did not spread: {spread:?}"
    );
    assert_eq!(distinct, EVENTS);
    assert!(
        twice <= CONCURRENCY,
        "{twice} duplicates, more than the {CONCURRENCY} attempts in flight"
    );
    store.close().await;
}

/// Attempts a server process has made, from its `/metrics`.
async fn attempts_made(base: &str) -> u64 {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|line| line.starts_with("adact_webhook_attempts_total{"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// A public step against one server, posted the way the embed posts it.
async fn step(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let response = client
        .post(format!("{base}{path}?key={}", crate::server::EMBED_KEY))
        .header("content-type", "text/plain;charset=UTF-8")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// Render, register and play one session on `base`; the code won, if any.
async fn play_once(client: reqwest::Client, base: String, player: String) -> Option<String> {
    let render = step(
        &client,
        &base,
        "/api/v1/embed/render",
        serde_json::json!({"segment": "Rush", "user": {"id": player}}),
    )
    .await;
    let id = render["session"]["id"].as_str().unwrap().to_owned();
    let token = render["session"]["token"].as_str().unwrap().to_owned();
    let sessions = format!("/api/v1/embed/sessions/{id}");
    let fields = serde_json::json!({"token": token, "fields": {"email": "p@example.com"}});
    step(&client, &base, &format!("{sessions}/register"), fields).await;
    let played = step(
        &client,
        &base,
        &format!("{sessions}/play"),
        serde_json::json!({"token": token}),
    )
    .await;
    played["code"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plays_spread_over_three_servers_never_overdraw_stock() {
    const PLAYS: usize = 300;
    const STOCK: usize = 20;
    let dir = tempfile::tempdir().unwrap();
    let db = adact_store::testing::database_url(dir.path())
        .await
        .unwrap();
    let servers: Vec<Process> = (0..3).map(|_| Process::start(&db, &[])).collect();
    adact_server::worker::client::install_crypto_provider();
    let client = reqwest::Client::new();
    let admin = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{}{path}", servers[0].url))
            .bearer_auth(crate::server::ADMIN_TOKEN)
            .json(&body)
            .send()
    };
    let codes: Vec<String> = (0..30).map(|i| format!("RUSH-{i:02}")).collect();
    let campaign: serde_json::Value = admin(
        "/api/v1/campaigns",
        serde_json::json!({"name": "Rush", "kind": "wheel", "status": "active", "definition": {
            "texts": {"title": "Win"},
            "play_limit": "unlimited",
            "form": {"fields": [{"key": "email", "type": "email", "label": "Email", "required": true}]},
            "prizes": [{"name": "Gift card", "weight": 1, "stock": STOCK, "codes": {"pool": codes}}],
            "no_prize": {"label": "Next time", "weight": 0}
        }}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let segment = admin(
        "/api/v1/segments",
        serde_json::json!({"title": "Rush", "campaign_id": campaign["id"]}),
    )
    .await
    .unwrap();
    assert!(segment.status().is_success());
    // 300 plays from one address: far above the default rate limits.
    let most = adact_domain::rate_limits::MAX_PER_MINUTE;
    let lifted = client
        .put(format!("{}/api/v1/account/rate-limits", servers[0].url))
        .bearer_auth(crate::server::ADMIN_TOKEN)
        .json(&serde_json::json!({
            "renders_per_ip": most, "steps_per_ip": most, "steps_per_player": most,
        }))
        .send()
        .await
        .unwrap();
    assert!(lifted.status().is_success());

    let plays: Vec<_> = (0..PLAYS)
        .map(|i| {
            tokio::spawn(play_once(
                client.clone(),
                servers[i % 3].url.clone(),
                format!("p{i}"),
            ))
        })
        .collect();
    let mut won = Vec::new();
    for play in plays {
        won.extend(play.await.unwrap());
    }
    let distinct: std::collections::HashSet<_> = won.iter().collect();
    let store = Store::connect(&db, 1).await.unwrap();
    println!(
        "cluster plays ({}): {PLAYS} plays over 3 servers, prize stock {STOCK}: {} codes won, {} distinct",
        store.backend_name(),
        won.len(),
        distinct.len()
    );
    assert_eq!(won.len(), STOCK, "{won:?}");
    assert_eq!(distinct.len(), STOCK, "a code was given twice: {won:?}");
    store.close().await;
}

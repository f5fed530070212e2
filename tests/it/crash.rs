//! Durability: SIGKILL the server while 1,000 events are queued or in
//! flight, start it again, and every event is delivered.

use std::{collections::HashMap, time::Duration};

use adact_server::{
    events::{self, EventType},
    store::Store,
};
use serde_json::json;

use crate::{
    receiver::Receiver,
    server::{ADMIN_TOKEN, Process},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_event() {
    const EVENTS: usize = 1000;
    // Slow answers keep many attempts in flight when the kill lands.
    let receiver = Receiver::with_delay(Duration::from_millis(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = adact_server::testing::database_url(dir.path())
        .await
        .unwrap();
    let args = [
        "--allow-private-endpoints",
        "--webhook-lease",
        "3s",
        "--webhook-retry-schedule",
        "0s,200ms,200ms,200ms",
    ];
    let mut first = Process::start(&db, &args);

    adact_server::webhooks::client::install_crypto_provider();
    let client = reqwest::Client::new();
    let settings = client
        .put(format!("{}/api/v1/webhooks/settings", first.url))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"enabled": true, "url": receiver.url("/ok")}))
        .send()
        .await
        .unwrap();
    assert!(settings.status().is_success());

    // Another process's events: written straight to the shared database.
    let store = Store::connect(&db, 2).await.unwrap();
    let account = store.first_account().await.unwrap().unwrap();
    let mut tx = store.pool().begin().await.unwrap();
    for i in 0..EVENTS {
        events::record(
            &mut tx,
            &account.id,
            EventType::SegmentUpdated,
            json!({"n": i}),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    receiver
        .wait_for(Duration::from_secs(30), |got| got.len() >= EVENTS / 4)
        .await;
    first.signal("KILL");
    first.wait(Duration::from_secs(5));
    let at_kill = receiver.received().len();

    let _second = Process::start(&db, &args);
    let got = receiver
        .wait_for(Duration::from_secs(60), |got| {
            let mut ids: Vec<_> = got.iter().map(|r| r.header("webhook-id")).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len() >= EVENTS
        })
        .await;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for request in &got {
        *counts.entry(request.header("webhook-id")).or_default() += 1;
    }
    let twice = counts.values().filter(|&&n| n > 1).count();
    println!(
        "crash test: {EVENTS} events, {at_kill} requests received before SIGKILL, all {} delivered after restart, \
         {twice} delivered more than once",
        counts.len()
    );
    assert_eq!(counts.len(), EVENTS);
    // At least once, and no more duplicates than attempts that can be in flight.
    assert!(twice <= 128, "{twice} duplicates");

    // The history agrees: every delivery succeeded.
    let mut succeeded = 0;
    for _ in 0..100 {
        let row: (i64,) =
            sqlx::query_as("select count(*) from deliveries where status = 'succeeded'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        succeeded = row.0;
        if succeeded == EVENTS as i64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(succeeded, EVENTS as i64);
    store.close().await;
}

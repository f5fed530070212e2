//! Many servers on one database: three processes share the queue, one is
//! SIGKILLed midway, and every event is still delivered, with no more
//! duplicates than the attempts the dead one had in flight.

use std::time::Duration;

use adact_server::store::Store;

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
    let db = adact_server::testing::database_url(dir.path())
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

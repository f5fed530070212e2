//! Durability: SIGKILL the server while 1,000 events are queued or in
//! flight, start it again, and every event is delivered.

use std::time::Duration;

use adact_store::Store;

use crate::{
    receiver::{Receiver, tally},
    server::{Process, record_events},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_event() {
    const EVENTS: usize = 1000;
    const CONCURRENCY: usize = 128;
    // Slow answers keep many attempts in flight when the kill lands.
    let receiver = Receiver::with_delay(Duration::from_millis(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = adact_store::testing::database_url(dir.path())
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
    first.enable_webhooks(&receiver.url("/ok")).await;

    // Another process's events: written straight to the shared database.
    let store = Store::connect(&db, 2).await.unwrap();
    let account = store.first_account().await.unwrap().unwrap();
    record_events(&store, &account.id, EVENTS).await;

    receiver
        .wait_for(Duration::from_secs(30), |got| got.len() >= EVENTS / 4)
        .await;
    first.signal("KILL");
    first.wait(Duration::from_secs(5));
    let at_kill = receiver.received().len();

    let _second = Process::start(&db, &args);
    let got = receiver
        .wait_for_distinct(EVENTS, Duration::from_secs(60))
        .await;
    let (distinct, twice) = tally(&got);
    println!(
        "crash test ({}): {EVENTS} events, {at_kill} requests received before SIGKILL, all {distinct} delivered \
         after restart, {twice} delivered more than once",
        store.backend_name()
    );
    assert_eq!(distinct, EVENTS);
    // At least once, and no more duplicates than attempts that can be in flight.
    assert!(twice <= CONCURRENCY, "{twice} duplicates");

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

//! Webhook delivery bench (numbers, not a test). Starts release
//! `adact-server` processes on a fresh database, a loopback receiver in this
//! process, and writes events straight into the database as another process
//! would. Reports:
//!
//! 1. throughput: deliveries per second to drain a burst of queued events;
//! 2. latency: event commit to its arrival at the receiver, at a steady rate;
//! 3. memory: each server's resident size.
//!
//! Run: `cargo build --release -p adact-server`, then
//! `cargo run --release -p adact-server --example webhook-bench`, with
//! BENCH_EVENTS (default 100000), BENCH_RATE (500/s), BENCH_SECONDS (10;
//! 0 skips the latency phase), BENCH_SERVERS (1), BENCH_CONCURRENCY (128,
//! per server), BENCH_DELAY_MS (0: how long the receiver takes to answer).
//! On PostgreSQL when ADACT_TEST_DATABASE_URL names a server.

#![allow(clippy::unwrap_used)] // a bench: a panic is the failure report

#[path = "process.rs"]
mod process;

use std::{
    collections::HashMap,
    process::Child,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use adact_domain::events::{EventType, schema::example_data};
use adact_store::{Store, outbox};
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use serde_json::json;

const ADMIN: &str = "adm_bench_0123456789abcdef";

/// Arrival time (unix ms) of each event id at the receiver.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<HashMap<String, i64>>>);

impl Seen {
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn receive(State((seen, delay)): State<(Seen, Duration)>, headers: HeaderMap) -> StatusCode {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    seen.0.lock().unwrap().entry(id).or_insert_with(now_ms);
    StatusCode::NO_CONTENT
}

fn rss_mb(children: &[Child]) -> String {
    let rss = |pid: u32| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0)
    };
    children
        .iter()
        .map(|c| format!("{} MB", rss(c.id()) / 1024))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Starts one server on `db` and returns it with its URL.
fn start_server(db: &str, concurrency: &str) -> (Child, String) {
    process::start(
        db,
        &[
            "--allow-private-endpoints",
            "--webhook-concurrency",
            concurrency,
        ],
        &[("ADACT_ADMIN_TOKEN", ADMIN)],
    )
}

#[tokio::main]
async fn main() {
    let burst = env("BENCH_EVENTS", 100_000) as usize;
    let rate = env("BENCH_RATE", 500);
    let seconds = env("BENCH_SECONDS", 10);
    let servers = env("BENCH_SERVERS", 1);
    let concurrency = env("BENCH_CONCURRENCY", 128).to_string();
    let delay = Duration::from_millis(env("BENCH_DELAY_MS", 0));

    let seen = Seen::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state((seen.clone(), delay));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let db = adact_store::testing::database_url(dir.path())
        .await
        .unwrap();
    adact_server::worker::client::install_crypto_provider();

    // Set up with one server, then stop it, so the burst below is queued
    // with no worker running and the drain measures delivery alone.
    let (mut setup, url) = start_server(&db, &concurrency);
    let response = reqwest::Client::new()
        .put(format!("{url}/api/v1/webhooks/settings"))
        .bearer_auth(ADMIN)
        .json(&json!({"enabled": true, "url": hook}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let _ = setup.kill();
    let _ = setup.wait();
    let store = Store::connect(&db, 2).await.unwrap();
    let account = store.first_account().await.unwrap().unwrap().id;
    for chunk in 0..burst.div_ceil(500) {
        let (account, count) = (account.clone(), 500.min(burst - chunk * 500));
        store
            .transact(move |tx| {
                Box::pin(async move {
                    for _ in 0..count {
                        outbox::record(tx, &account, example_data(EventType::GameEnded)).await?;
                    }
                    Ok::<_, sqlx::Error>(())
                })
            })
            .await
            .unwrap();
    }

    // Throughput: start the servers and time the drain.
    let start = Instant::now();
    let children: Vec<Child> = (0..servers)
        .map(|_| start_server(&db, &concurrency).0)
        .collect();
    println!(
        "on {}: {servers} server(s), webhook concurrency {concurrency} each, receiver answers after {} ms",
        store.backend_name(),
        delay.as_millis()
    );
    wait_for(&seen, burst, Duration::from_secs(900)).await;
    let elapsed = start.elapsed();
    println!(
        "throughput: {burst} queued events delivered in {:.1} s (from server start): {:.0} deliveries/s (budget 2000/s)",
        elapsed.as_secs_f64(),
        burst as f64 / elapsed.as_secs_f64()
    );
    let attempts: (i64,) = sqlx::query_as("select count(*) from delivery_attempts")
        .fetch_one(store.pool())
        .await
        .unwrap();
    println!("history: {} attempts recorded", attempts.0);
    println!(
        "server RSS after {burst} deliveries: {} (budget < 100 MB)",
        rss_mb(&children)
    );

    if rate * seconds > 0 {
        latency(&store, &account, &seen, rate, seconds).await;
        println!(
            "server RSS after the latency run too: {}",
            rss_mb(&children)
        );
    }
    for mut child in children {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Events at a steady rate, one per transaction; prints commit -> receiver.
async fn latency(store: &Store, account: &str, seen: &Seen, rate: u64, seconds: u64) {
    let total = (rate * seconds) as usize;
    let mut created = HashMap::with_capacity(total);
    let before = seen.len();
    let start = Instant::now();
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / rate as f64);
        tokio::time::sleep_until(due.into()).await;
        let account = account.to_owned();
        let event = store
            .transact(move |tx| {
                Box::pin(async move {
                    outbox::record(tx, &account, example_data(EventType::PlayerUpdated)).await
                })
            })
            .await
            .unwrap();
        created.insert(event.id, now_ms());
    }
    wait_for(seen, before + total, Duration::from_secs(60)).await;
    let mut lags: Vec<i64> = {
        let seen = seen.0.lock().unwrap();
        created.iter().map(|(id, at)| seen[id] - at).collect()
    };
    lags.sort_unstable();
    let pct = |q: f64| lags[((lags.len() as f64 * q) as usize).min(lags.len() - 1)];
    println!(
        "latency at {rate} events/s for {seconds} s ({total} events): commit -> receiver p50 {} ms, p99 {} ms, \
         max {} ms (budget p99 50 ms)",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
}

async fn wait_for(seen: &Seen, n: usize, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while seen.len() < n {
        assert!(
            Instant::now() < deadline,
            "only {} of {n} delivered",
            seen.len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

//! Webhook delivery bench (numbers, not a test). Starts the release
//! `adact-server` binary on a fresh SQLite file, a loopback receiver
//! answering 204 in this process, and writes events straight into the
//! database as another process would. Reports:
//!
//! 1. throughput: deliveries per second to drain a burst of events;
//! 2. latency: event commit to the start of its delivery at a steady rate;
//! 3. memory: the server's resident size after all of it.
//!
//! Run: `cargo build --release -p adact-server`, then
//! `cargo run --release -p adact-server --example webhook-bench`, with
//! BENCH_EVENTS (default 100000), BENCH_RATE (500/s), BENCH_SECONDS (10).

#![allow(clippy::unwrap_used)] // a bench: a panic is the failure report

use std::{
    collections::HashMap,
    io::{BufRead as _, BufReader},
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use adact_server::{
    events::{self, EventType},
    store::Store,
};
use axum::{Router, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use serde_json::json;

const ADMIN: &str = "adm_bench_0123456789abcdef";

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<HashMap<String, i64>>>);

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

async fn receive(State(seen): State<Seen>, headers: HeaderMap) -> StatusCode {
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    seen.0.lock().unwrap().entry(id).or_insert_with(now_ms);
    StatusCode::NO_CONTENT
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let burst = env("BENCH_EVENTS", 100_000) as usize;
    let rate = env("BENCH_RATE", 500);
    let seconds = env("BENCH_SECONDS", 10);

    let seen = Seen::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let bin = std::env::var("ADACT_SERVER_BIN")
        .unwrap_or_else(|_| format!("{target}/release/adact-server"));
    let mut child = Command::new(&bin)
        .args(["--bind", "127.0.0.1:0", "--allow-private-endpoints"])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("ADACT_ADMIN_TOKEN", ADMIN)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {bin}: {e}; build it with cargo build --release -p adact-server")
        });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(url) = line.strip_prefix("Adact is listening on ") {
            break url.to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    adact_server::webhooks::client::install_crypto_provider();
    let response = reqwest::Client::new()
        .put(format!("{url}/api/v1/webhooks/settings"))
        .bearer_auth(ADMIN)
        .json(&json!({"enabled": true, "url": hook}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let store = Store::connect(&format!("sqlite://{}", db.display()), 2)
        .await
        .unwrap();
    let account = store.first_account().await.unwrap().unwrap().id;

    // 1. Latency at a steady rate, one event per transaction.
    let total = (rate * seconds) as usize;
    let mut created = HashMap::with_capacity(total);
    let start = Instant::now();
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / rate as f64);
        tokio::time::sleep_until(due.into()).await;
        let mut tx = store.pool().begin().await.unwrap();
        let event = events::record(&mut tx, &account, EventType::PlayerUpdated, json!({"n": i}))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        created.insert(event.id, now_ms());
    }
    wait_for(&seen, total, Duration::from_secs(60)).await;
    let mut lags: Vec<i64> = {
        let seen = seen.0.lock().unwrap();
        created.iter().map(|(id, at)| seen[id] - at).collect()
    };
    lags.sort_unstable();
    let pct = |q: f64| lags[((lags.len() as f64 * q) as usize).min(lags.len() - 1)];
    println!(
        "latency at {rate} events/s for {seconds} s ({total} events): commit -> receiver p50 {} ms, p99 {} ms, max {} ms (budget p99 50 ms)",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "server RSS after {total} deliveries: {} MB",
        rss_kb(child.id()) / 1024
    );

    // 2. Throughput: a burst written in transactions of 500, drained.
    let before = seen.0.lock().unwrap().len();
    let start = Instant::now();
    for chunk in 0..burst.div_ceil(500) {
        let mut tx = store.pool().begin().await.unwrap();
        for i in 0..500.min(burst - chunk * 500) {
            events::record(&mut tx, &account, EventType::GameEnded, json!({"n": i}))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let written = start.elapsed();
    wait_for(&seen, before + burst, Duration::from_secs(600)).await;
    let elapsed = start.elapsed();
    println!(
        "throughput: {burst} events written in {:.1} s, all delivered in {:.1} s: {:.0} deliveries/s (budget 2000/s)",
        written.as_secs_f64(),
        elapsed.as_secs_f64(),
        burst as f64 / elapsed.as_secs_f64()
    );
    let succeeded: (i64,) = sqlx::query_as("select count(*) from delivery_attempts")
        .fetch_one(store.pool())
        .await
        .unwrap();
    println!("history: {} attempts recorded", succeeded.0);
    println!(
        "server RSS after {} deliveries: {} MB (budget < 100 MB)",
        before + burst,
        rss_kb(child.id()) / 1024
    );
    let _ = child.kill();
    let _ = child.wait();
}

async fn wait_for(seen: &Seen, n: usize, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while seen.0.lock().unwrap().len() < n {
        assert!(
            Instant::now() < deadline,
            "only {} of {n} delivered",
            seen.0.lock().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

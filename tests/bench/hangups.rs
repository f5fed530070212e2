//! Hang-ups bench (numbers, not a test). For BENCH_SECONDS (60) of mixed
//! writes on every write route (the embed's steps on the demo wheel;
//! segments, campaigns, endpoints, webhook settings, resends and recover
//! through the admin API), BENCH_CLIENTS (16) clients wait for their
//! answers while BENCH_HANGUPS (8) clients send the same requests and reset
//! the connection 0-8 ms after sending. Then it checks the database against
//! every answer, as the fault tests do (the shared `tests/it/load.rs`), and
//! prints: writes answered ok, failed for the clients that stayed,
//! acknowledged writes missing (and failed writes that left something,
//! torn writes, counters off), throughput, and p50/p99 latency of the
//! staying clients' writes.
//!
//! Budget: 0 failed writes for the clients that stay, and 0 acknowledged
//! writes missing. The exit status is 1 when it is missed.
//!
//! Run: `cargo build --release -p adact-server`, then
//! `cargo run --release -p adact-server --example hangups`. It starts that
//! release server (or `ADACT_SERVER_BIN`) on a fresh database: SQLite, or
//! PostgreSQL when ADACT_TEST_DATABASE_URL names a server. Or, against a
//! running throwaway server (the bench changes its webhook settings),
//! started with `--demo --allow-private-endpoints`: BENCH_URL, with
//! BENCH_DATABASE_URL (its database, for the check), BENCH_ADMIN_TOKEN and
//! BENCH_EMBED_KEY.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a panic is the failure report

#[path = "../it/load.rs"]
mod load;
#[path = "process.rs"]
mod process;

use std::time::{Duration, Instant};

use adact_store::{Backend, Store};
use load::{Fixture, Problem, Target, Until};

const ADMIN: &str = "adm_bench_0123456789abcdef";
const EMBED_KEY: &str = "pk_bench_0123456789abcdef";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let seconds = env("BENCH_SECONDS", 60);
    let staying = env("BENCH_CLIENTS", 16) as usize;
    let hanging_up = env("BENCH_HANGUPS", 8) as usize;
    adact_server::worker::client::install_crypto_provider();

    let dir = tempfile::tempdir().unwrap();
    let (mut child, target, db) = match std::env::var("BENCH_URL") {
        Ok(url) => {
            let var = |name: &str| {
                std::env::var(name).unwrap_or_else(|_| panic!("BENCH_URL needs {name}"))
            };
            let target = Target::new(&url, &var("BENCH_ADMIN_TOKEN"), &var("BENCH_EMBED_KEY"));
            (None, target, var("BENCH_DATABASE_URL"))
        }
        Err(_) => {
            let db = adact_store::testing::database_url(dir.path())
                .await
                .unwrap();
            let www = concat!(env!("CARGO_MANIFEST_DIR"), "/../www");
            let (child, url) = process::start(
                &db,
                &["--demo", "--allow-private-endpoints"],
                &[
                    ("ADACT_ADMIN_TOKEN", ADMIN),
                    ("ADACT_EMBED_KEY", EMBED_KEY),
                    ("ADACT_WWW_DIR", www),
                ],
            );
            (Some(child), Target::new(&url, ADMIN, EMBED_KEY), db)
        }
    };
    load::lift_rate_limits(&target).await;
    let fixture = Fixture::prepare(&target, staying + hanging_up).await;
    let backend = Backend::of_url(&db).unwrap();
    println!(
        "on {}: {staying} clients that stay, {hanging_up} that hang up, for {seconds} s",
        backend.name()
    );

    let started = Instant::now();
    let until = Until::Deadline(started + Duration::from_secs(seconds));
    let ledger = load::run(&target, &fixture, staying, hanging_up, until).await;
    let elapsed = started.elapsed();

    let store = Store::connect(&db, 2).await.unwrap();
    let report = load::check(store.pool(), backend, &fixture, &ledger).await;
    store.close().await;

    let writes = ledger
        .requests
        .iter()
        .filter(|r| r.route != "render")
        .count();
    let failed = ledger.failures();
    let ok = writes - failed.len();
    let (p50, p99) = ledger.write_latency();
    println!(
        "writes answered ok: {ok}; failed for the clients that stayed: {} (budget 0); \
         sent and hung up: {}",
        failed.len(),
        ledger.hung_up()
    );
    for failure in failed.iter().take(10) {
        println!("  {failure}");
    }
    println!(
        "acknowledged writes missing: {} (budget 0); failed writes that left something: {}; \
         torn writes: {}; counters off: {}",
        report.count(Problem::Missing),
        report.count(Problem::LeftBehind),
        report.count(Problem::Torn),
        report.count(Problem::Counter),
    );
    if !report.is_empty() {
        print!("{report}");
    }
    println!(
        "throughput: {:.0} acknowledged writes/s over {:.1} s; latency of the staying clients' \
         writes: p50 {:.1} ms, p99 {:.1} ms",
        ok as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        p50.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
    );
    if let Some(child) = &mut child {
        let _ = child.kill();
        let _ = child.wait();
    }
    let met = failed.is_empty() && report.count(Problem::Missing) == 0;
    println!("budget: {}", if met { "met" } else { "missed" });
    if !met {
        std::process::exit(1);
    }
}

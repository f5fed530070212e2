//! Players bench (numbers, not a test): the marketer's reads at size. It
//! starts a release server on a fresh database (SQLite, or PostgreSQL when
//! ADACT_TEST_DATABASE_URL names a server), seeds BENCH_PLAYERS (1,000,000)
//! players with BENCH_PLAYS_EACH (3) plays each into the demo account,
//! straight into the database, then measures:
//!
//! - the list's first page and a search by email prefix: p50/p99 of 200
//!   requests each (budget: p99 ≤ 20 ms);
//! - the export of every play as CSV: time to the first byte (≤ 200 ms),
//!   rows a second (≥ 200,000), the server's RSS growth during it (≤ 50 MB),
//!   and the p99 of public plays sent at 200/s beside it against the same
//!   load on an idle server (within 2×);
//! - erasing a player with 100 plays, whose 300 events went to a webhook
//!   receiver (≤ 50 ms).
//!
//! Run: `cargo build --release -p adact-server`, then
//! `cargo run --release -p adact-server --example players` (BENCH_KEEP=1
//! keeps the database to look into).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a panic is the failure report

#[path = "../it/load.rs"]
#[allow(dead_code)]
mod load;
#[path = "process.rs"]
mod process;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use adact_store::{Backend, Store};
use load::Target;
use reqwest::Method;
use serde_json::{Value, json};

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
    let players = env("BENCH_PLAYERS", 1_000_000);
    let plays_each = env("BENCH_PLAYS_EACH", 3);
    adact_server::worker::client::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let db = adact_store::testing::database_url(dir.path())
        .await
        .unwrap();
    let backend = Backend::of_url(&db).unwrap();
    let www = concat!(env!("CARGO_MANIFEST_DIR"), "/../www");
    let (mut child, url) = process::start(
        &db,
        &["--demo", "--allow-private-endpoints"],
        &[
            ("ADACT_ADMIN_TOKEN", ADMIN),
            ("ADACT_EMBED_KEY", EMBED_KEY),
            ("ADACT_WWW_DIR", www),
        ],
    );
    let pid = child.id();
    let target = Target::new(&url, ADMIN, EMBED_KEY);
    load::lift_rate_limits(&target).await;
    let hooks = receiver().await;
    let settings = json!({"enabled": true, "url": hooks, "events": ["*"]});
    target
        .must(Method::PUT, "/api/v1/webhooks/settings", Some(settings))
        .await;

    println!("on {}:", backend.name());
    let started = Instant::now();
    seed(&db, backend, players, plays_each).await;
    println!(
        "  seeded {players} players and {} plays in {:.0} s",
        players * plays_each,
        started.elapsed().as_secs_f64()
    );

    // The list and the search.
    let (p50, p99) = latencies(&target, 200, |_| "/api/v1/players?limit=50".to_owned()).await;
    println!("  list, first page of 50: p50 {p50:.1} ms, p99 {p99:.1} ms");
    let (p50, p99) = latencies(&target, 200, |i| {
        let n = (i * 7_919 + 13) % players + 1;
        format!("/api/v1/players?limit=50&q=user{n}%40")
    })
    .await;
    println!("  search by email prefix (one match): p50 {p50:.1} ms, p99 {p99:.1} ms");
    let (p50, p99) = latencies(&target, 200, |i| {
        let n = (i * 7_919 + 13) % (players / 100) + 1;
        format!("/api/v1/players?limit=50&q=USER{n}")
    })
    .await;
    println!("  search by a shorter prefix (100+ matches): p50 {p50:.1} ms, p99 {p99:.1} ms");
    let (p50, p99) = latencies(&target, 100, |_| {
        "/api/v1/players?limit=50&won=true&consent=true".to_owned()
    })
    .await;
    println!("  list, won and consent given: p50 {p50:.1} ms, p99 {p99:.1} ms");

    // Public plays at 200/s, idle, then beside the export.
    let idle = plays_at(&target, 200, Duration::from_secs(10), None).await;
    println!(
        "  plays at 200/s, idle: {} plays, p50 {:.1} ms, p99 {:.1} ms",
        idle.0, idle.1, idle.2
    );
    let exporting = Arc::new(AtomicBool::new(true));
    let beside = {
        let (target, exporting) = (target.clone(), exporting.clone());
        tokio::spawn(async move {
            plays_at(&target, 200, Duration::from_secs(600), Some(exporting)).await
        })
    };
    let rss = Arc::new(AtomicU64::new(0));
    let baseline = rss_kb(pid);
    let sampler = {
        let (rss, exporting) = (rss.clone(), exporting.clone());
        std::thread::spawn(move || {
            while exporting.load(Ordering::Relaxed) {
                rss.fetch_max(rss_kb(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let (first_byte, rows, elapsed) = export(&target).await;
    exporting.store(false, Ordering::Relaxed);
    sampler.join().unwrap();
    let beside = beside.await.unwrap();
    println!(
        "  export of {rows} rows: first byte {:.0} ms, {:.0} rows/s ({:.1} s), server RSS {} MB before, +{} MB at most",
        first_byte.as_secs_f64() * 1e3,
        rows as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        baseline / 1024,
        rss.load(Ordering::Relaxed).saturating_sub(baseline) / 1024,
    );
    println!(
        "  plays at 200/s beside it: {} plays, p50 {:.1} ms, p99 {:.1} ms ({:.2}× idle)",
        beside.0,
        beside.1,
        beside.2,
        beside.2 / idle.2
    );

    // Erasure of a player with 100 plays.
    let mut erasures = Vec::new();
    for n in 0..3 {
        let player = play_many(&target, &format!("eraser-{n}"), 100).await;
        tokio::time::sleep(Duration::from_secs(2)).await; // the webhooks land
        let started = Instant::now();
        let response = target
            .admin(Method::DELETE, &format!("/api/v1/players/{player}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        erasures.push(started.elapsed().as_secs_f64() * 1e3);
    }
    erasures.sort_by(f64::total_cmp);
    println!(
        "  erasing a player with 100 plays (300 events, each delivered): {:.1} ms median of 3 ({:.1}-{:.1})",
        erasures[1], erasures[0], erasures[2]
    );
    child.kill().unwrap();
    let _ = child.wait();
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("  the database is kept: {db}");
        let _ = dir.keep();
    }
}

/// A webhook receiver that answers 200 at once: its URL.
async fn receiver() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/hooks", axum::routing::post(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// Seeds `players` players, each with `plays_each` plays of the demo
/// campaigns (one in three won, with its code), straight into the
/// database in statements of 100,000 rows.
async fn seed(db: &str, backend: Backend, players: u64, plays_each: u64) {
    let store = Store::connect(db, 2).await.unwrap();
    let pool = store.pool();
    let account: String = sqlx::query_scalar("select id from accounts limit 1")
        .fetch_one(pool)
        .await
        .unwrap();
    let campaigns: Vec<(String, String, String, String)> = sqlx::query_as(
        "select c.id, s.id, p.id, c.definition from campaigns c \
         join segments s on s.campaign_id = c.id \
         join prizes p on p.campaign_id = c.id and p.stock_remaining is null \
         where c.account_id = $1 order by c.id",
    )
    .bind(&account)
    .fetch_all(pool)
    .await
    .unwrap();
    let (campaign, segment, prize, definition) = campaigns[0].clone();
    let definition: Value = serde_json::from_str(&definition).unwrap();
    let prize_name = definition["prizes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == prize.as_str())
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .unwrap();
    let t0: i64 = 1_760_000_000_000;
    let step = 100_000;
    let (series, pad) = match backend {
        Backend::Sqlite => (
            "with recursive n(i) as (select $1 union all select i + 1 from n where i < $2) ",
            "substr('0000000000' || i, -10, 10)",
        ),
        Backend::Postgres => ("", "lpad(i::text, 10, '0')"),
    };
    let from = match backend {
        Backend::Sqlite => "from n",
        Backend::Postgres => "from generate_series($1::bigint, $2::bigint) as i",
    };
    let object = match backend {
        Backend::Sqlite => {
            "json_object('email', 'user' || i || '@example.com', 'name', 'User ' || i)"
        }
        Backend::Postgres => {
            "json_build_object('email', 'user' || i || '@example.com', 'name', 'User ' || i)::text"
        }
    };
    let mut low = 1;
    while low <= players {
        let high = (low + step - 1).min(players);
        let sql = format!(
            "{series}insert into players (id, account_id, external_id, data, email, name, \
             consent_given, consent_text, consent_at, created_at, updated_at, email_key, \
             name_key, external_key) \
             select 'plr_seed' || {pad}, $3, 'user-' || i, {object}, \
             'user' || i || '@example.com', 'User ' || i, i % 2, 'Send me offers.', \
             $4 + i * 1000, $4 + i * 1000, $4 + i * 1000, 'user' || i || '@example.com', \
             'user ' || i, 'user-' || i {from}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low as i64)
            .bind(high as i64)
            .bind(&account)
            .bind(t0)
            .execute(pool)
            .await
            .unwrap();
        low = high + 1;
    }
    let plays = players * plays_each;
    let mut low = 1;
    while low <= plays {
        let high = (low + step - 1).min(plays);
        let player = format!("(i - 1) / {plays_each} + 1");
        let player_pad = match backend {
            Backend::Sqlite => format!("substr('0000000000' || ({player}), -10, 10)"),
            Backend::Postgres => format!("lpad(({player})::text, 10, '0')"),
        };
        let sql = format!(
            "{series}insert into plays (id, account_id, campaign_id, segment_id, external_id, \
             player_id, played_at, prize_id, prize_name, finished_at, created_at) \
             select 'play_seed' || {pad}, $3, $4, $5, 'user-' || ({player}), \
             'plr_seed' || {player_pad}, $6 + i * 300, \
             case when i % 3 = 0 then $7 end, case when i % 3 = 0 then $8 end, \
             $6 + i * 300 + 5000, $6 + i * 300 {from}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low as i64)
            .bind(high as i64)
            .bind(&account)
            .bind(&campaign)
            .bind(&segment)
            .bind(t0)
            .bind(&prize)
            .bind(&prize_name)
            .execute(pool)
            .await
            .unwrap();
        let sql = format!(
            "{series}insert into prize_codes (prize_id, code, play_id) \
             select $3, 'SEED-' || i, 'play_seed' || {pad} {from} where i % 3 = 0"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low as i64)
            .bind(high as i64)
            .bind(&prize)
            .execute(pool)
            .await
            .unwrap();
        low = high + 1;
    }
    sqlx::query("analyze").execute(pool).await.unwrap();
    store.close().await;
}

/// p50 and p99 in ms of `n` admin GETs, one after another.
async fn latencies(target: &Target, n: u64, path: impl Fn(u64) -> String) -> (f64, f64) {
    let mut times = Vec::new();
    for i in 0..n {
        let started = Instant::now();
        let response = target.admin(Method::GET, &path(i)).send().await.unwrap();
        assert!(response.status().is_success(), "{}", path(i));
        response.bytes().await.unwrap();
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    percentiles(&mut times)
}

fn percentiles(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

/// Sends a play (render, register, play) to the demo scratch card `rate`
/// times a second for `length`, or while `running`: the count, and the p50
/// and p99 in ms of the play step.
async fn plays_at(
    target: &Target,
    rate: u64,
    length: Duration,
    running: Option<Arc<AtomicBool>>,
) -> (usize, f64, f64) {
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    let mut tasks = Vec::new();
    let mut n = 0;
    while started.elapsed() < length && running.as_ref().is_none_or(|r| r.load(Ordering::Relaxed)) {
        tick.tick().await;
        n += 1;
        let target = target.clone();
        tasks.push(tokio::spawn(async move {
            let player = format!("load-{n}-{}", started.elapsed().as_nanos());
            one_play(&target, &player).await
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.push(task.await.unwrap());
    }
    let (p50, p99) = percentiles(&mut times);
    (times.len(), p50, p99)
}

/// One play of the demo scratch card by `player`: the play step's time in ms.
async fn one_play(target: &Target, player: &str) -> f64 {
    let render: Value = target
        .public(
            "/api/v1/embed/render",
            &json!({"segment": "Scratch Card", "user": {"id": player}}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, token) = (
        render["session"]["id"].as_str().unwrap(),
        render["session"]["token"].as_str().unwrap(),
    );
    let path = |step: &str| format!("/api/v1/embed/sessions/{id}/{step}");
    let fields = json!({"email": format!("{player}@example.com"), "name": "Load"});
    let registered = target
        .public(
            &path("register"),
            &json!({"token": token, "fields": fields, "consent": true}),
        )
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success());
    registered.bytes().await.unwrap();
    let started = Instant::now();
    let played = target
        .public(&path("play"), &json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert!(played.status().is_success());
    played.bytes().await.unwrap();
    started.elapsed().as_secs_f64() * 1e3
}

/// `player` plays the demo scratch card `n` times to the end: their id.
async fn play_many(target: &Target, player: &str, n: usize) -> String {
    let mut id = String::new();
    for _ in 0..n {
        let render: Value = target
            .public(
                "/api/v1/embed/render",
                &json!({"segment": "Scratch Card", "user": {"id": player}}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let (session, token) = (
            render["session"]["id"].as_str().unwrap().to_owned(),
            render["session"]["token"].as_str().unwrap().to_owned(),
        );
        let path = |step: &str| format!("/api/v1/embed/sessions/{session}/{step}");
        let fields = json!({"email": format!("{player}@example.com"), "name": "Erase Me"});
        let registered: Value = target
            .public(
                &path("register"),
                &json!({"token": token, "fields": fields, "consent": true}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        id = registered["player_id"].as_str().unwrap().to_owned();
        for step in ["play", "finish"] {
            let answer = target
                .public(&path(step), &json!({"token": token}))
                .send()
                .await
                .unwrap();
            assert!(answer.status().is_success());
        }
    }
    id
}

/// Streams the whole CSV export: the time to its first byte, its rows,
/// and the time it took.
async fn export(target: &Target) -> (Duration, u64, Duration) {
    let started = Instant::now();
    let mut response = target
        .admin(Method::GET, "/api/v1/players/export?format=csv")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let mut first_byte = None;
    let mut lines = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        if !chunk.is_empty() {
            first_byte.get_or_insert_with(|| started.elapsed());
        }
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
    }
    (first_byte.unwrap(), lines - 1, started.elapsed())
}

/// The resident memory of process `pid`, in KiB.
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

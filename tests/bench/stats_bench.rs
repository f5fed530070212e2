//! Statistics bench (numbers, not a test).
//!
//! 1. A 90-day series: seeds the hour rows that 3,000,000 plays leave in
//!    one campaign over 90 days (every hour of every day, four prizes won,
//!    as in an account whose plays all went to one campaign), and as much
//!    again for nine other campaigns of the account; on PostgreSQL also
//!    BENCH_DELTAS (5,000) step counts not folded yet. Then asks
//!    `GET /api/v1/campaigns/{id}/stats` for 90 days BENCH_READS (300)
//!    times over HTTP, one at a time, and `GET /api/v1/campaigns` (the
//!    list with each campaign's last 7 days), and prints p50/p99/max.
//!    Budget: the 90-day series p99 ≤ 20 ms.
//! 2. PostgreSQL only: how counting in the step's transaction makes
//!    concurrent plays of one campaign wait. BENCH_CLIENTS (32) tasks run
//!    play-like transactions (a row written and the count, committed) for
//!    BENCH_SECONDS (5) each way: without counting; appending the count
//!    (`campaign_stat_deltas`, what the server does); and adding it to
//!    the hour's row in place (what SQLite does, where one writer runs at a
//!    time anyway). Prints transactions per second and p50/p99.
//!
//! Run: `cargo run --release -p adact-server --example stats-bench`, on a
//! fresh SQLite file, or on PostgreSQL with ADACT_TEST_DATABASE_URL set
//! (`eval "$(bash scripts/pg.sh start)"`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a panic is the failure report

use std::time::{Duration, Instant};

use adact_domain::{
    campaign::{NewCampaign, Status},
    stats::{DAY_MS, Days, HOUR_MS},
    time::{new_id, now_ms},
};
use adact_server::{
    app::{accounts, campaigns},
    config::Config,
};
use adact_store::{Backend, Store, dialect::Placeholders};
use sqlx::AssertSqlSafe;
use tokio_util::sync::CancellationToken;

const ADMIN: &str = "adm_stats_bench_0123456789abcdef";

/// A number from the environment, else `default`.
fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |v| v.parse().unwrap_or(default))
}

fn percentiles(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 * p) as usize).min(ms.len() - 1)];
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests)",
        at(0.5),
        at(0.99),
        ms[ms.len() - 1],
        ms.len()
    )
}

#[tokio::main]
async fn main() {
    adact_server::worker::client::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let url = adact_store::testing::database_url(dir.path())
        .await
        .unwrap();
    let store = Store::connect(&url, 8).await.unwrap();
    let account = accounts::create_account(&store, "Bench", Some(ADMIN), None)
        .await
        .unwrap()
        .account;
    let definition = serde_json::from_value(serde_json::json!({
        "texts": {"title": "Bench"},
        "prizes": (0..4).map(|i| serde_json::json!({
            "name": format!("Prize {i}"), "weight": 1, "codes": {"generate": {"prefix": "B-"}}
        })).collect::<Vec<_>>(),
        "no_prize": {"label": "Next time", "weight": 4}
    }))
    .unwrap();
    let mut ids = Vec::new();
    for i in 0..10 {
        let new = NewCampaign {
            name: format!("Campaign {i}"),
            kind: adact_wire::CampaignKind::Wheel,
            status: Status::Active,
            definition: Clone::clone(&definition),
        };
        ids.push(campaigns::create(&store, &account.id, new).await.unwrap());
    }
    let prizes: Vec<String> = ids[0]
        .definition
        .prizes
        .iter()
        .map(|p| p.id.clone().unwrap())
        .collect();

    // 90 days of hours; 3,000,000 plays in each campaign's hours.
    let hours = 90 * 24;
    let first = (now_ms() - 90 * DAY_MS) / HOUR_MS * HOUR_MS;
    let plays = 3_000_000 / hours;
    let started = Instant::now();
    for campaign in &ids {
        let mut rows = Vec::new();
        // Each hour: (prize, views, registrations, players, plays, wins,
        // finishes) for no prize, then for each prize.
        for _ in 0..hours {
            rows.push((
                String::new(),
                plays * 10,
                plays * 6 / 5,
                plays,
                plays / 2,
                0,
                plays * 9 / 10,
            ));
            for prize in &prizes {
                rows.push((prize.clone(), 0, 0, 0, plays / 8, plays / 8, 0));
            }
        }
        for (chunk_at, chunk) in rows.chunks(500).enumerate() {
            let mut p = Placeholders::from(1);
            let values: Vec<String> = chunk.iter().map(|_| format!("({})", p.list(10))).collect();
            let sql = format!(
                "insert into campaign_stats (campaign_id, bucket, prize_id, account_id, views, \
                 registrations, players, plays, wins, finishes) values {}",
                values.join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (i, row) in chunk.iter().enumerate() {
                let hour = ((chunk_at * 500 + i) / (1 + prizes.len())) as i64;
                query = query
                    .bind(campaign.id.clone())
                    .bind(first + hour * HOUR_MS)
                    .bind(row.0.clone())
                    .bind(account.id.clone())
                    .bind(row.1)
                    .bind(row.2)
                    .bind(row.3)
                    .bind(row.4)
                    .bind(row.5)
                    .bind(row.6);
            }
            store.write(query).await.unwrap();
        }
    }
    if store.backend() == Backend::Postgres {
        let deltas = env("BENCH_DELTAS", 5000);
        let now = now_ms() / HOUR_MS * HOUR_MS;
        for _ in 0..deltas / 500 {
            let mut p = Placeholders::from(1);
            let values: Vec<String> = (0..500).map(|_| format!("({})", p.list(4))).collect();
            let sql = format!(
                "insert into campaign_stat_deltas (campaign_id, bucket, account_id, plays) values {}",
                values.join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for _ in 0..500 {
                query = query
                    .bind(ids[0].id.clone())
                    .bind(now)
                    .bind(account.id.clone())
                    .bind(1_i64);
            }
            store.write(query).await.unwrap();
        }
    }
    let seeded: i64 = sqlx::query_scalar("select count(*) from campaign_stats")
        .fetch_one(store.pool())
        .await
        .unwrap();
    println!(
        "{}: seeded {seeded} hour rows (10 campaigns x 90 days x 24 h x 5) in {:.1} s",
        store.backend_name(),
        started.elapsed().as_secs_f64()
    );

    // The query alone, through the store.
    let days = Days::new(&account.time_zone, None, None, now_ms()).unwrap();
    let days = Days::new(
        &account.time_zone,
        Some(
            &days
                .to
                .checked_sub(jiff::Span::new().days(89))
                .unwrap()
                .to_string(),
        ),
        Some(&days.to.to_string()),
        now_ms(),
    )
    .unwrap();
    let mut ms = Vec::new();
    for i in 0..env("BENCH_READS", 300) + 20 {
        let t0 = Instant::now();
        let series = store
            .campaign_series(&account.id, &ids[0].id, &days)
            .await
            .unwrap();
        assert_eq!(series.len(), 90);
        if i >= 20 {
            ms.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
    }
    println!(
        "90-day series, the store's query alone: {}",
        percentiles(ms)
    );

    // The server, in this process, with no flush during the reads.
    let mut config = Config::for_database(url.clone());
    config.stats_flush_interval = Duration::from_secs(3600);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(adact_server::run(config, listener, shutdown.clone()));
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let from = today.checked_sub(jiff::Span::new().days(89)).unwrap();
    let series = format!(
        "{base}/api/v1/campaigns/{}/stats?from={from}&to={today}",
        ids[0].id
    );
    let reads = env("BENCH_READS", 300);
    let time = |url: String| {
        let client = client.clone();
        async move {
            let mut ms = Vec::new();
            let mut body = serde_json::Value::Null;
            for i in 0..reads + 20 {
                let t0 = Instant::now();
                let response = client.get(&url).bearer_auth(ADMIN).send().await.unwrap();
                assert!(
                    response.status().is_success(),
                    "{url}: {}",
                    response.status()
                );
                body = response.json().await.unwrap();
                if i >= 20 {
                    ms.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
            }
            (percentiles(ms), body)
        }
    };
    let (numbers, body) = time(series).await;
    println!(
        "90-day series over HTTP: {numbers}; {} days, {} plays",
        body["days"].as_array().unwrap().len(),
        body["totals"]["plays"]
    );
    let (numbers, _) = time(format!("{base}/api/v1/campaigns")).await;
    println!("campaign list with the last 7 days of its 10 campaigns: {numbers}");
    shutdown.cancel();
    server.await.unwrap().unwrap();

    if store.backend() == Backend::Postgres {
        contention(&store, &ids[0].id, &account.id).await;
    }
    store.close().await;
}

/// Play-like transactions of one campaign at once, three ways.
async fn contention(store: &Store, campaign: &str, account: &str) {
    sqlx::query("create table bench_plays (id text primary key, campaign_id text, at bigint)")
        .execute(store.pool())
        .await
        .unwrap();
    let clients = env("BENCH_CLIENTS", 32) as usize;
    let seconds = env("BENCH_SECONDS", 5);
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(clients as u32)
        .connect(store.url())
        .await
        .unwrap();
    for (name, statement) in [
        ("no count", None),
        (
            "count appended (the server's way)",
            Some(Backend::Postgres.count_step()),
        ),
        ("count added in place", Some(Backend::Sqlite.count_step())),
    ] {
        let until = Instant::now() + Duration::from_secs(seconds);
        let tasks: Vec<_> = (0..clients)
            .map(|_| {
                let (pool, campaign, account) =
                    (pool.clone(), campaign.to_owned(), account.to_owned());
                tokio::spawn(async move {
                    let mut ms = Vec::new();
                    let bucket = now_ms() / HOUR_MS * HOUR_MS;
                    while Instant::now() < until {
                        let t0 = Instant::now();
                        let mut tx = pool.begin().await.unwrap();
                        sqlx::query(
                            "insert into bench_plays (id, campaign_id, at) values ($1, $2, $3)",
                        )
                        .bind(new_id("play"))
                        .bind(&campaign)
                        .bind(now_ms())
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                        if let Some(statement) = statement {
                            sqlx::query(statement)
                                .bind(&campaign)
                                .bind(bucket)
                                .bind("")
                                .bind(&account)
                                .bind(1_i64)
                                .bind(0_i64)
                                .bind(1_i64)
                                .bind(0_i64)
                                .bind(0_i64)
                                .execute(&mut *tx)
                                .await
                                .unwrap();
                        }
                        tx.commit().await.unwrap();
                        ms.push(t0.elapsed().as_secs_f64() * 1000.0);
                    }
                    ms
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        let per_second = all.len() as f64 / seconds as f64;
        println!(
            "{clients} concurrent plays of one campaign, {name}: {per_second:.0}/s, {}",
            percentiles(all)
        );
    }
    pool.close().await;
}

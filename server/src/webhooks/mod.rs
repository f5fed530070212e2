//! Webhooks: every event delivered to the customer's endpoints, signed,
//! within the endpoint's timeout, retried on a schedule, with a history of
//! every attempt. Nothing here knows about campaigns beyond the event.

use std::{
    fmt::Write as _,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use sqlx::Row as _;
use tokio_util::sync::CancellationToken;

use crate::store::{Store, now_ms};

pub mod client;
pub mod dispatcher;
pub mod policy;
pub mod queue;
pub mod signing;
pub mod ssrf;

pub use dispatcher::Dispatcher;

/// Upper bounds (seconds) of the attempt duration histogram.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0];

/// In-process counters for `/metrics`; the queue's own numbers are read
/// from the database when scraped, so they are right across processes.
#[derive(Debug, Clone, Default)]
pub struct Metrics(Arc<MetricsInner>);

#[derive(Debug, Default)]
struct MetricsInner {
    succeeded: AtomicU64,
    failed: AtomicU64,
    gave_up: AtomicU64,
    duration_buckets: [AtomicU64; BUCKETS.len()],
    duration_count: AtomicU64,
    duration_sum_ms: AtomicU64,
    lag_max_ms: AtomicU64,
}

impl Metrics {
    fn attempt(&self, response: &client::Response) {
        let m = &self.0;
        if response.is_success() {
            &m.succeeded
        } else {
            &m.failed
        }
        .fetch_add(1, Ordering::Relaxed);
        let ms = u64::try_from(response.duration_ms).unwrap_or(0);
        let seconds = ms as f64 / 1000.0;
        for (bound, bucket) in BUCKETS.iter().zip(&m.duration_buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        m.duration_count.fetch_add(1, Ordering::Relaxed);
        m.duration_sum_ms.fetch_add(ms, Ordering::Relaxed);
    }

    fn gave_up(&self) {
        self.0.gave_up.fetch_add(1, Ordering::Relaxed);
    }

    fn first_attempt_lag(&self, ms: i64) {
        self.0
            .lag_max_ms
            .fetch_max(u64::try_from(ms).unwrap_or(0), Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub async fn render(&self, store: &Store) -> sqlx::Result<String> {
        let row = sqlx::query(
            "select count(*) as depth, min(created_at) as oldest from deliveries where status = 'pending'",
        )
        .fetch_one(store.pool())
        .await?;
        let depth: i64 = row.try_get("depth")?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        let oldest_age = oldest.map_or(0.0, |t| (now_ms() - t).max(0) as f64 / 1000.0);
        let m = &self.0;
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP adact_webhook_queue_depth Deliveries waiting to be sent or retried."
        );
        let _ = writeln!(
            out,
            "# TYPE adact_webhook_queue_depth gauge\nadact_webhook_queue_depth {depth}"
        );
        let _ = writeln!(
            out,
            "# HELP adact_webhook_oldest_pending_age_seconds Age of the oldest pending delivery."
        );
        let _ = writeln!(
            out,
            "# TYPE adact_webhook_oldest_pending_age_seconds gauge\nadact_webhook_oldest_pending_age_seconds {oldest_age:.3}"
        );
        let _ = writeln!(
            out,
            "# HELP adact_webhook_attempts_total Delivery attempts made by this process, by outcome."
        );
        let _ = writeln!(out, "# TYPE adact_webhook_attempts_total counter");
        let _ = writeln!(
            out,
            "adact_webhook_attempts_total{{outcome=\"succeeded\"}} {}",
            load(&m.succeeded)
        );
        let _ = writeln!(
            out,
            "adact_webhook_attempts_total{{outcome=\"failed\"}} {}",
            load(&m.failed)
        );
        let _ = writeln!(
            out,
            "# HELP adact_webhook_deliveries_failed_total Deliveries given up after their last retry."
        );
        let _ = writeln!(out, "# TYPE adact_webhook_deliveries_failed_total counter");
        let _ = writeln!(
            out,
            "adact_webhook_deliveries_failed_total {}",
            load(&m.gave_up)
        );
        let _ = writeln!(
            out,
            "# HELP adact_webhook_attempt_duration_seconds Duration of delivery attempts."
        );
        let _ = writeln!(
            out,
            "# TYPE adact_webhook_attempt_duration_seconds histogram"
        );
        for (bound, bucket) in BUCKETS.iter().zip(&m.duration_buckets) {
            let _ = writeln!(
                out,
                "adact_webhook_attempt_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                load(bucket)
            );
        }
        let count = load(&m.duration_count);
        let _ = writeln!(
            out,
            "adact_webhook_attempt_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "adact_webhook_attempt_duration_seconds_sum {:.3}",
            load(&m.duration_sum_ms) as f64 / 1000.0
        );
        let _ = writeln!(out, "adact_webhook_attempt_duration_seconds_count {count}");
        let _ = writeln!(
            out,
            "# HELP adact_webhook_first_attempt_lag_max_seconds Longest wait from event to its first attempt."
        );
        let _ = writeln!(
            out,
            "# TYPE adact_webhook_first_attempt_lag_max_seconds gauge\nadact_webhook_first_attempt_lag_max_seconds {:.3}",
            load(&m.lag_max_ms) as f64 / 1000.0
        );
        Ok(out)
    }
}

/// Deletes delivery history older than `retention`, a bounded batch at a
/// time along the primary key (ids sort by time), hourly.
pub async fn clean_history(store: Store, retention: Duration, shutdown: CancellationToken) {
    loop {
        match delete_history_before(
            &store,
            now_ms() - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX / 2),
        )
        .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "removed old webhook history"),
            Err(err) => tracing::error!(%err, "cleaning webhook history failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(3600)) => {},
            () = shutdown.cancelled() => return,
        }
    }
}

/// Deletes finished deliveries (with their attempts) and events created
/// before `cutoff_ms`, 1,000 rows a statement. Returns deliveries deleted.
pub async fn delete_history_before(store: &Store, cutoff_ms: i64) -> sqlx::Result<u64> {
    // ULIDs start with the creation time, so an id made at the cutoff
    // bounds every older row by primary key: no scan of recent history.
    let bound = |prefix: &str| {
        let ms = u64::try_from(cutoff_ms.max(0)).unwrap_or(0);
        let ulid = ulid::Ulid::from_parts(ms, 0)
            .to_string()
            .to_ascii_lowercase();
        format!("{prefix}_{ulid}")
    };
    let mut deleted = 0;
    loop {
        let n = sqlx::query(
            "delete from deliveries where id in (select id from deliveries where id < $1 \
             and status <> 'pending' order by id limit 1000)",
        )
        .bind(bound("dlv"))
        .execute(store.pool())
        .await?
        .rows_affected();
        deleted += n;
        if n < 1000 {
            break;
        }
    }
    loop {
        let n = sqlx::query(
            "delete from events where seq in (select seq from events where id < $1 and not exists \
             (select 1 from deliveries d where d.event_id = events.id) order by seq limit 1000)",
        )
        .bind(bound("evt"))
        .execute(store.pool())
        .await?
        .rows_affected();
        if n < 1000 {
            break;
        }
    }
    Ok(deleted)
}

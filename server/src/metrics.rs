//! The delivery metrics for `/metrics`, through `prometheus-client`, in the
//! OpenMetrics text format. Attempts are counted by this process; the
//! queue's depth and age are read from the database when scraped, so they
//! are right across processes.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use prometheus_client::{
    encoding::text::encode,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use adact_domain::time::now_ms;
use adact_store::Store;

/// Upper bounds (seconds) of the attempt duration histogram.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0];

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

type Outcome = [(&'static str, &'static str); 1];

#[derive(Debug, Clone)]
pub struct Metrics(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    registry: Registry,
    attempts: Family<Outcome, Counter>,
    gave_up: Counter,
    duration: Histogram,
    queue_depth: Gauge,
    oldest_pending_age: Gauge<f64, AtomicU64>,
    lag_max: Gauge<f64, AtomicU64>,
    lag_max_ms: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let attempts = Family::<Outcome, Counter>::default();
        // Both outcomes from the start, so a rate over them is never empty.
        for outcome in ["succeeded", "failed"] {
            drop(attempts.get_or_create(&[("outcome", outcome)]));
        }
        let gave_up = Counter::default();
        let duration = Histogram::new(BUCKETS);
        let queue_depth = Gauge::default();
        let oldest_pending_age = Gauge::<f64, AtomicU64>::default();
        let lag_max = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "adact_webhook_queue_depth",
            "Deliveries waiting to be sent or retried",
            queue_depth.clone(),
        );
        registry.register(
            "adact_webhook_oldest_pending_age_seconds",
            "Age of the oldest pending delivery",
            oldest_pending_age.clone(),
        );
        // Counters are exposed with `_total` appended.
        registry.register(
            "adact_webhook_attempts",
            "Delivery attempts made by this process, by outcome",
            attempts.clone(),
        );
        registry.register(
            "adact_webhook_deliveries_failed",
            "Deliveries given up after their last retry",
            gave_up.clone(),
        );
        registry.register(
            "adact_webhook_attempt_duration_seconds",
            "Duration of delivery attempts",
            duration.clone(),
        );
        registry.register(
            "adact_webhook_first_attempt_lag_max_seconds",
            "Longest wait from event to its first attempt",
            lag_max.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            attempts,
            gave_up,
            duration,
            queue_depth,
            oldest_pending_age,
            lag_max,
            lag_max_ms: AtomicU64::new(0),
        }))
    }
}

impl Metrics {
    /// One attempt sent, answered with a success or not.
    pub(crate) fn attempt(&self, succeeded: bool, duration_ms: i64) {
        let outcome = if succeeded { "succeeded" } else { "failed" };
        self.0.attempts.get_or_create(&[("outcome", outcome)]).inc();
        self.0
            .duration
            .observe(u64::try_from(duration_ms).unwrap_or(0) as f64 / 1000.0);
    }

    pub(crate) fn gave_up(&self) {
        self.0.gave_up.inc();
    }

    pub(crate) fn first_attempt_lag(&self, ms: i64) {
        let ms = u64::try_from(ms).unwrap_or(0);
        let previous = self.0.lag_max_ms.fetch_max(ms, Ordering::Relaxed);
        if ms > previous {
            self.0.lag_max.set(ms as f64 / 1000.0);
        }
    }

    /// The OpenMetrics text exposition, with the queue read now.
    pub async fn render(&self, store: &Store) -> anyhow::Result<String> {
        let (depth, oldest) = store.queue_depth().await?;
        let oldest_age = oldest.map_or(0.0, |t| (now_ms() - t).max(0) as f64 / 1000.0);
        self.0.queue_depth.set(depth);
        self.0.oldest_pending_age.set(oldest_age);
        let mut text = String::new();
        encode(&mut text, &self.0.registry)?;
        Ok(text)
    }
}

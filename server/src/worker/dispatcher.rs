//! The delivery workers: claim due deliveries, send each one, write the
//! outcome. Claims and outcomes are batched so that SQLite commits a few
//! times per batch rather than per delivery.

use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use super::{
    client::{self, Client},
    policy::RetryPolicy,
};
use crate::{config::WebhookConfig, metrics::Metrics};
use adact_domain::{
    time::now_ms,
    webhook::{SKIPPED_WEBHOOKS_OFF, hidden, signing, skipped_endpoint_disabled},
};
use adact_store::{
    Store,
    queue::{self, AttemptRecord, Claimed, Completion, Next},
};

const BATCH: usize = 64;

#[derive(Debug, Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    client: Client,
    policy: RetryPolicy,
    config: WebhookConfig,
    lease: Duration,
    wake: Arc<Notify>,
    metrics: Metrics,
}

impl Dispatcher {
    pub fn new(
        store: Store,
        config: &WebhookConfig,
        allow_private: bool,
        metrics: Metrics,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                client: Client::new(allow_private)?,
                policy: RetryPolicy::new(config.retry_schedule.0.clone(), config.retry_after_cap),
                config: config.clone(),
                // An attempt's own timeout is kept below the lease, so a
                // live worker always finishes within it.
                lease: config.lease.max(Duration::from_secs(2)),
                wake: Arc::new(Notify::new()),
                metrics,
            }),
        })
    }

    /// Tells idle workers that deliveries may be due now.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Runs until `shutdown`; attempts in flight then finish and are written.
    pub async fn run(self, shutdown: CancellationToken) {
        let inner = &self.inner;
        let permits = Arc::new(Semaphore::new(inner.config.concurrency.max(1)));
        // A permit is held until the attempt's outcome is committed, so the
        // concurrency also bounds what a crash can send twice.
        let (done_tx, done_rx) = mpsc::channel::<(Completion, OwnedSemaphorePermit)>(4096);
        let writer = tokio::spawn(write_completions(self.clone(), done_rx));
        if inner.store.backend().notifies() {
            tokio::spawn(listen_for_wakeups(self.clone(), shutdown.clone()));
        }
        // Deliveries committed by this process come straight here, claimed
        // (see `queue::Handoff`); at most a batch waits for a permit.
        let (handoff, mut handed) = mpsc::channel::<Claimed>(BATCH);
        inner.store.hand_off_to(queue::Handoff::new(
            handoff,
            inner.wake.clone(),
            inner.lease,
        ));
        let send = |delivery: Claimed, permit: OwnedSemaphorePermit| {
            let this = self.clone();
            let done = done_tx.clone();
            tokio::spawn(async move {
                let completion = this.attempt(delivery).await;
                let _ = done.send((completion, permit)).await;
            });
        };
        // Claim at start: deliveries may have waited while no worker ran.
        let mut claim = true;
        let mut next_poll = tokio::time::Instant::now();
        while !shutdown.is_cancelled() {
            if tokio::time::Instant::now() >= next_poll {
                // Retries fall due without a wake-up.
                claim = true;
                next_poll = tokio::time::Instant::now() + inner.config.poll_interval;
            }
            if claim && permits.available_permits() > 0 {
                let free = permits.available_permits().min(BATCH);
                match queue::claim(&inner.store, free, inner.lease).await {
                    Ok(claimed) => {
                        // A full batch: more may be due at once.
                        claim = claimed.len() == free;
                        for delivery in claimed {
                            let Ok(permit) = permits.clone().try_acquire_owned() else {
                                break;
                            };
                            send(delivery, permit);
                        }
                    }
                    Err(err) => {
                        // Usually the database is busy with a long write;
                        // the deliveries wait in the table meanwhile.
                        tracing::warn!(%err, "claiming deliveries failed; retrying");
                        tokio::select! {
                            () = tokio::time::sleep(Duration::from_millis(250)) => {},
                            () = shutdown.cancelled() => break,
                        }
                    }
                }
                continue;
            }
            tokio::select! {
                Some(delivery) = handed.recv() => {
                    tokio::select! {
                        permit = permits.clone().acquire_owned() => if let Ok(permit) = permit {
                            send(delivery, permit);
                        },
                        () = shutdown.cancelled() => break,
                    }
                }
                // An attempt finished while claims wait for room.
                permit = permits.clone().acquire_owned(), if claim => drop(permit),
                () = inner.wake.notified() => claim = true,
                () = tokio::time::sleep_until(next_poll) => {},
                () = shutdown.cancelled() => break,
            }
        }
        drop(done_tx);
        // Attempts in flight hold the sender clones; the writer ends after them.
        let _ = writer.await;
    }

    /// Sends one claimed delivery now and returns its completion, written.
    /// Used by the test-event endpoint, which answers with the result.
    pub async fn deliver_now(&self, delivery_id: &str) -> anyhow::Result<Option<Completion>> {
        let Some(delivery) =
            queue::claim_one(&self.inner.store, delivery_id, self.inner.lease).await?
        else {
            return Ok(None);
        };
        let completion = self.attempt(delivery).await;
        queue::complete(
            &self.inner.store,
            std::slice::from_ref(&completion),
            self.inner.config.disable_after,
        )
        .await?;
        Ok(Some(completion))
    }

    /// One attempt: checks the delivery may still be sent, signs, sends,
    /// and decides what comes next.
    async fn attempt(&self, delivery: Claimed) -> Completion {
        let inner = &self.inner;
        let base = Completion {
            delivery_id: delivery.id.clone(),
            attempt: delivery.attempt,
            endpoint_id: delivery.endpoint_id.clone(),
            next: Next::Failed,
            record: None,
            status: None,
            error: None,
            disable_endpoint: None,
            endpoint_succeeded: None,
            ordered: delivery.ordered,
        };
        let not_sent = |reason: String| Completion {
            error: Some(reason),
            ..base.clone()
        };
        // Off now but maybe on later: skipped, for "recover since" to send.
        let skipped = |reason: String| Completion {
            next: Next::Skipped,
            ..not_sent(reason)
        };
        let Some(endpoint) = &delivery.endpoint else {
            return not_sent("Not sent: the endpoint was deleted.".into());
        };
        if !delivery.webhooks_enabled {
            return skipped(SKIPPED_WEBHOOKS_OFF.into());
        }
        if !endpoint.enabled {
            return skipped(skipped_endpoint_disabled(
                endpoint.disabled_reason.as_deref(),
            ));
        }

        let timestamp = unix_seconds();
        let body = Bytes::from(delivery.payload.clone());
        let signature = signing::signature_header(
            endpoint.secrets.iter().map(String::as_str),
            &delivery.event_id,
            timestamp,
            &body,
        );
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("user-agent".to_owned(), client::USER_AGENT.to_owned()),
            ("webhook-id".to_owned(), delivery.event_id.clone()),
            ("webhook-timestamp".to_owned(), timestamp.to_string()),
            ("webhook-signature".to_owned(), signature),
        ];
        // The endpoint's own headers are sent as they are and recorded
        // hidden: the history must not show a credential in clear.
        let mut recorded = headers.clone();
        recorded.extend(hidden(&endpoint.headers));
        headers.extend(endpoint.headers.clone());
        let timeout = endpoint
            .timeout
            .min(inner.lease.saturating_sub(Duration::from_secs(1)));
        let started_at = now_ms();
        if delivery.attempt == 1 {
            inner
                .metrics
                .first_attempt_lag(started_at - delivery.event_created_at);
        }
        let response = inner
            .client
            .send(client::Request {
                url: endpoint.url.clone(),
                headers,
                body,
                timeout,
            })
            .await;
        inner
            .metrics
            .attempt(response.is_success(), response.duration_ms);

        let failures = u32::try_from(delivery.failures)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let (next, disable) = if response.is_success() {
            (Next::Succeeded, None)
        } else if response.is_gone() {
            (
                Next::Failed,
                Some("Disabled because the endpoint answered 410 Gone.".to_owned()),
            )
        } else {
            match inner
                .policy
                .next_delay(failures, response.retry_after, &mut rand::rng())
            {
                Some(delay) => (Next::RetryAt(now_ms() + millis(delay)), None),
                None => (Next::Failed, None),
            }
        };
        if next == Next::Failed {
            inner.metrics.gave_up();
        }
        let request_headers = serde_json::to_string(&pairs_to_json(&recorded)).unwrap_or_default();
        Completion {
            next,
            status: response.status,
            error: response.error.clone(),
            disable_endpoint: disable,
            endpoint_succeeded: if response.is_success() {
                endpoint.failing.then_some(true)
            } else {
                Some(false)
            },
            record: Some(AttemptRecord {
                url: endpoint.url.clone(),
                request_headers,
                request_body: delivery.payload.clone(),
                response_status: response.status.map(i64::from),
                response_headers: response.status.map(|_| {
                    serde_json::to_string(&pairs_to_json(&response.headers)).unwrap_or_default()
                }),
                response_body: response.status.map(|_| response.body.clone()),
                duration_ms: response.duration_ms,
                error: response.error.clone(),
                started_at,
            }),
            ..base
        }
    }
}

/// Wakes the workers when another process (or this one) queues deliveries
/// on PostgreSQL: the outbox notifies on commit. Polling stays as the
/// fallback while the listener reconnects.
async fn listen_for_wakeups(dispatcher: Dispatcher, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        tokio::select! {
            Err(err) = queue::relay_wakeups(&dispatcher.inner.store, || dispatcher.wake()) => {
                tracing::warn!(%err, "listening for delivery wake-ups failed; polling until it reconnects");
            }
            () = shutdown.cancelled() => return,
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {},
            () = shutdown.cancelled() => return,
        }
    }
}

/// Writes completions in batches: whatever has arrived, up to 256 a commit.
async fn write_completions(
    dispatcher: Dispatcher,
    mut done: mpsc::Receiver<(Completion, OwnedSemaphorePermit)>,
) {
    let inner = &dispatcher.inner;
    let mut received = Vec::with_capacity(256);
    while done.recv_many(&mut received, 256).await > 0 {
        let (batch, permits): (Vec<_>, Vec<_>) = received.drain(..).unzip();
        let mut tries = 0;
        while let Err(err) = queue::complete(&inner.store, &batch, inner.config.disable_after).await
        {
            // The deliveries stay claimed; if writing keeps failing their
            // leases expire and they are sent again (at least once).
            tries += 1;
            tracing::error!(%err, tries, "writing delivery outcomes failed");
            if tries >= 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200 * tries)).await;
        }
        drop(permits);
        // A retry may be due immediately (a zero delay in the schedule), and
        // an ordered delivery that is done lets the next of its group go.
        let now = now_ms();
        if batch.iter().any(|done| match done.next {
            Next::RetryAt(at) => at <= now,
            _ => done.ordered,
        }) {
            dispatcher.wake();
        }
    }
}

fn pairs_to_json(pairs: &[(String, String)]) -> serde_json::Value {
    serde_json::Value::Array(
        pairs
            .iter()
            .map(|(k, v)| serde_json::json!([k, v]))
            .collect(),
    )
}

fn unix_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)
}

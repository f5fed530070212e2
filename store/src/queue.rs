//! The durable delivery queue, as the workers use it: the claim with a
//! lease, and the fenced completion. `outbox` fills it.

use std::{sync::Arc, time::Duration};

use sqlx::AssertSqlSafe;
use tokio::sync::{Notify, mpsc};

use super::{
    Store, WriteTx,
    dialect::{Flag, Placeholders, WAKE_CHANNEL},
    endpoints, from_json,
    named::Stored,
};
use adact_domain::{
    time::{new_id, now_ms},
    webhook::{DeliveryStatus, Headers, RetiredSecret, signing_secrets},
};

/// A claimed delivery with all it takes to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    /// This attempt's number: completion is fenced on it.
    pub attempt: i64,
    pub failures: i64,
    pub account_id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub payload: String,
    pub event_created_at: i64,
    /// None when the endpoint was deleted.
    pub endpoint: Option<EndpointTarget>,
    pub webhooks_enabled: bool,
    /// One of an ordered endpoint's deliveries: the next of its group may
    /// go once this one is done.
    pub ordered: bool,
}

#[derive(Debug, Clone)]
pub struct EndpointTarget {
    pub url: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub secrets: Vec<String>,
    /// The endpoint's own headers, sent beside the server's.
    pub headers: Headers,
    pub timeout: Duration,
    /// In a run of failures: a success must clear it.
    pub failing: bool,
}

/// Claims up to `limit` due deliveries: bumps each one's attempt number and
/// pushes its due time forward by `lease`, in one statement, committed
/// before any HTTP is sent. If this worker dies, the delivery falls due
/// again when the lease runs out.
pub async fn claim(store: &Store, limit: usize, lease: Duration) -> sqlx::Result<Vec<Claimed>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    claim_where(store, Which::Due { limit }, lease).await
}

/// Claims one never-attempted delivery by id, due or not, to send it now.
pub async fn claim_one(store: &Store, id: &str, lease: Duration) -> sqlx::Result<Option<Claimed>> {
    Ok(claim_where(store, Which::Unsent(id), lease).await?.pop())
}

/// Which deliveries a claim takes.
enum Which<'a> {
    /// The `limit` that have been due longest.
    Due { limit: i64 },
    /// This one, if it was never attempted.
    Unsent(&'a str),
}

/// The claim statement, shared by both kinds of claim: the deliveries
/// `which` selects get their next attempt number and a lease.
async fn claim_where(
    store: &Store,
    which: Which<'_>,
    lease: Duration,
) -> sqlx::Result<Vec<Claimed>> {
    let now = now_ms();
    let lease_end = now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
    // $1 is the lease's end, $2 now, $3 the limit or the id.
    let condition = match which {
        Which::Due { .. } => format!(
            "id in (select id from deliveries where status = 'pending' and next_attempt_at <= $2 \
             and {IN_TURN} order by next_attempt_at limit $3{})",
            store.backend().skip_locked()
        ),
        Which::Unsent(_) => {
            format!("id = $3 and status = 'pending' and attempts = 0 and {IN_TURN}")
        }
    };
    let sql = format!(
        "update deliveries set attempts = attempts + 1, next_attempt_at = $1, updated_at = $2 \
         where {condition} returning id, attempts, failures"
    );
    let query = sqlx::query_as::<_, ClaimRow>(AssertSqlSafe(sql))
        .bind(lease_end)
        .bind(now);
    let query = match which {
        Which::Due { limit } => query.bind(limit),
        Which::Unsent(id) => query.bind(id.to_owned()),
    };
    let rows = store
        .transact(move |tx| Box::pin(async move { query.fetch_all(&mut **tx).await }))
        .await?;
    load(store, rows, now).await
}

/// Whether a delivery (a row of `deliveries`) may be sent now as far as
/// order goes: always for an unordered endpoint (`order_key` is null, and
/// the check ends there); for an ordered one, only when no earlier delivery
/// of its group (same endpoint and player) is pending, that is waiting for
/// its first attempt or a retry, or being sent. So each group has at most
/// one delivery claimable or in flight at a time; two workers claiming at
/// once both see the earlier one pending, and the row lock of `for update
/// skip locked` keeps them off the same one. Failed and skipped deliveries
/// hold nothing back. `deliveries_order_idx` answers the look back. The
/// due deliveries a group holds back are still read by each claim (they
/// are due), so a player with thousands of events waiting behind a retry
/// costs every claim that many index probes until the retry succeeds.
const IN_TURN: &str = "(order_key is null or not exists (select 1 from deliveries earlier \
    where earlier.endpoint_id = deliveries.endpoint_id and earlier.order_key = deliveries.order_key \
    and earlier.status = 'pending' and earlier.sequence < deliveries.sequence))";

/// Calls `wake` each time another process (or this one) queues deliveries,
/// on a backend that notifies (`outbox` notifies on commit); returns only
/// on error. Listening takes a connection of its own, outside the pool.
pub async fn relay_wakeups(
    store: &Store,
    wake: impl Fn(),
) -> sqlx::Result<std::convert::Infallible> {
    let mut listener = sqlx::postgres::PgListener::connect(store.url()).await?;
    listener.listen(WAKE_CHANNEL).await?;
    loop {
        listener.recv().await?;
        wake();
    }
}

/// The columns of [`TargetRow`], of `webhook_endpoints` as `ep`.
macro_rules! target_columns {
    () => {
        "ep.url, ep.enabled, ep.disabled_reason, ep.secret, ep.retired_secrets, ep.headers, \
         ep.timeout_ms, ep.failing_since"
    };
}
pub(super) use target_columns;

/// A claimed delivery's attempt, as the claim returns it.
#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: String,
    attempts: i64,
    failures: i64,
}

/// What sending a claimed delivery takes, as [`load`] reads it.
#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: String,
    account_id: String,
    endpoint_id: String,
    event_id: String,
    order_key: Option<String>,
    payload: String,
    event_created_at: i64,
    webhooks_enabled: Option<Flag>,
    #[sqlx(flatten)]
    target: TargetRow,
}

/// Reads what sending the claimed deliveries takes.
async fn load(store: &Store, rows: Vec<ClaimRow>, now: i64) -> sqlx::Result<Vec<Claimed>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut claimed = Vec::with_capacity(rows.len());
    let placeholders = Placeholders::from(1).list(rows.len());
    let sql = format!(
        "select d.id, d.account_id, d.endpoint_id, d.event_id, d.order_key, e.payload, \
                e.created_at as event_created_at, {}, ws.enabled as webhooks_enabled \
         from deliveries d join events e on e.id = d.event_id \
         left join webhook_endpoints ep on ep.id = d.endpoint_id \
         left join webhook_settings ws on ws.account_id = d.account_id \
         where d.id in ({placeholders})",
        target_columns!()
    );
    let mut query = sqlx::query_as::<_, ClaimedRow>(AssertSqlSafe(sql));
    for row in &rows {
        query = query.bind(&row.id);
    }
    let mut details = query.fetch_all(store.pool()).await?;
    for row in rows {
        let Some(at) = details.iter().position(|d| d.id == row.id) else {
            continue;
        };
        let detail = details.swap_remove(at);
        claimed.push(Claimed {
            attempt: row.attempts,
            failures: row.failures,
            account_id: detail.account_id,
            endpoint_id: detail.endpoint_id,
            event_id: detail.event_id,
            payload: detail.payload,
            event_created_at: detail.event_created_at,
            webhooks_enabled: detail.webhooks_enabled.is_some_and(bool::from),
            ordered: detail.order_key.is_some(),
            endpoint: detail.target.target(now)?,
            id: row.id,
        });
    }
    Ok(claimed)
}

/// What sending to an endpoint takes, as [`target_columns`] names it:
/// every column NULL when a left join found no endpoint (it was deleted).
#[derive(sqlx::FromRow)]
pub(super) struct TargetRow {
    url: Option<String>,
    enabled: Option<Flag>,
    disabled_reason: Option<String>,
    secret: Option<String>,
    retired_secrets: Option<String>,
    headers: Option<String>,
    timeout_ms: Option<i64>,
    failing_since: Option<i64>,
}

impl TargetRow {
    /// The endpoint to send to at `now` (the secrets that sign then), if
    /// there is one.
    pub(super) fn target(self, now: i64) -> sqlx::Result<Option<EndpointTarget>> {
        let (Some(url), Some(secret), Some(retired), Some(headers)) =
            (self.url, self.secret, self.retired_secrets, self.headers)
        else {
            return Ok(None);
        };
        let retired: Vec<RetiredSecret> = from_json(&retired)?;
        let timeout_ms = self.timeout_ms.unwrap_or(2000);
        Ok(Some(EndpointTarget {
            url,
            enabled: self.enabled.is_some_and(bool::from),
            disabled_reason: self.disabled_reason,
            secrets: signing_secrets(&secret, &retired, now),
            headers: from_json(&headers)?,
            timeout: Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(2000)),
            failing: self.failing_since.is_some(),
        }))
    }
}

/// Where this process's workers take deliveries straight from the commit
/// that queued them (see `outbox`), without claiming them from the table:
/// the delivery is written already claimed, with a lease, so the table
/// stays the record and any process takes it again if this one dies.
#[derive(Debug, Clone)]
pub struct Handoff {
    deliveries: mpsc::Sender<Claimed>,
    /// Wakes the workers when a commit queued deliveries it did not hand
    /// over (the workers were full).
    wake: Arc<Notify>,
    lease_ms: i64,
}

impl Handoff {
    /// `deliveries` bounds how many may wait for a worker: when it is
    /// full, deliveries are queued in the table instead.
    pub fn new(deliveries: mpsc::Sender<Claimed>, wake: Arc<Notify>, lease: Duration) -> Self {
        Self {
            deliveries,
            wake,
            lease_ms: i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2),
        }
    }

    /// A place for one delivery, and its lease's end, if a worker will
    /// take it.
    pub(super) fn reserve(&self, now: i64) -> Option<(mpsc::OwnedPermit<Claimed>, i64)> {
        let permit = self.deliveries.clone().try_reserve_owned().ok()?;
        Some((permit, now + self.lease_ms))
    }

    pub(super) fn wake(&self) {
        self.wake.notify_one();
    }
}

/// A finished attempt, ready to be written.
#[derive(Debug, Clone)]
pub struct Completion {
    pub delivery_id: String,
    pub attempt: i64,
    pub endpoint_id: String,
    /// What the delivery becomes.
    pub next: Next,
    pub record: Option<AttemptRecord>,
    pub status: Option<u16>,
    pub error: Option<String>,
    /// The endpoint is to be disabled, for this reason.
    pub disable_endpoint: Option<String>,
    /// A success that ends the endpoint's run of failures (`Some(true)`),
    /// or a failure that extends it (`Some(false)`).
    pub endpoint_succeeded: Option<bool>,
    /// Of an ordered delivery (see [`Claimed::ordered`]).
    pub ordered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Succeeded,
    RetryAt(i64),
    Failed,
    /// Not sent: webhooks or the endpoint were off. Recoverable.
    Skipped,
}

/// The history row of an attempt that was actually sent.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    pub url: String,
    pub request_headers: String,
    pub request_body: String,
    pub response_status: Option<i64>,
    pub response_headers: Option<String>,
    pub response_body: Option<String>,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub started_at: i64,
}

/// Writes a batch of completions in one transaction, with a handful of
/// statements whatever the batch size: one multi-row update of the
/// deliveries (fenced: each counts only if the delivery is still on the
/// attempt it was claimed for), one multi-row insert of the attempts that
/// counted, and one update per endpoint whose health changed.
pub async fn complete(
    store: &Store,
    batch: &[Completion],
    disable_after: Duration,
) -> sqlx::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let batch = batch.to_vec();
    store
        .transact(move |tx| Box::pin(complete_in(tx, batch, disable_after)))
        .await
}

/// [`complete`] in its transaction.
async fn complete_in(
    tx: &mut WriteTx,
    batch: Vec<Completion>,
    disable_after: Duration,
) -> sqlx::Result<()> {
    let now = now_ms();

    // 1. The deliveries. A CTE names the VALUES columns on both backends.
    // The casts give the VALUES columns their types on PostgreSQL, which
    // cannot infer them from bare parameters; SQLite accepts them as is.
    let mut p = Placeholders::from(3);
    let rows = (0..batch.len())
        .map(|_| {
            let types = ["text", "bigint", "text", "bigint", "bigint", "text"];
            let values: Vec<_> = types
                .iter()
                .map(|t| format!("cast({} as {t})", p.one()))
                .collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "with v (id, attempt, status, next_at, last_status, last_error) as (values {rows}) \
         update deliveries set status = v.status, next_attempt_at = v.next_at, \
         failures = case when v.status = 'succeeded' then 0 else deliveries.failures + 1 end, \
         last_status = v.last_status, last_error = v.last_error, last_attempt_at = $1, updated_at = $2 \
         from v where deliveries.id = v.id and deliveries.attempts = v.attempt \
         returning deliveries.id"
    );
    let mut query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql))
        .bind(now)
        .bind(now);
    for done in &batch {
        let (status, next_at) = match done.next {
            Next::Succeeded => (DeliveryStatus::Succeeded, None),
            Next::RetryAt(at) => (DeliveryStatus::Pending, Some(at)),
            Next::Failed => (DeliveryStatus::Failed, None),
            Next::Skipped => (DeliveryStatus::Skipped, None),
        };
        query = query
            .bind(&done.delivery_id)
            .bind(done.attempt)
            .bind(Stored(status))
            .bind(next_at)
            .bind(done.status.map(i64::from))
            .bind(done.error.as_deref());
    }
    let updated: std::collections::HashSet<String> =
        query.fetch_all(&mut **tx).await?.into_iter().collect();
    let (counted, stale): (Vec<&Completion>, Vec<&Completion>) = batch
        .iter()
        .partition(|done| updated.contains(&done.delivery_id));
    for done in stale {
        tracing::warn!(
            delivery = %done.delivery_id,
            attempt = done.attempt,
            "stale completion dropped: the delivery was claimed again"
        );
    }

    // 2. The history of the attempts that counted.
    let records: Vec<_> = counted
        .iter()
        .filter_map(|done| Some((*done, done.record.as_ref()?)))
        .collect();
    if !records.is_empty() {
        let mut p = Placeholders::from(1);
        let rows = (0..records.len())
            .map(|_| format!("({})", p.list(12)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "insert into delivery_attempts (id, delivery_id, attempt, url, request_headers, request_body, \
             response_status, response_headers, response_body, duration_ms, error, started_at) values {rows}"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (done, record) in records {
            query = query
                .bind(new_id("att"))
                .bind(&done.delivery_id)
                .bind(done.attempt)
                .bind(&record.url)
                .bind(&record.request_headers)
                .bind(&record.request_body)
                .bind(record.response_status)
                .bind(record.response_headers.as_deref())
                .bind(record.response_body.as_deref())
                .bind(record.duration_ms)
                .bind(record.error.as_deref())
                .bind(record.started_at);
        }
        query.execute(&mut **tx).await?;
    }

    // 3. Endpoint health, once per endpoint: the last word in the batch wins.
    let mut health: Vec<(&str, Option<bool>, Option<&str>)> = Vec::new();
    for done in &counted {
        let entry = match health.iter_mut().find(|(id, ..)| *id == done.endpoint_id) {
            Some(entry) => entry,
            None => {
                health.push((&done.endpoint_id, None, None));
                health.last_mut().unwrap_or_else(|| unreachable!())
            }
        };
        entry.1 = done.endpoint_succeeded.or(entry.1);
        entry.2 = done.disable_endpoint.as_deref().or(entry.2);
    }
    for (endpoint_id, succeeded, disable) in health {
        endpoints::update_health(tx, endpoint_id, succeeded, disable, now, disable_after).await?;
    }
    Ok(())
}

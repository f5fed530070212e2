//! The durable delivery queue in SQL: fan-out of an event to the endpoints
//! that want it (in the event's own transaction), the claim with a lease,
//! and the fenced completion. The claim is the one statement that differs
//! between backends; everything else is plain SQL.

use std::time::Duration;

use sqlx::{AnyConnection, AssertSqlSafe, Row as _};

use crate::{
    events::Event,
    store::{Backend, Store, flag, new_id, now_ms},
};

/// Creates one pending delivery per enabled endpoint of the event's account
/// that subscribes to its type (or for `only`, that endpoint alone), when
/// the account's master toggle is on. Runs on the event's transaction.
/// Returns how many deliveries it created.
pub async fn fan_out(
    conn: &mut AnyConnection,
    event: &Event,
    only: Option<&str>,
) -> sqlx::Result<usize> {
    let enabled = sqlx::query("select enabled from webhook_settings where account_id = $1")
        .bind(&event.account_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| flag(&row, "enabled"))
        .transpose()?;
    if enabled != Some(true) {
        return Ok(0);
    }
    let endpoints = sqlx::query(
        "select id, events from webhook_endpoints where account_id = $1 and enabled = $2",
    )
    .bind(&event.account_id)
    .bind(1_i64)
    .fetch_all(&mut *conn)
    .await?;
    // A delivery to one chosen endpoint (the test event) is sent by the
    // request that made it; the workers leave it alone for a minute, and
    // pick it up after that only if that request died first.
    let due = match only {
        Some(_) => event.created_at + 60_000,
        None => event.created_at,
    };
    let mut created = 0;
    for row in endpoints {
        let id: String = row.try_get("id")?;
        let events: String = row.try_get("events")?;
        let wanted = match only {
            Some(only) => only == id,
            None => subscribes(&events, event.event_type.as_str()),
        };
        if !wanted {
            continue;
        }
        sqlx::query(
            "insert into deliveries (id, account_id, endpoint_id, event_id, event_type, status, \
             next_attempt_at, created_at, updated_at) values ($1, $2, $3, $4, $5, 'pending', $6, $7, $7)",
        )
        .bind(new_id("dlv"))
        .bind(&event.account_id)
        .bind(&id)
        .bind(&event.id)
        .bind(event.event_type.as_str())
        .bind(due)
        .bind(event.created_at)
        .execute(&mut *conn)
        .await?;
        created += 1;
    }
    if created > 0 && is_postgres(conn) {
        // Delivered to listening workers of every process when (and only
        // if) the transaction commits.
        sqlx::query("select pg_notify($1, '')")
            .bind(WAKE_CHANNEL)
            .execute(&mut *conn)
            .await?;
    }
    Ok(created)
}

/// The PostgreSQL channel that wakes delivery workers in every process.
pub const WAKE_CHANNEL: &str = "adact_deliveries";

fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("postgresql")
}

/// Whether an endpoint's stored filter (space-separated types, `*` for all)
/// includes `event_type`.
pub fn subscribes(filter: &str, event_type: &str) -> bool {
    filter
        .split_whitespace()
        .any(|t| t == "*" || t == event_type)
}

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
}

#[derive(Debug, Clone)]
pub struct EndpointTarget {
    pub url: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub secrets: Vec<String>,
    pub timeout: Duration,
    /// In a run of failures: a success must clear it.
    pub failing: bool,
}

/// Claims up to `limit` due deliveries: bumps each one's attempt number and
/// pushes its due time forward by `lease`, in one statement, committed
/// before any HTTP is sent. If this worker dies, the delivery falls due
/// again when the lease runs out.
pub async fn claim(store: &Store, limit: usize, lease: Duration) -> sqlx::Result<Vec<Claimed>> {
    let now = now_ms();
    let lease_end = now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
    // On PostgreSQL, many processes claim at once: SKIP LOCKED lets each
    // take rows the others are not taking, without waiting on them. SQLite
    // has one writer at a time, so the plain statement is already exclusive.
    let lock = match store.backend() {
        Backend::Postgres => " for update skip locked",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "update deliveries set attempts = attempts + 1, next_attempt_at = $1, updated_at = $2 \
         where id in (select id from deliveries where status = 'pending' and next_attempt_at <= $2 \
                      order by next_attempt_at limit $3{lock}) \
         returning id, attempts, failures"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(lease_end)
        .bind(now)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(store.pool())
        .await?;
    load(store, rows, now).await
}

/// Claims one never-attempted delivery by id, due or not, to send it now.
pub async fn claim_one(store: &Store, id: &str, lease: Duration) -> sqlx::Result<Option<Claimed>> {
    let now = now_ms();
    let lease_end = now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
    let rows = sqlx::query(
        "update deliveries set attempts = attempts + 1, next_attempt_at = $1, updated_at = $2 \
         where id = $3 and status = 'pending' and attempts = 0 returning id, attempts, failures",
    )
    .bind(lease_end)
    .bind(now)
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    Ok(load(store, rows, now).await?.pop())
}

/// Reads what sending the claimed deliveries takes.
async fn load(store: &Store, rows: Vec<sqlx::any::AnyRow>, now: i64) -> sqlx::Result<Vec<Claimed>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut claimed = Vec::with_capacity(rows.len());
    let placeholders = (1..=rows.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "select d.id, d.account_id, d.endpoint_id, d.event_id, e.payload, e.created_at as event_created_at, \
                ep.url, ep.enabled, ep.disabled_reason, ep.secret, ep.previous_secret, ep.previous_expires_at, \
                ep.timeout_ms, ep.failing_since, ws.enabled as webhooks_enabled \
         from deliveries d join events e on e.id = d.event_id \
         left join webhook_endpoints ep on ep.id = d.endpoint_id \
         left join webhook_settings ws on ws.account_id = d.account_id \
         where d.id in ({placeholders})"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for row in &rows {
        query = query.bind(row.try_get::<String, _>("id")?);
    }
    let details = query.fetch_all(store.pool()).await?;
    for row in &rows {
        let id: String = row.try_get("id")?;
        let Some(detail) = details
            .iter()
            .find(|d| d.try_get::<String, _>("id").is_ok_and(|d| d == id))
        else {
            continue;
        };
        let url: Option<String> = detail.try_get("url")?;
        let endpoint = match url {
            Some(url) => {
                let mut secrets = vec![detail.try_get::<String, _>("secret")?];
                let previous: Option<String> = detail.try_get("previous_secret")?;
                let expires: Option<i64> = detail.try_get("previous_expires_at")?;
                if let (Some(previous), Some(expires)) = (previous, expires)
                    && expires > now
                {
                    secrets.push(previous);
                }
                let timeout_ms: i64 = detail.try_get("timeout_ms")?;
                Some(EndpointTarget {
                    url,
                    enabled: flag(detail, "enabled")?,
                    disabled_reason: detail.try_get("disabled_reason")?,
                    secrets,
                    timeout: Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(2000)),
                    failing: detail.try_get::<Option<i64>, _>("failing_since")?.is_some(),
                })
            }
            None => None,
        };
        claimed.push(Claimed {
            attempt: row.try_get("attempts")?,
            failures: row.try_get("failures")?,
            account_id: detail.try_get("account_id")?,
            endpoint_id: detail.try_get("endpoint_id")?,
            event_id: detail.try_get("event_id")?,
            payload: detail.try_get("payload")?,
            event_created_at: detail.try_get("event_created_at")?,
            webhooks_enabled: flag(detail, "webhooks_enabled")?,
            endpoint,
            id,
        });
    }
    Ok(claimed)
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Succeeded,
    RetryAt(i64),
    Failed,
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
    let now = now_ms();
    let mut tx = store.pool().begin().await?;

    // 1. The deliveries. A CTE names the VALUES columns on both backends.
    let rows = (0..batch.len())
        .map(|i| {
            let p = |k: usize| 3 + i * 6 + k;
            format!(
                "(cast(${} as text), cast(${} as bigint), cast(${} as text), cast(${} as bigint), cast(${} as bigint), cast(${} as text))",
                p(0), p(1), p(2), p(3), p(4), p(5)
            )
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
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(now).bind(now);
    for done in batch {
        let (status, next_at) = match done.next {
            Next::Succeeded => ("succeeded", None),
            Next::RetryAt(at) => ("pending", Some(at)),
            Next::Failed => ("failed", None),
        };
        query = query
            .bind(&done.delivery_id)
            .bind(done.attempt)
            .bind(status)
            .bind(next_at)
            .bind(done.status.map(i64::from))
            .bind(done.error.as_deref());
    }
    let updated: std::collections::HashSet<String> = query
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<sqlx::Result<_>>()?;
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
        let rows = (0..records.len())
            .map(|i| {
                format!(
                    "({})",
                    (1..=12)
                        .map(|k| format!("${}", i * 12 + k))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
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
        query.execute(&mut *tx).await?;
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
        update_endpoint_health(&mut tx, endpoint_id, succeeded, disable, now, disable_after)
            .await?;
    }
    tx.commit().await
}

/// Clears or extends an endpoint's run of failures, and disables it when
/// the run has lasted `disable_after` or the endpoint said it is gone.
async fn update_endpoint_health(
    conn: &mut AnyConnection,
    endpoint_id: &str,
    succeeded: Option<bool>,
    disable: Option<&str>,
    now: i64,
    disable_after: Duration,
) -> sqlx::Result<()> {
    match succeeded {
        Some(true) => {
            sqlx::query("update webhook_endpoints set failing_since = null where id = $1")
                .bind(endpoint_id)
                .execute(&mut *conn)
                .await?;
        }
        Some(false) => {
            sqlx::query("update webhook_endpoints set failing_since = coalesce(failing_since, $1) where id = $2")
                .bind(now)
                .bind(endpoint_id)
                .execute(&mut *conn)
                .await?;
            let days = disable_after.as_secs() / 86_400;
            let reason = if days > 0 {
                format!("Disabled after {days} days of failed deliveries without a success.")
            } else {
                format!(
                    "Disabled after {} s of failed deliveries without a success.",
                    disable_after.as_secs()
                )
            };
            let since =
                now.saturating_sub(i64::try_from(disable_after.as_millis()).unwrap_or(i64::MAX));
            sqlx::query(
                "update webhook_endpoints set enabled = 0, disabled_reason = $1, updated_at = $2 \
                 where id = $3 and enabled = 1 and failing_since <= $4",
            )
            .bind(reason)
            .bind(now)
            .bind(endpoint_id)
            .bind(since)
            .execute(&mut *conn)
            .await?;
        }
        None => {}
    }
    if let Some(reason) = disable {
        sqlx::query("update webhook_endpoints set enabled = 0, disabled_reason = $1, updated_at = $2 where id = $3")
            .bind(reason)
            .bind(now)
            .bind(endpoint_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::subscribes;

    #[test]
    fn filters_match_types_or_everything() {
        assert!(subscribes("*", "player.created"));
        assert!(subscribes(
            "player.created prize.assigned",
            "prize.assigned"
        ));
        assert!(!subscribes("player.created", "player.updated"));
        assert!(!subscribes("", "player.created"));
    }
}

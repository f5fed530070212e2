//! The outbox: an event and its deliveries, written in the transaction of
//! the change that caused it, so none is lost and none is told of a change
//! that did not commit. The workers (`queue`) send what is written here.

use sqlx::Row as _;

use super::{
    WriteTx,
    dialect::{WAKE_CHANNEL, flag},
    queue::{Claimed, target_from_row},
};
use crate::domain::{
    events::{Envelope, Event, EventData},
    time::{new_id, now_ms},
    webhook::{DeliveryStatus, subscribes},
};

/// Records an event and queues its webhook deliveries to every endpoint
/// subscribed to its type. `data` carries the ids and names the event
/// concerns, and says which type it is.
pub async fn record(tx: &mut WriteTx, account_id: &str, data: EventData) -> sqlx::Result<Event> {
    record_for(tx, account_id, data, None).await
}

/// Records an event and queues its webhook deliveries: to every endpoint
/// subscribed to its type, or to `only_endpoint` alone (the test event).
pub async fn record_for(
    tx: &mut WriteTx,
    account_id: &str,
    data: EventData,
    only_endpoint: Option<&str>,
) -> sqlx::Result<Event> {
    let created_at = now_ms();
    let id = new_id("evt");
    let event_type = data.event_type();
    let event = Event {
        payload: Envelope::new(&id, created_at, &data).to_value(),
        id,
        account_id: account_id.to_owned(),
        event_type,
        created_at,
    };
    let body = event.payload.to_string();
    sqlx::query(
        "insert into events (id, account_id, type, payload, created_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(&event.id)
    .bind(account_id)
    .bind(event_type.as_str())
    .bind(&body)
    .bind(created_at)
    .execute(&mut **tx)
    .await?;
    fan_out(tx, &event, &body, only_endpoint).await?;
    Ok(event)
}

/// Creates one pending delivery per enabled endpoint of the event's account
/// that subscribes to its type (or for `only`, that endpoint alone), when
/// the account's master toggle is on; hands what it can to this process's
/// workers (`queue::Handoff`). Returns how many it created.
async fn fan_out(
    tx: &mut WriteTx,
    event: &Event,
    body: &str,
    only: Option<&str>,
) -> sqlx::Result<usize> {
    let enabled = sqlx::query("select enabled from webhook_settings where account_id = $1")
        .bind(&event.account_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| flag(&row, "enabled"))
        .transpose()?;
    if enabled != Some(true) {
        return Ok(0);
    }
    let endpoints = sqlx::query(
        "select id, events, url, enabled, disabled_reason, secret, retired_secrets, headers, \
         timeout_ms, failing_since from webhook_endpoints where account_id = $1 and enabled = $2",
    )
    .bind(&event.account_id)
    .bind(1_i64)
    .fetch_all(&mut **tx)
    .await?;
    // A delivery to one chosen endpoint (the test event) is sent by the
    // request that made it; the workers leave it alone for a minute, and
    // pick it up after that only if that request died first.
    let due = match only {
        Some(_) => event.created_at + 60_000,
        None => event.created_at,
    };
    let mut created = 0;
    let mut queued = false;
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
        // Handed to this process's workers as it commits, already claimed
        // (attempt 1, leased), when they have room; otherwise queued.
        let handed = match only {
            Some(_) => None,
            None => tx.reserve_handoff(event.created_at),
        };
        let delivery_id = new_id("dlv");
        let (attempts, next_attempt_at) = match &handed {
            Some((_, lease_end)) => (1_i64, *lease_end),
            None => (0, due),
        };
        sqlx::query(
            "insert into deliveries (id, account_id, endpoint_id, event_id, event_type, status, \
             attempts, next_attempt_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&delivery_id)
        .bind(&event.account_id)
        .bind(&id)
        .bind(&event.id)
        .bind(event.event_type.as_str())
        .bind(DeliveryStatus::Pending.as_str())
        .bind(attempts)
        .bind(next_attempt_at)
        .bind(event.created_at)
        .execute(&mut **tx)
        .await?;
        created += 1;
        match handed {
            Some((place, _)) => {
                let url: String = row.try_get("url")?;
                let delivery = Claimed {
                    id: delivery_id,
                    attempt: 1,
                    failures: 0,
                    account_id: event.account_id.clone(),
                    endpoint: Some(target_from_row(&row, url, event.created_at)?),
                    endpoint_id: id,
                    event_id: event.id.clone(),
                    payload: body.to_owned(),
                    event_created_at: event.created_at,
                    webhooks_enabled: true,
                };
                tx.hand_over(place, delivery);
            }
            None => queued = true,
        }
    }
    if queued {
        // Delivered to listening workers of every process when (and only
        // if) the transaction commits; on SQLite this process's workers
        // are woken after the commit.
        if tx.backend().notifies() {
            sqlx::query("select pg_notify($1, '')")
                .bind(WAKE_CHANNEL)
                .execute(&mut **tx)
                .await?;
        }
        tx.queued();
    }
    Ok(created)
}

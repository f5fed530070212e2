//! The outbox: an event and its deliveries, written in the transaction of
//! the change that caused it, so none is lost and none is told of a change
//! that did not commit. The workers (`queue`) send what is written here.

use serde_json::Value;
use sqlx::Row as _;

use super::{
    WriteTx,
    dialect::{WAKE_CHANNEL, flag},
};
use crate::domain::{
    events::{Event, EventType, envelope},
    time::{new_id, now_ms},
    webhook::{DeliveryStatus, SKIPPED_WEBHOOKS_OFF, skipped_endpoint_disabled, subscribes},
};

/// Records an event and queues its webhook deliveries to every endpoint
/// subscribed to its type. `data` carries the ids and names the event
/// concerns.
pub async fn record(
    tx: &mut WriteTx,
    account_id: &str,
    event_type: EventType,
    data: Value,
) -> sqlx::Result<Event> {
    record_for(tx, account_id, event_type, data, None).await
}

/// Records an event and queues its webhook deliveries: to every endpoint
/// subscribed to its type, or to `only_endpoint` alone (the test event).
pub async fn record_for(
    tx: &mut WriteTx,
    account_id: &str,
    event_type: EventType,
    data: Value,
    only_endpoint: Option<&str>,
) -> sqlx::Result<Event> {
    let created_at = now_ms();
    let sequence = next_sequence(tx, account_id).await?;
    let event = Event {
        id: new_id("evt"),
        account_id: account_id.to_owned(),
        event_type,
        sequence,
        payload: envelope(event_type, created_at, sequence, data),
        created_at,
    };
    sqlx::query(
        "insert into events (id, account_id, type, payload, created_at, sequence) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&event.id)
    .bind(account_id)
    .bind(event_type.as_str())
    .bind(event.payload.to_string())
    .bind(created_at)
    .bind(sequence)
    .execute(&mut **tx)
    .await?;
    fan_out(tx, &event, only_endpoint).await?;
    Ok(event)
}

/// The account's next event sequence number, from its counter row, in the
/// event's transaction: a rolled-back event gives its number back. On
/// PostgreSQL the row stays locked until the transaction ends, so the
/// account's event-writing transactions take their numbers, and commit,
/// one after another: a reader never sees number n+1 before n. (It also
/// serialises them from their first event on; they record events last.)
/// On SQLite there is one writer at a time anyway.
async fn next_sequence(tx: &mut WriteTx, account_id: &str) -> sqlx::Result<i64> {
    sqlx::query(
        "insert into event_sequences (account_id, last_sequence) values ($1, 1) \
         on conflict (account_id) do update set last_sequence = event_sequences.last_sequence + 1 \
         returning last_sequence",
    )
    .bind(account_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("last_sequence")
}

/// The player an event concerns (`data.player.id`), if any: an ordered
/// endpoint delivers each player's events one after another.
fn player_of(event: &Event) -> Option<&str> {
    event.payload.pointer("/data/player/id")?.as_str()
}

/// Creates one delivery per endpoint of the event's account that
/// subscribes to its type (or for `only`, that endpoint alone): pending
/// when the account's master toggle is on and the endpoint enabled, else
/// `skipped`, with the reason, for "recover since" to send later. Returns
/// how many pending deliveries it created.
async fn fan_out(tx: &mut WriteTx, event: &Event, only: Option<&str>) -> sqlx::Result<usize> {
    let webhooks_on = sqlx::query("select enabled from webhook_settings where account_id = $1")
        .bind(&event.account_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| flag(&row, "enabled"))
        .transpose()?
        == Some(true);
    let endpoints = sqlx::query(
        "select id, events, enabled, disabled_reason, ordered from webhook_endpoints \
         where account_id = $1",
    )
    .bind(&event.account_id)
    .fetch_all(&mut **tx)
    .await?;
    // A delivery to one chosen endpoint (the test event) is sent by the
    // request that made it; the workers leave it alone for a minute, and
    // pick it up after that only if that request died first.
    let due = match only {
        Some(_) => event.created_at + 60_000,
        None => event.created_at,
    };
    let mut pending = 0;
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
        let skipped = if !webhooks_on {
            Some(SKIPPED_WEBHOOKS_OFF.to_owned())
        } else if !flag(&row, "enabled")? {
            let why: Option<String> = row.try_get("disabled_reason")?;
            Some(skipped_endpoint_disabled(why.as_deref()))
        } else {
            None
        };
        // The test event is sent at once by its request: it neither waits
        // for, nor holds back, the endpoint's other deliveries.
        let order_key = (flag(&row, "ordered")? && only.is_none())
            .then(|| player_of(event).unwrap_or_default());
        let status = match skipped {
            Some(_) => DeliveryStatus::Skipped,
            None => DeliveryStatus::Pending,
        };
        sqlx::query(
            "insert into deliveries (id, account_id, endpoint_id, event_id, event_type, status, \
             next_attempt_at, last_error, sequence, order_key, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(new_id("dlv"))
        .bind(&event.account_id)
        .bind(&id)
        .bind(&event.id)
        .bind(event.event_type.as_str())
        .bind(status.as_str())
        .bind(skipped.is_none().then_some(due))
        .bind(skipped)
        .bind(event.sequence)
        .bind(order_key)
        .bind(event.created_at)
        .execute(&mut **tx)
        .await?;
        if status == DeliveryStatus::Pending {
            pending += 1;
        }
    }
    if pending > 0 && tx.backend().notifies() {
        // Delivered to listening workers of every process when (and only
        // if) the transaction commits.
        sqlx::query("select pg_notify($1, '')")
            .bind(WAKE_CHANNEL)
            .execute(&mut **tx)
            .await?;
    }
    Ok(pending)
}

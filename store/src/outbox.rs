//! The outbox: an event and its deliveries, written in the transaction of
//! the change that caused it, so none is lost and none is told of a change
//! that did not commit. The workers (`queue`) send what is written here.

use sqlx::AssertSqlSafe;

use super::{
    WriteTx,
    dialect::{EventNumbers, Flag, WAKE_CHANNEL},
    named::Stored,
    queue::{Claimed, TargetRow, target_columns},
};
use adact_domain::{
    events::{Envelope, Event, EventData},
    time::{new_id, now_ms},
    webhook::{DeliveryStatus, SKIPPED_WEBHOOKS_OFF, skipped_endpoint_disabled, subscribes},
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
    let sequence = next_sequence(tx, account_id).await?;
    let id = new_id("evt");
    let event_type = data.event_type();
    let event = Event {
        payload: Envelope::new(&id, created_at, sequence, &data).to_value(),
        id,
        account_id: account_id.to_owned(),
        event_type,
        sequence,
        created_at,
    };
    let body = event.payload.to_string();
    sqlx::query(
        "insert into events (id, account_id, type, payload, created_at, sequence, player_id, \
         play_id) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&event.id)
    .bind(account_id)
    .bind(Stored(event_type))
    .bind(&body)
    .bind(created_at)
    .bind(sequence)
    .bind(data.player_id())
    .bind(data.play_id())
    .execute(&mut **tx)
    .await?;
    fan_out(tx, &event, data.player_id(), &body, only_endpoint).await?;
    Ok(event)
}

/// The account's next event sequence number, from its counter row or its
/// sequence object, as the backend keeps them (the dialect's
/// [`event_numbers`](crate::Backend::event_numbers) says why they differ).
/// On PostgreSQL numbers are unique and increase in the order events are
/// recorded, but two transactions recording at the same moment may commit
/// (and be sent) out of that order, and a rolled-back event leaves a gap
/// (docs/webhooks.md, "Order").
async fn next_sequence(tx: &mut WriteTx, account_id: &str) -> sqlx::Result<i64> {
    match tx.backend().event_numbers() {
        EventNumbers::CounterRow(statement) => {
            sqlx::query_scalar(statement)
                .bind(account_id)
                .fetch_one(&mut **tx)
                .await
        }
        EventNumbers::SequenceObject(statement) => {
            let name = event_sequence(tx, account_id).await?;
            sqlx::query_scalar(statement)
                .bind(name)
                .fetch_one(&mut **tx)
                .await
        }
    }
}

/// The name of the account's event sequence on PostgreSQL, created the
/// first time this process needs it if it does not exist yet, starting
/// after the account's counter row (the numbers given before sequences).
async fn event_sequence(tx: &mut WriteTx, account_id: &str) -> sqlx::Result<String> {
    // Account ids are ours (`acc_` and a ULID); anything else is refused
    // rather than spliced into DDL.
    if !account_id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(sqlx::Error::Protocol(format!(
            "an account id unfit for a sequence name: {account_id:?}"
        )));
    }
    let name = format!("event_sequence_{account_id}");
    if tx.knows_sequence(&name) {
        return Ok(name);
    }
    let missing: bool = sqlx::query_scalar("select to_regclass($1) is null")
        .bind(&name)
        .fetch_one(&mut **tx)
        .await?;
    if missing {
        // In a savepoint: another transaction creating it at the same
        // moment makes this one's creation fail, and the event goes on
        // with the sequence that one made.
        sqlx::query("savepoint event_sequence")
            .execute(&mut **tx)
            .await?;
        let created = async {
            sqlx::query(AssertSqlSafe(format!("create sequence {name}")))
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "select setval($1::regclass, coalesce((select last_sequence from event_sequences \
                 where account_id = $2), 0) + 1, false)",
            )
            .bind(&name)
            .bind(account_id)
            .execute(&mut **tx)
            .await
        }
        .await;
        let end = if created.is_ok() {
            "release savepoint event_sequence"
        } else {
            "rollback to savepoint event_sequence"
        };
        sqlx::query(end).execute(&mut **tx).await?;
        // Known once this transaction commits: it may be the one creating it.
        tx.sequence_made(name.clone());
    } else {
        tx.known_sequence(name.clone());
    }
    Ok(name)
}

/// Creates one delivery per endpoint of the event's account that
/// subscribes to its type (or for `only`, that endpoint alone): pending
/// when the account's master toggle is on and the endpoint enabled, else
/// `skipped`, with the reason, for "recover since" to send later. Hands
/// what it can of the pending ones to this process's workers
/// (`queue::Handoff`). Returns how many pending deliveries it created.
async fn fan_out(
    tx: &mut WriteTx,
    event: &Event,
    player_id: Option<&str>,
    body: &str,
    only: Option<&str>,
) -> sqlx::Result<usize> {
    // The endpoints with the account's master toggle, in one statement:
    // this runs in every event's write turn.
    let endpoints = sqlx::query_as::<_, FanOutRow>(concat!(
        "select ep.id, ep.events, ep.ordered, ws.enabled as webhooks_on, ",
        target_columns!(),
        " from webhook_endpoints ep \
         left join webhook_settings ws on ws.account_id = ep.account_id where ep.account_id = $1"
    ))
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
    let mut queued = false;
    for row in endpoints {
        let FanOutRow {
            id,
            events,
            ordered,
            webhooks_on,
            enabled,
            disabled_reason,
            target,
        } = row;
        let wanted = match only {
            Some(only) => only == id,
            None => subscribes(&events, event.event_type.as_str()),
        };
        if !wanted {
            continue;
        }
        let skipped = if !webhooks_on.is_some_and(bool::from) {
            Some(SKIPPED_WEBHOOKS_OFF.to_owned())
        } else if !bool::from(enabled) {
            Some(skipped_endpoint_disabled(disabled_reason.as_deref()))
        } else {
            None
        };
        // The test event is sent at once by its request: it neither waits
        // for, nor holds back, the endpoint's other deliveries.
        let order_key = (ordered.0 && only.is_none()).then(|| player_id.unwrap_or_default());
        // Handed to this process's workers as it commits, already claimed
        // (attempt 1, leased), when they have room; otherwise queued. A
        // delivery to an ordered endpoint always goes through the claim,
        // which alone knows whether an earlier one holds it back.
        let handed = match (only, &skipped, order_key) {
            (None, None, None) => tx.reserve_handoff(event.created_at),
            _ => None,
        };
        let delivery_id = new_id("dlv");
        let (status, attempts, next_attempt_at) = match (&skipped, &handed) {
            (Some(_), _) => (DeliveryStatus::Skipped, 0_i64, None),
            (None, Some((_, lease_end))) => (DeliveryStatus::Pending, 1, Some(*lease_end)),
            (None, None) => (DeliveryStatus::Pending, 0, Some(due)),
        };
        sqlx::query(
            "insert into deliveries (id, account_id, endpoint_id, event_id, event_type, status, \
             attempts, next_attempt_at, last_error, sequence, order_key, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&delivery_id)
        .bind(&event.account_id)
        .bind(&id)
        .bind(&event.id)
        .bind(Stored(event.event_type))
        .bind(Stored(status))
        .bind(attempts)
        .bind(next_attempt_at)
        .bind(skipped)
        .bind(event.sequence)
        .bind(order_key)
        .bind(event.created_at)
        .execute(&mut **tx)
        .await?;
        if status != DeliveryStatus::Pending {
            continue;
        }
        pending += 1;
        match handed {
            Some((place, _)) => {
                let delivery = Claimed {
                    id: delivery_id,
                    attempt: 1,
                    failures: 0,
                    account_id: event.account_id.clone(),
                    endpoint: target.target(event.created_at)?,
                    endpoint_id: id,
                    event_id: event.id.clone(),
                    payload: body.to_owned(),
                    event_created_at: event.created_at,
                    webhooks_enabled: true,
                    ordered: false,
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
    Ok(pending)
}

/// An endpoint of the event's account with the account's master toggle,
/// as [`fan_out`] reads it.
#[derive(sqlx::FromRow)]
struct FanOutRow {
    id: String,
    events: String,
    ordered: Flag,
    /// NULL when the account has no settings row: off.
    webhooks_on: Option<Flag>,
    enabled: Flag,
    disabled_reason: Option<String>,
    #[sqlx(flatten)]
    target: TargetRow,
}

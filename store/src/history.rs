//! The retention clean-up of delivery history: old finished deliveries
//! with their attempts, and the events no delivery needs any more.

use super::Store;
use adact_domain::time::id_bound;

/// Deletes finished deliveries (with their attempts) and events created
/// before `cutoff_ms`, 1,000 rows a statement. Returns deliveries deleted.
pub async fn delete_before(store: &Store, cutoff_ms: i64) -> sqlx::Result<u64> {
    // ULIDs start with the creation time, so an id made at the cutoff
    // bounds every older row by primary key: no scan of recent history.
    let bound = |prefix: &str| id_bound(prefix, cutoff_ms);
    let mut deleted = 0;
    loop {
        let n = store
            .write(
                sqlx::query(
                    "delete from deliveries where id in (select id from deliveries where id < $1 \
             and status <> 'pending' order by id limit 1000)",
                )
                .bind(bound("dlv")),
            )
            .await?
            .rows_affected();
        deleted += n;
        if n < 1000 {
            break;
        }
    }
    loop {
        let n = store.write(sqlx::query(
            "delete from events where seq in (select seq from events where id < $1 and not exists \
             (select 1 from deliveries d where d.event_id = events.id) order by seq limit 1000)",
        )
        .bind(bound("evt"))
        )
        .await?
        .rows_affected();
        if n < 1000 {
            break;
        }
    }
    Ok(deleted)
}

/// Deletes the rows of play sessions that registered but never played,
/// once their token has expired (`created_at` before `cutoff_ms`): no step
/// can reach them again. Played rows stay: they are the play history and
/// count against play limits.
pub async fn delete_unplayed_before(store: &Store, cutoff_ms: i64) -> sqlx::Result<u64> {
    let mut deleted = 0;
    loop {
        let n = store
            .write(
                sqlx::query(
                    "delete from plays where id in (select id from plays where played_at is null \
             and created_at < $1 limit 1000)",
                )
                .bind(cutoff_ms),
            )
            .await?
            .rows_affected();
        deleted += n;
        if n < 1000 {
            return Ok(deleted);
        }
    }
}

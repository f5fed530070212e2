//! The campaigns' numbers, every few seconds: the views this server
//! counted in memory are added to their hours' rows, and (PostgreSQL) the
//! steps' appended counts are folded into them (see `store::stats`). The
//! server flushes once more after it stopped answering, so a graceful stop
//! loses no view; a crash loses at most the views of one interval.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use adact_store::Store;

/// How many appended step counts one fold takes, and how many folds one
/// flush runs at most (the rest waits for the next).
const FOLD_BATCH: i64 = 10_000;
const FOLD_ROUNDS: usize = 20;

/// Flushes every `interval` until `shutdown`.
pub async fn flush_every(store: Store, interval: Duration, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            () = shutdown.cancelled() => return,
        }
        flush(&store).await;
    }
}

/// Writes the views counted so far and folds the steps' counts.
pub async fn flush(store: &Store) {
    if let Err(err) = store.flush_views().await {
        tracing::warn!(%err, "writing view counts failed; they are kept for the next flush");
    }
    if let Err(err) = store.fold_step_counts(FOLD_BATCH, FOLD_ROUNDS).await {
        tracing::warn!(%err, "folding step counts failed; reads still count them");
    }
}

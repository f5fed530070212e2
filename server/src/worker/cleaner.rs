//! The history's retention, hourly: delivery history older than the
//! retention period, and play sessions that never played once their token
//! has expired.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use adact_domain::{session::SESSION_LIFETIME_MS, time::now_ms};
use adact_store::{Store, history};

/// Deletes delivery history older than `retention`, a bounded batch at a
/// time along the primary key (ids sort by time), hourly.
pub async fn clean_history(store: Store, retention: Duration, shutdown: CancellationToken) {
    loop {
        match history::delete_before(
            &store,
            now_ms() - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX / 2),
        )
        .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "removed old webhook history"),
            Err(err) => tracing::error!(%err, "cleaning webhook history failed"),
        }
        match history::delete_unplayed_before(&store, now_ms() - SESSION_LIFETIME_MS).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "removed expired sessions that never played"),
            Err(err) => tracing::error!(%err, "cleaning expired sessions failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(3600)) => {},
            () = shutdown.cancelled() => return,
        }
    }
}

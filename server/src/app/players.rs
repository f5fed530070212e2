//! Players for the marketer: erasing one on request (GDPR/CCPA erasure),
//! how long an account keeps them, and the daily job that erases those
//! kept longer.

use adact_wire::ErrorCode;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::app::Result;
use adact_domain::{
    Error,
    account::Account,
    events::{ErasedPlayer, ErasureReason, EventAccount, EventData, PlayerDeletedData},
    time::now_ms,
};
use adact_store::{Store, WriteTx, outbox, players};

/// The longest an account may keep players, in days: ten years.
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// Erases the account's player `id` from everything Adact holds (see
/// `store::players::erase`) and records `player.deleted`, in one
/// transaction. A player already erased, or of another account, is 404.
pub async fn erase(store: &Store, account: &Account, id: &str) -> Result<()> {
    let (account, id) = (account.clone(), id.to_owned());
    store
        .transact(move |tx| {
            Box::pin(async move { erase_in(tx, &account, &id, ErasureReason::Request).await })
        })
        .await
}

async fn erase_in(
    tx: &mut WriteTx,
    account: &Account,
    id: &str,
    reason: ErasureReason,
) -> Result<()> {
    let player = players::lock_player(tx, &account.id, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    players::erase(tx, &account.id, id).await?;
    let data = PlayerDeletedData {
        account: EventAccount::of(account),
        player: ErasedPlayer {
            id: player.id,
            external_id: player.external_id,
        },
        reason,
    };
    outbox::record(tx, &account.id, EventData::PlayerDeleted(data)).await?;
    Ok(())
}

pub fn not_found(id: &str) -> Error {
    Error::not_found(
        ErrorCode::PlayerNotFound,
        format!("No player {id:?} in this account: never seen, or erased."),
    )
}

/// Sets how many days the account keeps a player after their last
/// registration; `None`: forever.
pub async fn set_retention(store: &Store, account_id: &str, days: Option<i64>) -> Result<()> {
    if let Some(days) = days
        && !(1..=MAX_RETENTION_DAYS).contains(&days)
    {
        return Err(Error::invalid(
            "days",
            format!("must be between 1 and {MAX_RETENTION_DAYS}, or null to keep players forever"),
        )
        .into());
    }
    store
        .write(
            sqlx::query("update accounts set player_retention_days = $1 where id = $2")
                .bind(days)
                .bind(account_id.to_owned()),
        )
        .await?;
    Ok(())
}

/// How many expired players the retention job reads at a time.
const RETENTION_BATCH: i64 = 100;

/// Erases, for every account that keeps players a number of days, those
/// last registered longer ago, each with its `player.deleted` (`reason:
/// retention`). Each player is a transaction of its own, a few
/// milliseconds long, so that the public steps' writes go on between them.
/// Answers how many.
pub async fn apply_retention(store: &Store) -> Result<u64> {
    let mut conn = store.pool().acquire().await?;
    let retentions = players::retentions(&mut conn).await?;
    drop(conn);
    let mut erased = 0;
    for (account, days) in retentions {
        let before = now_ms() - days * 86_400_000;
        loop {
            let mut conn = store.pool().acquire().await?;
            let ids = players::expired(&mut conn, &account.id, before, RETENTION_BATCH).await?;
            drop(conn);
            if ids.is_empty() {
                break;
            }
            for id in ids {
                let account = account.clone();
                let done = store
                    .transact(move |tx| {
                        Box::pin(async move {
                            // Registered again since it was read: kept.
                            match players::lock_player(tx, &account.id, &id).await? {
                                Some(player) if player.updated_at < before => {}
                                _ => return Ok::<_, crate::app::Error>(false),
                            }
                            erase_in(tx, &account, &id, ErasureReason::Retention).await?;
                            Ok(true)
                        })
                    })
                    .await?;
                erased += u64::from(done);
            }
        }
    }
    Ok(erased)
}

/// Runs [`apply_retention`] at start and every `period` until shutdown.
pub async fn retain(store: Store, period: Duration, shutdown: CancellationToken) {
    loop {
        match apply_retention(&store).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(erased = n, "erased players past their account's retention"),
            Err(err) => tracing::error!(%err, "erasing players past retention failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(period) => {},
            () = shutdown.cancelled() => return,
        }
    }
}

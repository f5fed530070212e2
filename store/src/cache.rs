//! What a render reads, kept in memory: the account by embed key, and a
//! segment title's segment and campaign (or that there is none). Every
//! change of an account, campaign or segment calls [`Store::changed`],
//! which drops the account's entries here and, on PostgreSQL, tells the
//! other replicas with a NOTIFY (see [`relay_invalidations`]). Entries live
//! at most the TTL (`--cache-ttl`), so a replica that missed a
//! notification is stale for no longer than that.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio_util::sync::CancellationToken;

use super::{Store, WriteTx};
use adact_domain::{
    account::Account,
    campaign::Campaign,
    segment::{Segment, title_key},
};

/// The NOTIFY channel of cache invalidations; the payload is an account id.
pub const CHANNEL: &str = "adact_cache";

/// How long an entry lives by default: the staleness bound when a
/// notification is missed (`--cache-ttl`).
pub const DEFAULT_TTL: Duration = Duration::from_secs(10);

/// A segment title's segment and its campaign (by the title's key).
pub type Resolved = Option<Arc<(Segment, Campaign)>>;

/// At most this many entries of each kind: a flood of unknown titles or
/// keys evicts the least used, it does not grow memory.
const CAPACITY: u64 = 100_000;

#[derive(Debug)]
pub struct Cache {
    accounts: moka::sync::Cache<String, Option<Arc<Account>>>,
    segments: moka::sync::Cache<(String, String), Resolved>,
    /// Bumped by every invalidation: a read that began before one does not
    /// store what it read, which may be older than the change.
    epoch: AtomicU64,
}

impl Cache {
    pub fn new(ttl: Duration) -> Self {
        fn build<K, V>(ttl: Duration) -> moka::sync::CacheBuilder<K, V, moka::sync::Cache<K, V>>
        where
            K: std::hash::Hash + Eq + Send + Sync + 'static,
            V: Clone + Send + Sync + 'static,
        {
            moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .support_invalidation_closures()
        }
        Self {
            accounts: build(ttl).build(),
            segments: build(ttl).build(),
            epoch: AtomicU64::new(0),
        }
    }

    /// Drops what is cached about the account.
    pub fn invalidate(&self, account_id: &str) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        let id = account_id.to_owned();
        let owned =
            move |_: &String, a: &Option<Arc<Account>>| a.as_ref().is_some_and(|a| a.id == id);
        let id = account_id.to_owned();
        let segments = move |(account, _): &(String, String), _: &Resolved| *account == id;
        // Only fails when closures are not enabled, which `new` does.
        let _ = self.accounts.invalidate_entries_if(owned);
        let _ = self.segments.invalidate_entries_if(segments);
    }

    /// Drops everything: after missing notifications.
    pub fn invalidate_all(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.accounts.invalidate_all();
        self.segments.invalidate_all();
    }
}

impl Store {
    /// The account whose embed key is `key`, from memory when it can.
    pub async fn cached_account_by_embed_key(
        &self,
        key: &str,
    ) -> sqlx::Result<Option<Arc<Account>>> {
        let cache = &self.cache;
        if let Some(hit) = cache.accounts.get(key) {
            return Ok(hit);
        }
        let epoch = cache.epoch.load(Ordering::Acquire);
        let account = self.account_by_embed_key(key).await?.map(Arc::new);
        if cache.epoch.load(Ordering::Acquire) == epoch {
            cache.accounts.insert(key.to_owned(), account.clone());
        }
        Ok(account)
    }

    /// The segment titled `title` (ignoring case and surrounding spaces)
    /// and its campaign, from memory when it can. Cached by the title's key,
    /// so every spelling of one title is one entry.
    pub async fn cached_segment_with_campaign(
        &self,
        account_id: &str,
        title: &str,
    ) -> sqlx::Result<Resolved> {
        let cache = &self.cache;
        let key = (account_id.to_owned(), title_key(title));
        if let Some(hit) = cache.segments.get(&key) {
            return Ok(hit);
        }
        let epoch = cache.epoch.load(Ordering::Acquire);
        let resolved = self
            .segment_with_campaign(account_id, title)
            .await?
            .map(Arc::new);
        if cache.epoch.load(Ordering::Acquire) == epoch {
            cache.segments.insert(key, resolved.clone());
        }
        Ok(resolved)
    }

    /// Call after committing any change to the account, its campaigns or
    /// its segments: this replica forgets at once, the others on
    /// PostgreSQL when the notification reaches them. A change made in a
    /// [`WriteTx`] says so in it instead ([`WriteTx::changed`]).
    pub async fn changed(&self, account_id: &str) {
        self.forget(account_id);
        if self.backend.notifies()
            && let Err(err) = notify(self.pool(), account_id).await
        {
            // The change is saved; other replicas see it within the TTL.
            tracing::warn!(%err, "could not notify other replicas of a change");
        }
    }

    /// Drops what this replica cached about the account.
    pub fn forget(&self, account_id: &str) {
        self.cache.invalidate(account_id);
    }
}

impl WriteTx {
    /// Says that this transaction changes the account, its campaigns or its
    /// segments: the other replicas (PostgreSQL) are notified with the
    /// commit, at no extra round trip, and this one forgets once it commits.
    pub async fn changed(&mut self, account_id: &str) -> sqlx::Result<()> {
        if self.backend.notifies() {
            notify(&mut **self, account_id).await?;
        }
        let (cache, account_id) = (self.cache.clone(), account_id.to_owned());
        self.after_commit(move || cache.invalidate(&account_id));
        Ok(())
    }
}

async fn notify<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    account_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("select pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(account_id)
        .execute(executor)
        .await?;
    Ok(())
}

/// On PostgreSQL: drops what other replicas changed, as they say so. When
/// the connection drops (and notifications may have been missed), drops
/// everything and listens again.
pub async fn relay_invalidations(store: Store, shutdown: CancellationToken) {
    loop {
        let listened = tokio::select! {
            result = listen(&store) => result,
            () = shutdown.cancelled() => return,
        };
        if let Err(err) = listened {
            tracing::warn!(%err, "listening for cache invalidations failed; retrying");
        }
        store.cache.invalidate_all();
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {},
            () = shutdown.cancelled() => return,
        }
    }
}

async fn listen(store: &Store) -> sqlx::Result<()> {
    let mut listener = sqlx::postgres::PgListener::connect(store.url()).await?;
    listener.listen(CHANNEL).await?;
    // Changes made while we were not listening.
    store.cache.invalidate_all();
    // `try_recv` answers `None` when the connection was lost.
    while let Some(notification) = listener.try_recv().await? {
        store.cache.invalidate(notification.payload());
    }
    Ok(())
}

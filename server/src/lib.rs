//! Adact: interactive marketing campaigns embedded in any page, with every
//! player action delivered as a signed webhook.
//!
//! [`run`] serves the whole application on a listener the caller bound, so
//! tests can start it on port 0; `main` is a thin wrapper around it.
//!
//! The modules are layers whose imports point one way (docs/architecture.md
//! draws them; `tests::layers` checks it): `http` → `app` → `store` →
//! `domain`, and `worker` → `store`. `config` is read by all of them.

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub mod app;
pub mod config;
pub mod http;
pub mod metrics;
pub mod net;
pub mod worker;

use std::sync::Arc;

use adact_store::{Store, queue::Completion};
use futures_util::future::BoxFuture;

use crate::{
    app::{accounts, webhooks::Courier},
    config::Config,
    http::AppState,
    metrics::Metrics,
    worker::Dispatcher,
};

/// Connects to the database, migrates it, creates the first account when it
/// is empty, and serves until `shutdown` is cancelled.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let store = Store::open(
        &config.database_url,
        config.db_max_connections,
        config.cache_ttl,
    )
    .await?;
    if let Some(credentials) = accounts::first_account(&store, &config).await? {
        println!("{}", credentials.announcement());
    }
    let demo_key = if config.demo {
        Some(app::demo::seed_demo(&store).await?.embed_key)
    } else {
        None
    };
    if config.allow_private_endpoints {
        tracing::warn!(
            "--allow-private-endpoints is on: webhooks may target http and private addresses. \
             Use it for development and tests only."
        );
    }
    http::assets::warn_if_embed_missing(config.www_dir.as_deref());

    let (state, dispatcher) = assemble(store.clone(), &config, demo_key.as_deref())?;
    let dispatcher = tokio::spawn(dispatcher.run(shutdown.clone()));
    let cleaner = tokio::spawn(worker::cleaner::clean_history(
        store.clone(),
        config.webhooks.retention,
        shutdown.clone(),
    ));
    // Players past their account's retention are erased daily.
    let retention = tokio::spawn(app::players::retain(
        store.clone(),
        std::time::Duration::from_secs(86_400),
        shutdown.clone(),
    ));
    let stats = tokio::spawn(worker::stats::flush_every(
        store.clone(),
        config.stats_flush_interval,
        shutdown.clone(),
    ));
    let invalidations = store.backend().notifies().then(|| {
        tokio::spawn(adact_store::cache::relay_invalidations(
            store.clone(),
            shutdown.clone(),
        ))
    });
    let app = http::app(state, &config);
    let addr = listener.local_addr()?;
    println!("Adact is listening on http://{addr}");
    if config.demo {
        println!("Demo page: http://{addr}/");
    }
    tracing::info!(%addr, "listening");
    // The peer address: rate limits count per client.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.clone().cancelled_owned())
    .await?;
    // The workers stop claiming at once; attempts in flight finish and are
    // written before the database closes.
    shutdown.cancel();
    let _ = tokio::join!(dispatcher, cleaner, retention, stats);
    // Every request is answered: the last views counted are written.
    worker::stats::flush(&store).await;
    if let Some(invalidations) = invalidations {
        let _ = invalidations.await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}
/// The HTTP state and the webhook workers it asks through `app`, wired:
/// the one place where `app` and `worker` meet.
pub fn assemble(
    store: Store,
    config: &Config,
    demo_embed_key: Option<&str>,
) -> anyhow::Result<(AppState, Dispatcher)> {
    let metrics = Metrics::default();
    let dispatcher = Dispatcher::new(
        store.clone(),
        &config.webhooks,
        config.allow_private_endpoints,
        metrics.clone(),
    )?;
    let courier = Arc::new(dispatcher.clone());
    let state = AppState::new(store, config, demo_embed_key, courier, metrics)?;
    Ok((state, dispatcher))
}

impl Courier for Dispatcher {
    fn wake(&self) {
        Dispatcher::wake(self);
    }

    fn deliver_now<'a>(
        &'a self,
        delivery_id: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Completion>>> {
        Box::pin(Dispatcher::deliver_now(self, delivery_id))
    }
}

#[cfg(test)]
mod layers;
#[cfg(test)]
mod tests;

//! Webhook settings, endpoints, the test event and resends.

use adact_wire::ErrorCode;
use std::fmt;

use adact_domain::{
    Error,
    account::Account,
    etag::{self, Precondition},
    events::{Event, EventData, WebhookTestData},
    time::now_ms,
    webhook::{
        DEFAULT_TIMEOUT_MS, Endpoint, EndpointChanges, EndpointFields, Headers, Settings, address,
        check_events, check_recover_since, retire, signing,
    },
};
use adact_store::{Store, WriteTx, endpoints, outbox, queue::Completion};
use futures_util::future::BoxFuture;

use crate::{app::Result, net};

/// The webhook workers, as the use cases ask them: to look for deliveries
/// queued now, or to send one at once. The server's root hands the
/// dispatcher in as one (`lib.rs`), so `app` and `worker` know nothing of
/// each other.
pub trait Courier: fmt::Debug + Send + Sync {
    /// Deliveries may be due now: idle workers look at once.
    fn wake(&self);
    /// Sends one delivery now and returns its completion, written; none
    /// when no worker may take it (another holds it).
    fn deliver_now<'a>(
        &'a self,
        delivery_id: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Completion>>>;
}

pub async fn settings(store: &Store, account_id: &str) -> Result<Settings> {
    Ok(Settings {
        enabled: store.webhooks_enabled(account_id).await?,
        primary: store.primary_endpoint(account_id).await?,
    })
}

/// Saves the guide's settings: sets the master switch, which needs an
/// endpoint to turn on, and creates the main endpoint with a `url` or
/// updates its URL and `events` with those given. The switch only
/// stops or resumes sending: without a `url` the main endpoint and its
/// secret stay as they are, and nothing here deletes an endpoint (that is
/// `DELETE /api/v1/webhooks/endpoints/{id}`). Refused when the settings,
/// as the transaction reads them (locked), no longer meet `precondition`.
pub async fn save_settings(
    store: &Store,
    account_id: &str,
    enabled: bool,
    url: Option<String>,
    events: Option<Vec<String>>,
    allow_private: bool,
    precondition: Option<Precondition>,
) -> Result<Settings> {
    let events = events.map(check_events).transpose()?;
    let url = match url.as_deref().map(str::trim) {
        Some("") => {
            return Err(Error::invalid(
                "url",
                "must not be empty: to stop sending, turn Enable Webhooks off; to remove the \
                 main endpoint, delete it",
            )
            .into());
        }
        Some(url) => Some(check_url(url, allow_private).await?),
        None => None,
    };
    let account_id = account_id.to_owned();
    store
        .transact(move |tx| {
            Box::pin(async move {
                endpoints::lock_settings(tx, &account_id).await?;
                let current = settings_in(tx, &account_id).await?;
                etag::check(precondition.as_ref(), &current.etag(), "webhook settings")?;
                save_settings_in(tx, &account_id, enabled, url, events).await?;
                Ok(settings_in(tx, &account_id).await?)
            })
        })
        .await
}

/// The settings as the transaction `tx` reads them.
async fn settings_in(tx: &mut WriteTx, account_id: &str) -> sqlx::Result<Settings> {
    Ok(Settings {
        enabled: endpoints::webhooks_enabled(tx, account_id).await?,
        primary: endpoints::primary_endpoint(tx, account_id).await?,
    })
}

/// [`save_settings`] in its transaction, with `url` and `events` checked.
async fn save_settings_in(
    tx: &mut WriteTx,
    account_id: &str,
    enabled: bool,
    url: Option<String>,
    events: Option<Vec<String>>,
) -> Result<()> {
    match (url, endpoints::primary_endpoint(tx, account_id).await?) {
        (None, _) if events.is_none() => {}
        (url, Some(existing)) => {
            let fields = EndpointFields {
                // Saving its URL turns the main endpoint on again.
                enabled: url.is_some() || existing.enabled,
                url: url.unwrap_or_else(|| existing.url.clone()),
                description: existing.description.clone(),
                events: events.unwrap_or_else(|| existing.events.clone()),
                timeout_ms: existing.timeout_ms,
                headers: existing.headers.clone(),
                ordered: existing.ordered,
            };
            endpoints::update_endpoint(tx, account_id, &existing.id, &fields).await?;
        }
        (Some(url), None) => {
            let fields = EndpointFields {
                url,
                description: "Set in Webhooks settings".into(),
                events: events.unwrap_or_else(|| vec!["*".into()]),
                enabled: true,
                timeout_ms: DEFAULT_TIMEOUT_MS,
                headers: Headers::new(),
                ordered: false,
            };
            let secret = signing::new_secret();
            endpoints::insert_endpoint(tx, account_id, &fields, true, &secret).await?;
        }
        // Events but no endpoint to receive them: the settings view shows
        // the default filter until a URL is saved.
        (None, None) => {}
    }
    if enabled && endpoints::list_endpoints(tx, account_id).await?.is_empty() {
        return Err(Error::invalid("url", "An endpoint URL is needed to enable webhooks.").into());
    }
    endpoints::set_webhooks_enabled(tx, account_id, enabled).await?;
    Ok(())
}

pub async fn create_endpoint(
    store: &Store,
    account_id: &str,
    changes: EndpointChanges,
    allow_private: bool,
) -> Result<Endpoint> {
    let fields = checked_url(changes, allow_private).await?.apply(None)?;
    let secret = signing::new_secret();
    let account_id = account_id.to_owned();
    store
        .transact(move |tx| {
            Box::pin(async move {
                Ok(endpoints::insert_endpoint(tx, &account_id, &fields, false, &secret).await?)
            })
        })
        .await
}

/// Applies the changes to the endpoint as its transaction reads it
/// (locked: concurrent edits apply one after another, none lost), if it
/// still meets `precondition`.
pub async fn update_endpoint(
    store: &Store,
    account_id: &str,
    id: &str,
    changes: EndpointChanges,
    allow_private: bool,
    precondition: Option<Precondition>,
) -> Result<Endpoint> {
    let changes = checked_url(changes, allow_private).await?;
    let (account_id, id) = (account_id.to_owned(), id.to_owned());
    store
        .transact(move |tx| {
            Box::pin(async move {
                let current = endpoint_in(tx, &account_id, &id).await?;
                etag::check(precondition.as_ref(), &current.etag(), "webhook endpoint")?;
                let fields = changes.apply(Some(&current))?;
                endpoints::update_endpoint(tx, &account_id, &id, &fields)
                    .await?
                    .ok_or_else(|| endpoint_not_found(&id).into())
            })
        })
        .await
}

/// Deletes the endpoint, unless it no longer meets `precondition`.
pub async fn delete_endpoint(
    store: &Store,
    account_id: &str,
    id: &str,
    precondition: Option<Precondition>,
) -> Result<()> {
    let (account_id, id) = (account_id.to_owned(), id.to_owned());
    store
        .transact(move |tx| {
            Box::pin(async move {
                if let Some(precondition) = &precondition {
                    let current = endpoint_in(tx, &account_id, &id).await?;
                    etag::check(Some(precondition), &current.etag(), "webhook endpoint")?;
                }
                if endpoints::delete_endpoint(tx, &account_id, &id).await? {
                    Ok(())
                } else {
                    Err(endpoint_not_found(&id).into())
                }
            })
        })
        .await
}

/// A new signing secret; the replaced one keeps signing beside it for 24
/// hours, as do those replaced before it less than 24 hours ago.
pub async fn rotate_secret(store: &Store, account_id: &str, id: &str) -> Result<Endpoint> {
    let secret = signing::new_secret();
    let (account_id, id) = (account_id.to_owned(), id.to_owned());
    store
        .transact(move |tx| {
            Box::pin(async move {
                let current = endpoint_in(tx, &account_id, &id).await?;
                let retired = retire(current.secret, current.retired_secrets, now_ms());
                endpoints::replace_secret(tx, &account_id, &id, &secret, &retired).await?;
                endpoint_in(tx, &account_id, &id).await
            })
        })
        .await
}

/// The account's endpoint with this id.
pub async fn endpoint(store: &Store, account_id: &str, id: &str) -> Result<Endpoint> {
    store
        .endpoint(account_id, id)
        .await?
        .ok_or_else(|| endpoint_not_found(id).into())
}

/// A test event and its attempt.
#[derive(Debug)]
pub struct TestSent {
    pub endpoint: Endpoint,
    pub event: Event,
    /// None when the endpoint does not take it.
    pub delivery_id: Option<String>,
    /// The attempt, written; none when it was not sent.
    pub completion: Option<Completion>,
}

/// Records a `webhook.test` event for one endpoint (by default the main
/// one, else the first), queues its delivery to that endpoint alone, and
/// sends it at once.
pub async fn send_test(
    store: &Store,
    courier: &dyn Courier,
    account: &Account,
    endpoint_id: Option<&str>,
) -> Result<TestSent> {
    let endpoint = match endpoint_id {
        Some(id) => endpoint(store, &account.id, id).await?,
        None => match store.primary_endpoint(&account.id).await? {
            Some(endpoint) => endpoint,
            None => store
                .list_endpoints(&account.id)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| {
                    Error::not_found(
                        ErrorCode::EndpointNotFound,
                        "There is no webhook endpoint to test: set one up first.",
                    )
                })?,
        },
    };
    if !store.webhooks_enabled(&account.id).await? {
        return Err(Error::State {
            code: ErrorCode::WebhooksDisabled,
            message: "Webhooks are disabled: turn on Enable Webhooks to send a test event.".into(),
        }
        .into());
    }
    if !endpoint.enabled {
        return Err(Error::State {
            code: ErrorCode::EndpointDisabled,
            message: format!(
                "The endpoint is disabled{}: enable it to send a test event.",
                endpoint
                    .disabled_reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
        }
        .into());
    }
    let data = WebhookTestData::new(account, &endpoint.id, &endpoint.url);
    let (account_id, endpoint_id) = (account.id.clone(), endpoint.id.clone());
    let event = store
        .transact(move |tx| {
            Box::pin(async move {
                outbox::record_for(
                    tx,
                    &account_id,
                    EventData::WebhookTest(data),
                    Some(&endpoint_id),
                )
                .await
            })
        })
        .await?;
    let delivery_id = store.delivery_id_for(&event.id, &endpoint.id).await?;
    let completion = match &delivery_id {
        Some(id) => courier.deliver_now(id).await?,
        None => None,
    };
    Ok(TestSent {
        endpoint,
        event,
        delivery_id,
        completion,
    })
}

/// Queues a delivery again, now, with a fresh retry schedule.
pub async fn resend(
    store: &Store,
    courier: &dyn Courier,
    account_id: &str,
    id: &str,
) -> Result<()> {
    if !store.resend_delivery(account_id, id).await? {
        return Err(delivery_not_found(id).into());
    }
    courier.wake();
    Ok(())
}

/// Queues every failed delivery created since `since_ms` again; returns how
/// many.
pub async fn resend_failed(
    store: &Store,
    courier: &dyn Courier,
    account_id: &str,
    since_ms: i64,
) -> Result<u64> {
    let queued = store.resend_failed(account_id, since_ms).await?;
    courier.wake();
    Ok(queued)
}

/// Queues the endpoint's deliveries skipped since `since_ms` (made while
/// webhooks were off or the endpoint disabled) to be sent now; returns how
/// many. Refused while webhooks or the endpoint are still off: they would
/// only be skipped again.
pub async fn recover(
    store: &Store,
    courier: &dyn Courier,
    account_id: &str,
    endpoint_id: &str,
    since_ms: i64,
    retention: std::time::Duration,
) -> Result<u64> {
    let retention_ms = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    check_recover_since(since_ms, now_ms(), retention_ms)?;
    let endpoint = endpoint(store, account_id, endpoint_id).await?;
    if !store.webhooks_enabled(account_id).await? {
        return Err(Error::State {
            code: ErrorCode::WebhooksDisabled,
            message: "Webhooks are disabled: turn on Enable Webhooks before recovering events, \
                      or they would be skipped again."
                .into(),
        }
        .into());
    }
    if !endpoint.enabled {
        return Err(Error::State {
            code: ErrorCode::EndpointDisabled,
            message: "The endpoint is disabled: enable it before recovering its events, or they \
                      would be skipped again."
                .into(),
        }
        .into());
    }
    let queued = store
        .recover_skipped(account_id, endpoint_id, since_ms)
        .await?;
    courier.wake();
    Ok(queued)
}

/// The account's endpoint with this id, as its transaction reads it
/// (locked).
async fn endpoint_in(tx: &mut WriteTx, account_id: &str, id: &str) -> Result<Endpoint> {
    endpoints::lock_endpoint(tx, account_id, id)
        .await?
        .ok_or_else(|| endpoint_not_found(id).into())
}

pub fn endpoint_not_found(id: &str) -> Error {
    Error::not_found(
        ErrorCode::EndpointNotFound,
        format!("No webhook endpoint has the id {id:?}."),
    )
}

pub fn delivery_not_found(id: &str) -> Error {
    Error::not_found(
        ErrorCode::DeliveryNotFound,
        format!("No delivery has the id {id:?}."),
    )
}

/// The changes, with a new URL checked against private addresses (before
/// any transaction: it may ask the DNS).
async fn checked_url(mut changes: EndpointChanges, allow_private: bool) -> Result<EndpointChanges> {
    if let Some(url) = changes.url.take() {
        changes.url = Some(check_url(url.trim(), allow_private).await?);
    }
    Ok(changes)
}

/// An endpoint URL as allowed: `https`, not resolving to a private address
/// (unless private endpoints are allowed).
async fn check_url(url: &str, allow_private: bool) -> Result<String> {
    let parsed = address::check_url(url, allow_private).map_err(|m| Error::invalid("url", m))?;
    net::check_resolves(&parsed, allow_private)
        .await
        .map_err(|m| Error::invalid("url", format!("is not allowed: {m}")))?;
    Ok(url.to_owned())
}

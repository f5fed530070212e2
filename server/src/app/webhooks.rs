//! Webhook settings, endpoints, the test event and resends.

use crate::{
    app::Result,
    domain::{
        Error,
        account::Account,
        events::{Event, EventType, test_data},
        webhook::{
            DEFAULT_TIMEOUT_MS, Endpoint, EndpointChanges, EndpointFields, ROTATION_OVERLAP_MS,
            check_events,
        },
    },
    store::{Store, outbox},
    worker::{signing, ssrf},
};

/// The guide's single view of the settings, as saved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub enabled: bool,
    pub primary: Option<Endpoint>,
}

pub async fn settings(store: &Store, account_id: &str) -> Result<Settings> {
    Ok(Settings {
        enabled: store.webhooks_enabled(account_id).await?,
        primary: store.primary_endpoint(account_id).await?,
    })
}

/// Saves the guide's settings: creates, updates or (without `url`) deletes
/// the main endpoint, and sets the master switch, which needs an endpoint
/// to turn on.
pub async fn save_settings(
    store: &Store,
    account_id: &str,
    enabled: bool,
    url: Option<String>,
    events: Option<Vec<String>>,
    allow_private: bool,
) -> Result<Settings> {
    let events = check_events(events.unwrap_or_else(|| vec!["*".into()]))?;
    let url = url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    let primary = store.primary_endpoint(account_id).await?;
    match (url, primary) {
        (Some(url), primary) => {
            let url = check_url(&url, allow_private).await?;
            let fields = |existing: Option<&Endpoint>| EndpointFields {
                url: url.clone(),
                description: existing.map_or_else(
                    || "Set in Webhooks settings".into(),
                    |e| e.description.clone(),
                ),
                events: events.clone(),
                enabled: true,
                timeout_ms: existing.map_or(DEFAULT_TIMEOUT_MS, |e| e.timeout_ms),
            };
            match primary {
                Some(existing) => {
                    store
                        .update_endpoint(account_id, &existing.id, &fields(Some(&existing)))
                        .await?;
                }
                None => {
                    let secret = signing::new_secret();
                    store
                        .create_endpoint(account_id, &fields(None), true, &secret)
                        .await?;
                }
            }
        }
        (None, Some(existing)) => {
            store.delete_endpoint(account_id, &existing.id).await?;
        }
        (None, None) => {}
    }
    if enabled && store.list_endpoints(account_id).await?.is_empty() {
        return Err(Error::invalid("url", "An endpoint URL is needed to enable webhooks.").into());
    }
    store.set_webhooks_enabled(account_id, enabled).await?;
    settings(store, account_id).await
}

pub async fn create_endpoint(
    store: &Store,
    account_id: &str,
    changes: EndpointChanges,
    allow_private: bool,
) -> Result<Endpoint> {
    let fields = checked(changes, None, allow_private).await?;
    let secret = signing::new_secret();
    Ok(store
        .create_endpoint(account_id, &fields, false, &secret)
        .await?)
}

pub async fn update_endpoint(
    store: &Store,
    account_id: &str,
    id: &str,
    changes: EndpointChanges,
    allow_private: bool,
) -> Result<Endpoint> {
    let current = endpoint(store, account_id, id).await?;
    let fields = checked(changes, Some(&current), allow_private).await?;
    store
        .update_endpoint(account_id, id, &fields)
        .await?
        .ok_or_else(|| endpoint_not_found(id).into())
}

pub async fn delete_endpoint(store: &Store, account_id: &str, id: &str) -> Result<()> {
    if store.delete_endpoint(account_id, id).await? {
        Ok(())
    } else {
        Err(endpoint_not_found(id).into())
    }
}

/// A new signing secret; the old one keeps signing beside it for 24 hours.
pub async fn rotate_secret(store: &Store, account_id: &str, id: &str) -> Result<Endpoint> {
    let secret = signing::new_secret();
    store
        .rotate_secret(account_id, id, &secret, ROTATION_OVERLAP_MS)
        .await?
        .ok_or_else(|| endpoint_not_found(id).into())
}

/// The account's endpoint with this id.
pub async fn endpoint(store: &Store, account_id: &str, id: &str) -> Result<Endpoint> {
    store
        .endpoint(account_id, id)
        .await?
        .ok_or_else(|| endpoint_not_found(id).into())
}

/// Records a `webhook.test` event for one endpoint (by default the main
/// one, else the first) and queues its delivery to that endpoint alone.
/// Returns the endpoint, the event and its delivery's id (none when the
/// endpoint does not take it).
pub async fn record_test(
    store: &Store,
    account: &Account,
    endpoint_id: Option<&str>,
) -> Result<(Endpoint, Event, Option<String>)> {
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
                        "endpoint_not_found",
                        "There is no webhook endpoint to test: set one up first.",
                    )
                })?,
        },
    };
    if !store.webhooks_enabled(&account.id).await? {
        return Err(Error::State {
            code: "webhooks_disabled",
            message: "Webhooks are disabled: turn on Enable Webhooks to send a test event.".into(),
        }
        .into());
    }
    if !endpoint.enabled {
        return Err(Error::State {
            code: "endpoint_disabled",
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
    let mut tx = store.begin_write().await?;
    let data = test_data(account, &endpoint.id, &endpoint.url);
    let event = outbox::record_for(
        &mut tx,
        &account.id,
        EventType::WebhookTest,
        data,
        Some(&endpoint.id),
    )
    .await?;
    tx.commit().await?;
    let delivery_id = store.delivery_id_for(&event.id, &endpoint.id).await?;
    Ok((endpoint, event, delivery_id))
}

/// Queues a delivery again, now, with a fresh retry schedule.
pub async fn resend(store: &Store, account_id: &str, id: &str) -> Result<()> {
    if store.resend_delivery(account_id, id).await? {
        Ok(())
    } else {
        Err(delivery_not_found(id).into())
    }
}

/// Queues every failed delivery created since `since_ms` again; returns how
/// many.
pub async fn resend_failed(store: &Store, account_id: &str, since_ms: i64) -> Result<u64> {
    Ok(store.resend_failed(account_id, since_ms).await?)
}

pub fn endpoint_not_found(id: &str) -> Error {
    Error::not_found(
        "endpoint_not_found",
        format!("No webhook endpoint has the id {id:?}."),
    )
}

pub fn delivery_not_found(id: &str) -> Error {
    Error::not_found(
        "delivery_not_found",
        format!("No delivery has the id {id:?}."),
    )
}

/// The changes over `current`, with a new URL checked against private
/// addresses.
async fn checked(
    mut changes: EndpointChanges,
    current: Option<&Endpoint>,
    allow_private: bool,
) -> Result<EndpointFields> {
    if let Some(url) = changes.url.take() {
        changes.url = Some(check_url(url.trim(), allow_private).await?);
    }
    Ok(changes.apply(current)?)
}

/// An endpoint URL as allowed: `https`, not resolving to a private address
/// (unless private endpoints are allowed).
async fn check_url(url: &str, allow_private: bool) -> Result<String> {
    let parsed = ssrf::check_url(url, allow_private).map_err(|m| Error::invalid("url", m))?;
    ssrf::check_resolves(&parsed, allow_private)
        .await
        .map_err(|m| Error::invalid("url", format!("is not allowed: {m}")))?;
    Ok(url.to_owned())
}

//! Webhook settings (the master switch) and endpoints.

use std::time::Duration;

use sqlx::AnyConnection;

use super::{Store, dialect::Flag, from_json, to_json};
use adact_domain::{
    time::{new_id, now_ms},
    webhook::{Endpoint, EndpointFields, RetiredSecret},
};

/// The columns of [`EndpointRow`], of `webhook_endpoints` as `ep`.
macro_rules! endpoint_columns {
    () => {
        "ep.id, ep.url, ep.description, ep.events, ep.enabled, ep.disabled_reason, ep.secret, \
         ep.retired_secrets, ep.headers, ep.timeout_ms, ep.ordered, ep.failing_since, \
         ep.created_at, ep.updated_at"
    };
}

/// A row of `webhook_endpoints`, as [`endpoint_columns`] names it.
#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: String,
    url: String,
    description: String,
    events: String,
    enabled: Flag,
    disabled_reason: Option<String>,
    secret: String,
    retired_secrets: String,
    headers: String,
    timeout_ms: i64,
    ordered: Flag,
    failing_since: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<EndpointRow> for Endpoint {
    type Error = sqlx::Error;

    fn try_from(row: EndpointRow) -> sqlx::Result<Self> {
        Ok(Endpoint {
            id: row.id,
            url: row.url,
            description: row.description,
            events: row.events.split_whitespace().map(str::to_owned).collect(),
            enabled: row.enabled.into(),
            disabled_reason: row.disabled_reason,
            secret: row.secret,
            retired_secrets: from_json(&row.retired_secrets)?,
            headers: from_json(&row.headers)?,
            timeout_ms: row.timeout_ms,
            ordered: row.ordered.into(),
            failing_since: row.failing_since,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// `select` of an endpoint's columns from `webhook_endpoints ep`, then
/// `$condition`.
macro_rules! select_endpoint {
    ($condition:literal) => {
        concat!(
            "select ",
            endpoint_columns!(),
            " from webhook_endpoints ep ",
            $condition
        )
    };
}

/// The account's ($1) endpoint with the id $2.
const ENDPOINT: &str = select_endpoint!("where ep.account_id = $1 and ep.id = $2");

impl Store {
    pub async fn webhooks_enabled(&self, account_id: &str) -> sqlx::Result<bool> {
        webhooks_enabled(&mut *self.pool().acquire().await?, account_id).await
    }

    pub async fn list_endpoints(&self, account_id: &str) -> sqlx::Result<Vec<Endpoint>> {
        list_endpoints(&mut *self.pool().acquire().await?, account_id).await
    }

    pub async fn endpoint(&self, account_id: &str, id: &str) -> sqlx::Result<Option<Endpoint>> {
        sqlx::query_as::<_, EndpointRow>(ENDPOINT)
            .bind(account_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .map(Endpoint::try_from)
            .transpose()
    }

    /// The endpoint the single-endpoint settings view edits.
    pub async fn primary_endpoint(&self, account_id: &str) -> sqlx::Result<Option<Endpoint>> {
        primary_endpoint(&mut *self.pool().acquire().await?, account_id).await
    }
}

/// The account's master switch, on `conn`.
pub async fn webhooks_enabled(conn: &mut AnyConnection, account_id: &str) -> sqlx::Result<bool> {
    let enabled: Option<Flag> =
        sqlx::query_scalar("select enabled from webhook_settings where account_id = $1")
            .bind(account_id)
            .fetch_optional(conn)
            .await?;
    Ok(enabled.is_some_and(bool::from))
}

/// Locks the account's webhook settings for the caller's transaction
/// (PostgreSQL: the settings row, made when missing with the switch off,
/// which is what no row means; SQLite: the write lock is already the
/// transaction's), so that saves of the settings apply one after another,
/// each reading what the one before saved.
pub async fn lock_settings(conn: &mut AnyConnection, account_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "insert into webhook_settings (account_id, enabled, updated_at) values ($1, 0, $2) \
         on conflict (account_id) do update set account_id = excluded.account_id",
    )
    .bind(account_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_webhooks_enabled(
    conn: &mut AnyConnection,
    account_id: &str,
    enabled: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into webhook_settings (account_id, enabled, updated_at) values ($1, $2, $3) \
         on conflict (account_id) do update set enabled = excluded.enabled, updated_at = excluded.updated_at",
    )
    .bind(account_id)
    .bind(i64::from(enabled))
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_endpoints(
    conn: &mut AnyConnection,
    account_id: &str,
) -> sqlx::Result<Vec<Endpoint>> {
    sqlx::query_as::<_, EndpointRow>(select_endpoint!("where ep.account_id = $1 order by ep.id"))
        .bind(account_id)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(Endpoint::try_from)
        .collect()
}

/// The endpoint the single-endpoint settings view edits, on `conn`.
pub async fn primary_endpoint(
    conn: &mut AnyConnection,
    account_id: &str,
) -> sqlx::Result<Option<Endpoint>> {
    sqlx::query_as::<_, EndpointRow>(select_endpoint!(
        "where ep.account_id = $1 and ep.is_primary = $2"
    ))
    .bind(account_id)
    .bind(1_i64)
    .fetch_optional(conn)
    .await?
    .map(Endpoint::try_from)
    .transpose()
}

/// The account's endpoint with this id, locked for the caller's
/// transaction (PostgreSQL: the row lock, held to commit; SQLite: the
/// write lock is already the transaction's).
pub async fn lock_endpoint(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> sqlx::Result<Option<Endpoint>> {
    sqlx::query("update webhook_endpoints set id = id where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query_as::<_, EndpointRow>(ENDPOINT)
        .bind(account_id)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .map(Endpoint::try_from)
        .transpose()
}

pub async fn insert_endpoint(
    conn: &mut AnyConnection,
    account_id: &str,
    fields: &EndpointFields,
    primary: bool,
    secret: &str,
) -> sqlx::Result<Endpoint> {
    let id = new_id("ep");
    let now = now_ms();
    sqlx::query(
        "insert into webhook_endpoints (id, account_id, url, description, events, enabled, is_primary, \
         secret, timeout_ms, headers, created_at, updated_at, ordered) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(&fields.url)
    .bind(&fields.description)
    .bind(fields.events.join(" "))
    .bind(i64::from(fields.enabled))
    .bind(i64::from(primary))
    .bind(secret)
    .bind(fields.timeout_ms)
    .bind(to_json(&fields.headers)?)
    .bind(now)
    .bind(i64::from(fields.ordered))
    .execute(&mut *conn)
    .await?;
    lock_endpoint(conn, account_id, &id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Saves an endpoint's fields. Enabling it again clears the reason the
/// server disabled it and its failure streak. None when there is no such
/// endpoint.
pub async fn update_endpoint(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
    fields: &EndpointFields,
) -> sqlx::Result<Option<Endpoint>> {
    sqlx::query(
        "update webhook_endpoints set url = $1, description = $2, events = $3, timeout_ms = $4, \
         disabled_reason = case when $5 = 1 then null else disabled_reason end, \
         failing_since = case when $5 = 1 and enabled = $6 then null else failing_since end, \
         enabled = $5, updated_at = $7, headers = $8, ordered = $11 where account_id = $9 and id = $10",
    )
    .bind(&fields.url)
    .bind(&fields.description)
    .bind(fields.events.join(" "))
    .bind(fields.timeout_ms)
    .bind(i64::from(fields.enabled))
    .bind(0_i64)
    .bind(now_ms())
    .bind(to_json(&fields.headers)?)
    .bind(account_id)
    .bind(id)
    .bind(i64::from(fields.ordered))
    .execute(&mut *conn)
    .await?;
    lock_endpoint(conn, account_id, id).await
}

pub async fn delete_endpoint(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> sqlx::Result<bool> {
    Ok(
        sqlx::query("delete from webhook_endpoints where account_id = $1 and id = $2")
            .bind(account_id)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

/// Replaces the endpoint's secret with `secret`, the replaced ones
/// becoming `retired`.
pub async fn replace_secret(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
    secret: &str,
    retired: &[RetiredSecret],
) -> sqlx::Result<()> {
    sqlx::query(
        "update webhook_endpoints set secret = $1, retired_secrets = $2, updated_at = $3 \
         where account_id = $4 and id = $5",
    )
    .bind(secret)
    .bind(to_json(&retired)?)
    .bind(now_ms())
    .bind(account_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Clears or extends an endpoint's run of failures, and disables it when
/// the run has lasted `disable_after` or the endpoint said it is gone.
pub(super) async fn update_health(
    conn: &mut AnyConnection,
    endpoint_id: &str,
    succeeded: Option<bool>,
    disable: Option<&str>,
    now: i64,
    disable_after: Duration,
) -> sqlx::Result<()> {
    match succeeded {
        Some(true) => {
            sqlx::query("update webhook_endpoints set failing_since = null where id = $1")
                .bind(endpoint_id)
                .execute(&mut *conn)
                .await?;
        }
        Some(false) => {
            sqlx::query("update webhook_endpoints set failing_since = coalesce(failing_since, $1) where id = $2")
                .bind(now)
                .bind(endpoint_id)
                .execute(&mut *conn)
                .await?;
            let days = disable_after.as_secs() / 86_400;
            let reason = if days > 0 {
                format!("Disabled after {days} days of failed deliveries without a success.")
            } else {
                format!(
                    "Disabled after {} s of failed deliveries without a success.",
                    disable_after.as_secs()
                )
            };
            let since =
                now.saturating_sub(i64::try_from(disable_after.as_millis()).unwrap_or(i64::MAX));
            sqlx::query(
                "update webhook_endpoints set enabled = 0, disabled_reason = $1, updated_at = $2 \
                 where id = $3 and enabled = 1 and failing_since <= $4",
            )
            .bind(reason)
            .bind(now)
            .bind(endpoint_id)
            .bind(since)
            .execute(&mut *conn)
            .await?;
        }
        None => {}
    }
    if let Some(reason) = disable {
        sqlx::query("update webhook_endpoints set enabled = 0, disabled_reason = $1, updated_at = $2 where id = $3")
            .bind(reason)
            .bind(now)
            .bind(endpoint_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

//! Webhook settings, endpoints and the delivery history.

use serde::Serialize;
use serde_json::Value;
use sqlx::{AssertSqlSafe, Row as _, any::AnyRow};
use utoipa::ToSchema;

use super::{Store, flag, new_id, now_ms};
use crate::{events::rfc3339, webhooks::signing};

/// An endpoint as the admin API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub description: String,
    /// Subscribed event types; `["*"]` for all.
    #[schema(schema_with = crate::events::filter_schema)]
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why the server disabled it (410 Gone, days of failures), if it did.
    #[schema(required = true)]
    pub disabled_reason: Option<String>,
    /// The signing secret, `whsec_` and base64.
    pub secret: String,
    /// How long an attempt may take, in milliseconds.
    pub timeout_ms: i64,
    /// When the current run of failures began, if it is failing.
    #[schema(required = true, format = DateTime)]
    pub failing_since: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl Endpoint {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        let events: String = row.try_get("events")?;
        Ok(Self {
            id: row.try_get("id")?,
            url: row.try_get("url")?,
            description: row.try_get("description")?,
            events: events.split_whitespace().map(str::to_owned).collect(),
            enabled: flag(row, "enabled")?,
            disabled_reason: row.try_get("disabled_reason")?,
            secret: row.try_get("secret")?,
            timeout_ms: row.try_get("timeout_ms")?,
            failing_since: row.try_get::<Option<i64>, _>("failing_since")?.map(rfc3339),
            created_at: rfc3339(row.try_get("created_at")?),
            updated_at: rfc3339(row.try_get("updated_at")?),
        })
    }
}

/// The fields of an endpoint an admin sets, validated by the caller.
#[derive(Debug, Clone)]
pub struct EndpointFields {
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub timeout_ms: i64,
}

/// One event's delivery to one endpoint, as the history lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    #[schema(value_type = crate::events::EventType)]
    pub event_type: String,
    pub endpoint_id: String,
    /// The endpoint's URL, or null once the endpoint is deleted.
    #[schema(required = true)]
    pub endpoint_url: Option<String>,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// Attempts made so far.
    pub attempt_count: i64,
    /// The HTTP status of the last attempt, when it got an answer.
    #[schema(required = true)]
    pub last_status: Option<i64>,
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[schema(required = true, format = DateTime)]
    pub last_attempt_at: Option<String>,
    /// When the next attempt is due, while `pending`.
    #[schema(required = true, format = DateTime)]
    pub next_attempt_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A delivery with the event it carries and every attempt, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: Delivery,
    /// The event as it is sent: `{type, timestamp, data}` (see docs/events.md).
    pub payload: Value,
    pub attempts: Vec<Attempt>,
}

/// One attempt to send a delivery: what was sent and what came back.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub attempt: i64,
    pub url: String,
    #[schema(format = DateTime)]
    pub started_at: String,
    pub duration_ms: i64,
    pub request: AttemptRequest,
    /// Null when no answer came (timeout, connection error).
    #[schema(required = true)]
    pub response: Option<AttemptResponse>,
    #[schema(required = true)]
    pub error: Option<String>,
}

/// The request of an attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptRequest {
    /// `[name, value]` pairs, in the order sent.
    #[schema(required = true)]
    pub headers: Option<Vec<(String, String)>>,
    pub body: String,
}

/// The endpoint's answer to an attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptResponse {
    pub status: i64,
    /// `[name, value]` pairs, in the order received.
    #[schema(required = true)]
    pub headers: Option<Vec<(String, String)>>,
    /// The first 64 KiB.
    #[schema(required = true)]
    pub body: Option<String>,
}

/// Filters of the delivery history.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub status: Option<String>,
    pub event_type: Option<String>,
    pub endpoint_id: Option<String>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// Only deliveries older than this id (the previous page's last).
    pub before: Option<String>,
    pub limit: i64,
}

impl Store {
    pub async fn webhooks_enabled(&self, account_id: &str) -> sqlx::Result<bool> {
        Ok(
            sqlx::query("select enabled from webhook_settings where account_id = $1")
                .bind(account_id)
                .fetch_optional(self.pool())
                .await?
                .map(|row| flag(&row, "enabled"))
                .transpose()?
                .unwrap_or(false),
        )
    }

    pub async fn set_webhooks_enabled(&self, account_id: &str, enabled: bool) -> sqlx::Result<()> {
        sqlx::query(
            "insert into webhook_settings (account_id, enabled, updated_at) values ($1, $2, $3) \
             on conflict (account_id) do update set enabled = excluded.enabled, updated_at = excluded.updated_at",
        )
        .bind(account_id)
        .bind(i64::from(enabled))
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn list_endpoints(&self, account_id: &str) -> sqlx::Result<Vec<Endpoint>> {
        sqlx::query("select * from webhook_endpoints where account_id = $1 order by id")
            .bind(account_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(Endpoint::from_row)
            .collect()
    }

    pub async fn endpoint(&self, account_id: &str, id: &str) -> sqlx::Result<Option<Endpoint>> {
        sqlx::query("select * from webhook_endpoints where account_id = $1 and id = $2")
            .bind(account_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(Endpoint::from_row)
            .transpose()
    }

    /// The endpoint the single-endpoint settings view edits.
    pub async fn primary_endpoint(&self, account_id: &str) -> sqlx::Result<Option<Endpoint>> {
        sqlx::query("select * from webhook_endpoints where account_id = $1 and is_primary = $2")
            .bind(account_id)
            .bind(1_i64)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(Endpoint::from_row)
            .transpose()
    }

    pub async fn create_endpoint(
        &self,
        account_id: &str,
        fields: &EndpointFields,
        primary: bool,
    ) -> sqlx::Result<Endpoint> {
        let id = new_id("ep");
        let now = now_ms();
        sqlx::query(
            "insert into webhook_endpoints (id, account_id, url, description, events, enabled, is_primary, \
             secret, timeout_ms, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(&fields.url)
        .bind(&fields.description)
        .bind(fields.events.join(" "))
        .bind(i64::from(fields.enabled))
        .bind(i64::from(primary))
        .bind(signing::new_secret())
        .bind(fields.timeout_ms)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(self
            .endpoint(account_id, &id)
            .await?
            .unwrap_or_else(|| unreachable!("just inserted")))
    }

    /// Saves an endpoint's fields. Enabling it again clears the reason the
    /// server disabled it and its failure streak.
    pub async fn update_endpoint(
        &self,
        account_id: &str,
        id: &str,
        fields: &EndpointFields,
    ) -> sqlx::Result<Option<Endpoint>> {
        sqlx::query(
            "update webhook_endpoints set url = $1, description = $2, events = $3, timeout_ms = $4, \
             disabled_reason = case when $5 = 1 then null else disabled_reason end, \
             failing_since = case when $5 = 1 and enabled = $6 then null else failing_since end, \
             enabled = $5, updated_at = $7 where account_id = $8 and id = $9",
        )
        .bind(&fields.url)
        .bind(&fields.description)
        .bind(fields.events.join(" "))
        .bind(fields.timeout_ms)
        .bind(i64::from(fields.enabled))
        .bind(0_i64)
        .bind(now_ms())
        .bind(account_id)
        .bind(id)
        .execute(self.pool())
        .await?;
        self.endpoint(account_id, id).await
    }

    pub async fn delete_endpoint(&self, account_id: &str, id: &str) -> sqlx::Result<bool> {
        Ok(
            sqlx::query("delete from webhook_endpoints where account_id = $1 and id = $2")
                .bind(account_id)
                .bind(id)
                .execute(self.pool())
                .await?
                .rows_affected()
                > 0,
        )
    }

    /// A new secret; the old one keeps signing for `overlap_ms`.
    pub async fn rotate_secret(
        &self,
        account_id: &str,
        id: &str,
        overlap_ms: i64,
    ) -> sqlx::Result<Option<Endpoint>> {
        let now = now_ms();
        sqlx::query(
            "update webhook_endpoints set previous_secret = secret, previous_expires_at = $1, secret = $2, \
             updated_at = $3 where account_id = $4 and id = $5",
        )
        .bind(now + overlap_ms)
        .bind(signing::new_secret())
        .bind(now)
        .bind(account_id)
        .bind(id)
        .execute(self.pool())
        .await?;
        self.endpoint(account_id, id).await
    }

    /// A page of the history, newest first.
    pub async fn list_deliveries(
        &self,
        account_id: &str,
        filter: &DeliveryFilter,
    ) -> sqlx::Result<Vec<Delivery>> {
        let mut sql = String::from(
            "select d.*, ep.url as endpoint_url from deliveries d \
             left join webhook_endpoints ep on ep.id = d.endpoint_id where d.account_id = $1",
        );
        let mut binds: Vec<Bind> = vec![Bind::Text(account_id.to_owned())];
        let mut add = |clause: &str, value: Bind| {
            binds.push(value);
            sql.push_str(&format!(" and {clause} ${}", binds.len()));
        };
        if let Some(v) = &filter.status {
            add("d.status =", Bind::Text(v.clone()));
        }
        if let Some(v) = &filter.event_type {
            add("d.event_type =", Bind::Text(v.clone()));
        }
        if let Some(v) = &filter.endpoint_id {
            add("d.endpoint_id =", Bind::Text(v.clone()));
        }
        if let Some(v) = filter.since_ms {
            add("d.created_at >=", Bind::Int(v));
        }
        if let Some(v) = filter.until_ms {
            add("d.created_at <", Bind::Int(v));
        }
        if let Some(v) = &filter.before {
            add("d.id <", Bind::Text(v.clone()));
        }
        sql.push_str(&format!(
            " order by d.id desc limit {}",
            filter.limit.clamp(1, 200)
        ));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for bind in binds {
            query = match bind {
                Bind::Text(s) => query.bind(s),
                Bind::Int(i) => query.bind(i),
            };
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(delivery_json)
            .collect()
    }

    /// One delivery with every attempt, oldest first.
    pub async fn delivery(
        &self,
        account_id: &str,
        id: &str,
    ) -> sqlx::Result<Option<DeliveryDetail>> {
        // One snapshot for both reads, so the status and the attempts shown
        // with it always agree (PostgreSQL's default isolation would let
        // each statement see a different commit).
        let mut tx = self.pool().begin().await?;
        if self.backend() == super::Backend::Postgres {
            sqlx::query("set transaction isolation level repeatable read")
                .execute(&mut *tx)
                .await?;
        }
        let attempts = sqlx::query(
            "select a.* from delivery_attempts a join deliveries d on d.id = a.delivery_id \
             where d.account_id = $1 and a.delivery_id = $2 order by a.attempt",
        )
        .bind(account_id)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let Some(row) = sqlx::query(
            "select d.*, ep.url as endpoint_url, e.payload from deliveries d \
             join events e on e.id = d.event_id \
             left join webhook_endpoints ep on ep.id = d.endpoint_id where d.account_id = $1 and d.id = $2",
        )
        .bind(account_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        tx.commit().await?;
        let payload: String = row.try_get("payload")?;
        Ok(Some(DeliveryDetail {
            delivery: delivery_json(&row)?,
            payload: serde_json::from_str(&payload).unwrap_or(Value::String(payload)),
            attempts: attempts
                .iter()
                .map(attempt_json)
                .collect::<sqlx::Result<_>>()?,
        }))
    }

    /// The delivery of `event_id` to `endpoint_id`, if one was queued.
    pub async fn delivery_id_for(
        &self,
        event_id: &str,
        endpoint_id: &str,
    ) -> sqlx::Result<Option<String>> {
        sqlx::query("select id from deliveries where event_id = $1 and endpoint_id = $2")
            .bind(event_id)
            .bind(endpoint_id)
            .fetch_optional(self.pool())
            .await?
            .map(|row| row.try_get("id"))
            .transpose()
    }

    /// Queues a delivery again, now, with a fresh retry schedule.
    pub async fn resend_delivery(&self, account_id: &str, id: &str) -> sqlx::Result<bool> {
        let now = now_ms();
        Ok(sqlx::query(
            "update deliveries set status = 'pending', failures = 0, next_attempt_at = $1, updated_at = $1 \
             where account_id = $2 and id = $3 and (status <> 'pending' or next_attempt_at > $1)",
        )
        .bind(now)
        .bind(account_id)
        .bind(id)
        .execute(self.pool())
        .await?
        .rows_affected()
            > 0
            || self.delivery_exists(account_id, id).await?)
    }

    async fn delivery_exists(&self, account_id: &str, id: &str) -> sqlx::Result<bool> {
        Ok(
            sqlx::query("select 1 as one from deliveries where account_id = $1 and id = $2")
                .bind(account_id)
                .bind(id)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// Queues every failed delivery created since `since_ms` again.
    pub async fn resend_failed(&self, account_id: &str, since_ms: i64) -> sqlx::Result<u64> {
        let now = now_ms();
        Ok(sqlx::query(
            "update deliveries set status = 'pending', failures = 0, next_attempt_at = $1, updated_at = $1 \
             where account_id = $2 and status = 'failed' and created_at >= $3",
        )
        .bind(now)
        .bind(account_id)
        .bind(since_ms)
        .execute(self.pool())
        .await?
        .rows_affected())
    }
}

enum Bind {
    Text(String),
    Int(i64),
}

fn delivery_json(row: &AnyRow) -> sqlx::Result<Delivery> {
    let time = |name: &str| -> sqlx::Result<Option<String>> {
        Ok(row.try_get::<Option<i64>, _>(name)?.map(rfc3339))
    };
    let status: String = row.try_get("status")?;
    Ok(Delivery {
        id: row.try_get("id")?,
        event_id: row.try_get("event_id")?,
        event_type: row.try_get("event_type")?,
        endpoint_id: row.try_get("endpoint_id")?,
        endpoint_url: row.try_get("endpoint_url")?,
        attempt_count: row.try_get("attempts")?,
        last_status: row.try_get("last_status")?,
        last_error: row.try_get("last_error")?,
        last_attempt_at: time("last_attempt_at")?,
        next_attempt_at: if status == "pending" {
            time("next_attempt_at")?
        } else {
            None
        },
        created_at: rfc3339(row.try_get("created_at")?),
        status,
    })
}

fn attempt_json(row: &AnyRow) -> sqlx::Result<Attempt> {
    // Stored as JSON text by the dispatcher; unreadable text shows as null.
    let headers = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    Ok(Attempt {
        attempt: row.try_get("attempt")?,
        url: row.try_get("url")?,
        started_at: rfc3339(row.try_get("started_at")?),
        duration_ms: row.try_get("duration_ms")?,
        request: AttemptRequest {
            headers: headers(row.try_get("request_headers")?),
            body: row.try_get("request_body")?,
        },
        response: match row.try_get::<Option<i64>, _>("response_status")? {
            Some(status) => Some(AttemptResponse {
                status,
                headers: headers(row.try_get("response_headers")?),
                body: row.try_get("response_body")?,
            }),
            None => None,
        },
        error: row.try_get("error")?,
    })
}

//! The delivery history: deliveries with their attempts, filtered and
//! paged, and resends.

use sqlx::{AssertSqlSafe, Row as _, any::AnyRow};

use super::{Store, dialect::Placeholders, unknown};
use adact_domain::{
    time::now_ms,
    webhook::{Attempt, Delivery, DeliveryDetail, DeliveryFilter, DeliveryStatus, EventCampaign},
};

impl Store {
    /// A page of the history, newest first.
    pub async fn list_deliveries(
        &self,
        account_id: &str,
        filter: &DeliveryFilter,
    ) -> sqlx::Result<Vec<Delivery>> {
        let mut sql = format!(
            "select d.*, ep.url as endpoint_url, e.payload, e.sequence as event_sequence, {RECORDED} \
             from deliveries d \
             left join events e on e.id = d.event_id \
             left join webhook_endpoints ep on ep.id = d.endpoint_id where d.account_id = $1",
        );
        let mut binds: Vec<Bind> = vec![Bind::Text(account_id.to_owned())];
        let mut p = Placeholders::from(2);
        let mut add = |clause: &str, value: Bind| {
            binds.push(value);
            sql.push_str(&format!(" and {clause} {}", p.one()));
        };
        if let Some(v) = filter.status {
            add("d.status =", Bind::Text(v.as_str().to_owned()));
        }
        if let Some(v) = filter.event_type {
            add("d.event_type =", Bind::Text(v.as_str().to_owned()));
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
            .map(delivery_from_row)
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
        let mut tx = self.begin_snapshot().await?;
        let attempts = sqlx::query(
            "select a.* from delivery_attempts a join deliveries d on d.id = a.delivery_id \
             where d.account_id = $1 and a.delivery_id = $2 order by a.attempt",
        )
        .bind(account_id)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let Some(row) = sqlx::query(AssertSqlSafe(format!(
            "select d.*, ep.url as endpoint_url, e.payload, e.sequence as event_sequence, {RECORDED} \
             from deliveries d \
             join events e on e.id = d.event_id \
             left join webhook_endpoints ep on ep.id = d.endpoint_id where d.account_id = $1 and d.id = $2",
        )))
        .bind(account_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        tx.commit().await?;
        Ok(Some(DeliveryDetail {
            delivery: delivery_from_row(&row)?,
            payload: row.try_get("payload")?,
            attempts: attempts
                .iter()
                .zip(1..)
                .map(|(row, number)| attempt_from_row(row, number))
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
        Ok(self.write(sqlx::query(
            "update deliveries set status = 'pending', failures = 0, next_attempt_at = $1, updated_at = $1 \
             where account_id = $2 and id = $3 and (status <> 'pending' or next_attempt_at > $1)",
        )
        .bind(now)
        .bind(account_id)
        .bind(id)
        )
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

    /// Queues every delivery created since `since_ms` that failed, or that
    /// waits for a retry after a failed attempt, to be sent now with a
    /// fresh retry schedule. A delivery being sent at this moment (claimed:
    /// its latest attempt is not recorded yet) is left to finish.
    pub async fn resend_failed(&self, account_id: &str, since_ms: i64) -> sqlx::Result<u64> {
        let now = now_ms();
        Ok(self.write(sqlx::query(
            "update deliveries set status = 'pending', failures = 0, next_attempt_at = $1, updated_at = $1 \
             where account_id = $2 and created_at >= $3 and (status = 'failed' \
               or (status = 'pending' and failures > 0 and next_attempt_at > $1 and exists \
                   (select 1 from delivery_attempts a \
                    where a.delivery_id = deliveries.id and a.attempt = deliveries.attempts)))",
        )
        .bind(now)
        .bind(account_id)
        .bind(since_ms)
        )
        .await?
        .rows_affected())
    }
}

impl Store {
    /// Queues the endpoint's deliveries skipped since `since_ms` to be sent
    /// now, with a fresh retry schedule; returns how many.
    pub async fn recover_skipped(
        &self,
        account_id: &str,
        endpoint_id: &str,
        since_ms: i64,
    ) -> sqlx::Result<u64> {
        let now = now_ms();
        Ok(self
            .write(
                sqlx::query(
                    "update deliveries set status = 'pending', failures = 0, next_attempt_at = $1, \
                     last_error = null, updated_at = $1 where endpoint_id = $2 \
                     and status = 'skipped' and created_at >= $3 and account_id = $4",
                )
                .bind(now)
                .bind(endpoint_id)
                .bind(since_ms)
                .bind(account_id),
            )
            .await?
            .rows_affected())
    }
}

/// The number of attempts a delivery's history holds, as a column of a
/// query on `deliveries d`. Not `d.attempts`, which counts claims: a claim
/// that sent nothing (the endpoint was off) or whose server died before
/// recording it has no attempt to show.
const RECORDED: &str =
    "(select count(*) from delivery_attempts a where a.delivery_id = d.id) as recorded_attempts";

/// A value of the history's filters, bound in order.
enum Bind {
    Text(String),
    Int(i64),
}

fn delivery_from_row(row: &AnyRow) -> sqlx::Result<Delivery> {
    let status: String = row.try_get("status")?;
    let status =
        DeliveryStatus::parse(&status).ok_or_else(|| unknown("delivery status", &status))?;
    Ok(Delivery {
        id: row.try_get("id")?,
        event_id: row.try_get("event_id")?,
        event_type: row.try_get("event_type")?,
        sequence: row.try_get("event_sequence")?,
        endpoint_id: row.try_get("endpoint_id")?,
        endpoint_url: row.try_get("endpoint_url")?,
        status,
        attempts: row.try_get("recorded_attempts")?,
        last_status: row.try_get("last_status")?,
        last_error: row.try_get("last_error")?,
        last_attempt_at: row.try_get("last_attempt_at")?,
        next_attempt_at: match status {
            DeliveryStatus::Pending => row.try_get("next_attempt_at")?,
            DeliveryStatus::Succeeded | DeliveryStatus::Failed | DeliveryStatus::Skipped => None,
        },
        created_at: row.try_get("created_at")?,
        campaign: row
            .try_get::<Option<String>, _>("payload")?
            .as_deref()
            .and_then(EventCampaign::of_payload),
    })
}

/// The `number`th recorded attempt of its delivery.
fn attempt_from_row(row: &AnyRow, number: i64) -> sqlx::Result<Attempt> {
    Ok(Attempt {
        attempt: number,
        url: row.try_get("url")?,
        started_at: row.try_get("started_at")?,
        duration_ms: row.try_get("duration_ms")?,
        request_headers: row.try_get("request_headers")?,
        request_body: row.try_get("request_body")?,
        response_status: row.try_get("response_status")?,
        response_headers: row.try_get("response_headers")?,
        response_body: row.try_get("response_body")?,
        error: row.try_get("error")?,
    })
}

impl Store {
    /// How many deliveries wait to be sent or retried, and when the oldest
    /// of them was created.
    pub async fn queue_depth(&self) -> sqlx::Result<(i64, Option<i64>)> {
        let row = sqlx::query(
            "select count(*) as depth, min(created_at) as oldest from deliveries where status = 'pending'",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get("depth")?, row.try_get("oldest")?))
    }
}

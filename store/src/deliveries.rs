//! The delivery history: deliveries with their attempts, filtered and
//! paged, and resends.

use super::{Store, TOP, named::Stored};
use adact_domain::{
    time::now_ms,
    webhook::{Attempt, Delivery, DeliveryDetail, DeliveryFilter, DeliveryStatus, EventCampaign},
};

impl Store {
    /// A page of the history, newest first: the account's deliveries below
    /// the cursor (always bound, so a page is a range of the account's
    /// index), each filter applying when it is set.
    pub async fn list_deliveries(
        &self,
        account_id: &str,
        filter: &DeliveryFilter,
    ) -> sqlx::Result<Vec<Delivery>> {
        const LIST: &str = concat!(
            "select ",
            delivery_columns!(),
            " from deliveries d \
             left join events e on e.id = d.event_id \
             left join webhook_endpoints ep on ep.id = d.endpoint_id \
             where d.account_id = $1 and d.id < $2 \
             and ($3 is null or d.status = $3) and ($4 is null or d.event_type = $4) \
             and ($5 is null or d.endpoint_id = $5) \
             and ($6 is null or d.created_at >= $6) and ($7 is null or d.created_at < $7) \
             order by d.id desc limit $8"
        );
        sqlx::query_as::<_, DeliveryRow>(LIST)
            .bind(account_id)
            .bind(filter.before.as_deref().unwrap_or(TOP))
            .bind(filter.status.map(Stored))
            .bind(filter.event_type.map(Stored))
            .bind(filter.endpoint_id.as_deref())
            .bind(filter.since_ms)
            .bind(filter.until_ms)
            .bind(filter.limit.clamp(1, 200))
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(Delivery::try_from)
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
        let attempts = sqlx::query_as::<_, AttemptRow>(
            "select a.url, a.started_at, a.duration_ms, a.request_headers, a.request_body, \
             a.response_status, a.response_headers, a.response_body, a.error \
             from delivery_attempts a join deliveries d on d.id = a.delivery_id \
             where d.account_id = $1 and a.delivery_id = $2 order by a.attempt",
        )
        .bind(account_id)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let Some(row) = sqlx::query_as::<_, DeliveryRow>(concat!(
            "select ",
            delivery_columns!(),
            " from deliveries d \
             join events e on e.id = d.event_id \
             left join webhook_endpoints ep on ep.id = d.endpoint_id \
             where d.account_id = $1 and d.id = $2"
        ))
        .bind(account_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        tx.commit().await?;
        let payload = row.payload.clone().unwrap_or_default();
        Ok(Some(DeliveryDetail {
            delivery: row.try_into()?,
            payload,
            attempts: attempts
                .into_iter()
                .zip(1..)
                .map(|(row, number)| row.attempt(number))
                .collect(),
        }))
    }

    /// The delivery of `event_id` to `endpoint_id`, if one was queued.
    pub async fn delivery_id_for(
        &self,
        event_id: &str,
        endpoint_id: &str,
    ) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("select id from deliveries where event_id = $1 and endpoint_id = $2")
            .bind(event_id)
            .bind(endpoint_id)
            .fetch_optional(self.pool())
            .await
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

/// The columns of [`DeliveryRow`], of `deliveries d` with its event `e`
/// and endpoint `ep`. `recorded_attempts` is the number of attempts its
/// history holds, not `d.attempts`, which counts claims: a claim that sent
/// nothing (the endpoint was off) or whose server died before recording it
/// has no attempt to show.
macro_rules! delivery_columns {
    () => {
        "d.id, d.event_id, d.event_type, e.sequence as event_sequence, d.endpoint_id, \
         ep.url as endpoint_url, d.status, d.last_status, d.last_error, d.last_attempt_at, \
         d.next_attempt_at, d.created_at, e.payload, \
         (select count(*) from delivery_attempts a where a.delivery_id = d.id) as recorded_attempts"
    };
}
use delivery_columns;

/// A delivery of the history, as [`delivery_columns`] names it.
#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    event_id: String,
    event_type: String,
    event_sequence: Option<i64>,
    endpoint_id: String,
    endpoint_url: Option<String>,
    status: Stored<DeliveryStatus>,
    recorded_attempts: i64,
    last_status: Option<i64>,
    last_error: Option<String>,
    last_attempt_at: Option<i64>,
    next_attempt_at: Option<i64>,
    created_at: i64,
    payload: Option<String>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = sqlx::Error;

    fn try_from(row: DeliveryRow) -> sqlx::Result<Self> {
        let status = row.status.0;
        Ok(Delivery {
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            sequence: row.event_sequence,
            endpoint_id: row.endpoint_id,
            endpoint_url: row.endpoint_url,
            status,
            attempts: row.recorded_attempts,
            last_status: row.last_status,
            last_error: row.last_error,
            last_attempt_at: row.last_attempt_at,
            next_attempt_at: match status {
                DeliveryStatus::Pending => row.next_attempt_at,
                DeliveryStatus::Succeeded | DeliveryStatus::Failed | DeliveryStatus::Skipped => {
                    None
                }
            },
            created_at: row.created_at,
            campaign: row.payload.as_deref().and_then(EventCampaign::of_payload),
        })
    }
}

/// A recorded attempt of a delivery.
#[derive(sqlx::FromRow)]
struct AttemptRow {
    url: String,
    started_at: i64,
    duration_ms: i64,
    request_headers: Option<String>,
    request_body: String,
    response_status: Option<i64>,
    response_headers: Option<String>,
    response_body: Option<String>,
    error: Option<String>,
}

impl AttemptRow {
    /// The `number`th recorded attempt of its delivery.
    fn attempt(self, number: i64) -> Attempt {
        Attempt {
            attempt: number,
            url: self.url,
            started_at: self.started_at,
            duration_ms: self.duration_ms,
            request_headers: self.request_headers,
            request_body: self.request_body,
            response_status: self.response_status,
            response_headers: self.response_headers,
            response_body: self.response_body,
            error: self.error,
        }
    }
}

impl Store {
    /// How many deliveries wait to be sent or retried, and when the oldest
    /// of them was created.
    pub async fn queue_depth(&self) -> sqlx::Result<(i64, Option<i64>)> {
        sqlx::query_as("select count(*), min(created_at) from deliveries where status = 'pending'")
            .fetch_one(self.pool())
            .await
    }
}

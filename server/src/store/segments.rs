//! Segments: a title, unique within an account, mapped to a campaign. Each
//! change records its event in the same transaction.

use serde_json::json;
use sqlx::{AnyConnection, Row as _};

use super::{Store, campaigns::campaign_from_row, new_id, now_ms};
use crate::{
    campaigns::Campaign,
    error::{Error, Result},
    events::{self, EventType},
    store::accounts::Account,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub account_id: String,
    pub title: String,
    pub campaign_id: String,
}

fn segment_from_row(row: &sqlx::any::AnyRow) -> sqlx::Result<Segment> {
    Ok(Segment {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        title: row.try_get("title")?,
        campaign_id: row.try_get("campaign_id")?,
    })
}

/// Turns the unique title constraint into a 409 naming the field.
fn on_title_taken(title: &str) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |err| match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict {
            field: "title",
            message: format!("A segment is already titled {title:?}."),
        },
        _ => Error::Database(err),
    }
}

impl Store {
    /// Creates a segment without an event: for the demo seed.
    pub async fn create_segment(
        &self,
        account_id: &str,
        title: &str,
        campaign_id: &str,
    ) -> sqlx::Result<Segment> {
        let mut conn = self.pool().acquire().await?;
        insert_segment(&mut conn, account_id, title, campaign_id).await
    }

    /// Creates a segment and records `segment.created`.
    pub async fn add_segment(
        &self,
        account: &Account,
        title: &str,
        campaign: &Campaign,
    ) -> Result<Segment> {
        let (_turn, mut tx) = self.begin_write().await?;
        let segment = insert_segment(&mut tx, &account.id, title, &campaign.id)
            .await
            .map_err(on_title_taken(title))?;
        events::record(
            &mut tx,
            &account.id,
            EventType::SegmentCreated,
            segment_data(account, &segment, campaign),
        )
        .await?;
        tx.commit().await?;
        Ok(segment)
    }

    /// Saves a changed title or campaign and records `segment.updated`.
    pub async fn update_segment(
        &self,
        account: &Account,
        segment: &Segment,
        campaign: &Campaign,
    ) -> Result<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        sqlx::query(
            "update segments set title = $1, campaign_id = $2, updated_at = $3 \
             where id = $4 and account_id = $5",
        )
        .bind(&segment.title)
        .bind(&segment.campaign_id)
        .bind(now_ms())
        .bind(&segment.id)
        .bind(&account.id)
        .execute(&mut *tx)
        .await
        .map_err(on_title_taken(&segment.title))?;
        events::record(
            &mut tx,
            &account.id,
            EventType::SegmentUpdated,
            segment_data(account, segment, campaign),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a segment and records `segment.deleted`.
    pub async fn delete_segment(
        &self,
        account: &Account,
        segment: &Segment,
        campaign: &Campaign,
    ) -> Result<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        sqlx::query("delete from segments where id = $1 and account_id = $2")
            .bind(&segment.id)
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
        events::record(
            &mut tx,
            &account.id,
            EventType::SegmentDeleted,
            segment_data(account, segment, campaign),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn segment(&self, account_id: &str, id: &str) -> Result<Option<Segment>> {
        let row = self.owned_row("segments", account_id, id).await?;
        Ok(row.map(|row| segment_from_row(&row)).transpose()?)
    }

    /// A page of segments, oldest first, after the cursor id.
    pub async fn segments(
        &self,
        account_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Segment>> {
        let rows = self
            .owned_page("segments", account_id, after, limit)
            .await?;
        Ok(rows
            .iter()
            .map(segment_from_row)
            .collect::<sqlx::Result<_>>()?)
    }

    /// Resolves a segment title to the segment and its campaign, in one query.
    pub async fn segment_with_campaign(
        &self,
        account_id: &str,
        title: &str,
    ) -> anyhow::Result<Option<(Segment, Campaign)>> {
        let row = sqlx::query(
            "select s.id as segment_id, s.title, c.* \
             from segments s join campaigns c on c.id = s.campaign_id \
             where s.account_id = $1 and s.title = $2",
        )
        .bind(account_id)
        .bind(title)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let campaign = campaign_from_row(&row)?;
        let segment = Segment {
            id: row.try_get("segment_id")?,
            account_id: campaign.account_id.clone(),
            title: row.try_get("title")?,
            campaign_id: campaign.id.clone(),
        };
        Ok(Some((segment, campaign)))
    }
}

async fn insert_segment(
    conn: &mut AnyConnection,
    account_id: &str,
    title: &str,
    campaign_id: &str,
) -> sqlx::Result<Segment> {
    let id = new_id("seg");
    let now = now_ms();
    sqlx::query(
        "insert into segments (id, account_id, title, campaign_id, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(title)
    .bind(campaign_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Segment {
        id,
        account_id: account_id.to_owned(),
        title: title.to_owned(),
        campaign_id: campaign_id.to_owned(),
    })
}

/// The data of segment events.
fn segment_data(account: &Account, segment: &Segment, campaign: &Campaign) -> serde_json::Value {
    json!({
        "account": {"id": account.id, "name": account.name},
        "segment": {"id": segment.id, "title": segment.title},
        "campaign": {"id": campaign.id, "name": campaign.name, "kind": campaign.kind.as_str()},
    })
}

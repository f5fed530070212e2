//! Segments: a title, unique within an account, mapped to a campaign.

use sqlx::{AnyConnection, Row as _};

use super::{Store, campaigns::campaign_from_row};
use crate::domain::{
    campaign::Campaign,
    segment::Segment,
    time::{new_id, now_ms},
};

fn segment_from_row(row: &sqlx::any::AnyRow) -> sqlx::Result<Segment> {
    Ok(Segment {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        title: row.try_get("title")?,
        campaign_id: row.try_get("campaign_id")?,
    })
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

    pub async fn segment(&self, account_id: &str, id: &str) -> sqlx::Result<Option<Segment>> {
        let row = self.owned_row("segments", account_id, id).await?;
        row.map(|row| segment_from_row(&row)).transpose()
    }

    /// A page of segments, oldest first, after the cursor id.
    pub async fn segments(
        &self,
        account_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> sqlx::Result<Vec<Segment>> {
        let rows = self
            .owned_page("segments", account_id, after, limit)
            .await?;
        rows.iter().map(segment_from_row).collect()
    }

    /// Resolves a segment title to the segment and its campaign, in one query.
    pub async fn segment_with_campaign(
        &self,
        account_id: &str,
        title: &str,
    ) -> sqlx::Result<Option<(Segment, Campaign)>> {
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

/// Inserts a segment in the caller's transaction; a title taken in the
/// account fails with a unique violation.
pub async fn insert_segment(
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

/// Saves a segment's title and campaign in the caller's transaction; a
/// title taken in the account fails with a unique violation.
pub async fn update_segment(conn: &mut AnyConnection, segment: &Segment) -> sqlx::Result<()> {
    sqlx::query(
        "update segments set title = $1, campaign_id = $2, updated_at = $3 \
         where id = $4 and account_id = $5",
    )
    .bind(&segment.title)
    .bind(&segment.campaign_id)
    .bind(now_ms())
    .bind(&segment.id)
    .bind(&segment.account_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete_segment(conn: &mut AnyConnection, segment: &Segment) -> sqlx::Result<()> {
    sqlx::query("delete from segments where id = $1 and account_id = $2")
        .bind(&segment.id)
        .bind(&segment.account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

//! Segments: a title, unique within an account, mapped to a campaign.

use sqlx::Row as _;

use super::{Store, campaigns::campaign_from_row, new_id, now_ms};
use crate::campaigns::Campaign;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub account_id: String,
    pub title: String,
    pub campaign_id: String,
}

impl Store {
    pub async fn create_segment(
        &self,
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
        .execute(self.pool())
        .await?;
        Ok(Segment {
            id,
            account_id: account_id.to_owned(),
            title: title.to_owned(),
            campaign_id: campaign_id.to_owned(),
        })
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

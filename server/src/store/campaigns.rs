//! Campaign rows.

use adact_wire::CampaignKind;
use anyhow::Context as _;
use sqlx::Row as _;

use super::{Store, new_id, now_ms};
use crate::campaigns::{Campaign, Definition, Status};

/// What creating a campaign needs; validated by the caller.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub name: String,
    pub kind: CampaignKind,
    pub status: Status,
    pub definition: Definition,
}

pub(super) fn campaign_from_row(row: &sqlx::any::AnyRow) -> anyhow::Result<Campaign> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let definition: String = row.try_get("definition")?;
    Ok(Campaign {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        kind: CampaignKind::parse(&kind).with_context(|| format!("unknown kind {kind:?}"))?,
        status: Status::parse(&status).with_context(|| format!("unknown status {status:?}"))?,
        definition: serde_json::from_str(&definition).context("stored campaign definition")?,
    })
}

impl Store {
    pub async fn create_campaign(
        &self,
        account_id: &str,
        new: NewCampaign,
    ) -> anyhow::Result<Campaign> {
        let id = new_id("cmp");
        let now = now_ms();
        sqlx::query(
            "insert into campaigns (id, account_id, name, kind, status, definition, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(new.status.as_str())
        .bind(serde_json::to_string(&new.definition)?)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(Campaign {
            id,
            account_id: account_id.to_owned(),
            name: new.name,
            kind: new.kind,
            status: new.status,
            definition: new.definition,
        })
    }
}

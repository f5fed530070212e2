//! Creating, changing and deleting segments; each change records its
//! `segment.*` event in the same transaction.

use crate::{
    app::{Result, campaigns},
    domain::{
        Error,
        account::Account,
        campaign::Campaign,
        events::{EventType, segment_data},
        segment::{Segment, check_title},
    },
    store::{Store, dialect::is_unique_violation, outbox, segments},
};

/// What an update may change.
#[derive(Debug, Default)]
pub struct Changes {
    pub title: Option<String>,
    pub campaign_id: Option<String>,
}

pub async fn create(
    store: &Store,
    account: &Account,
    title: &str,
    campaign_id: &str,
) -> Result<Segment> {
    let title = check_title(title)?;
    let campaign = mapped_campaign(store, &account.id, campaign_id).await?;
    let mut tx = store.begin_write().await?;
    let segment = segments::insert_segment(&mut tx, &account.id, &title, &campaign.id)
        .await
        .map_err(|err| title_taken(err, &title))?;
    let data = segment_data(account, &segment, &campaign);
    outbox::record(&mut tx, &account.id, EventType::SegmentCreated, data).await?;
    tx.commit().await?;
    store.changed(&account.id).await;
    Ok(segment)
}

pub async fn update(
    store: &Store,
    account: &Account,
    mut segment: Segment,
    changes: Changes,
) -> Result<Segment> {
    if let Some(title) = changes.title {
        segment.title = check_title(&title)?;
    }
    if let Some(campaign_id) = changes.campaign_id {
        segment.campaign_id = campaign_id;
    }
    let campaign = mapped_campaign(store, &account.id, &segment.campaign_id).await?;
    let mut tx = store.begin_write().await?;
    segments::update_segment(&mut tx, &segment)
        .await
        .map_err(|err| title_taken(err, &segment.title))?;
    let data = segment_data(account, &segment, &campaign);
    outbox::record(&mut tx, &account.id, EventType::SegmentUpdated, data).await?;
    tx.commit().await?;
    store.changed(&account.id).await;
    Ok(segment)
}

pub async fn delete(store: &Store, account: &Account, segment: &Segment) -> Result<()> {
    let campaign = campaigns::find(store, &account.id, &segment.campaign_id).await?;
    let mut tx = store.begin_write().await?;
    segments::delete_segment(&mut tx, segment).await?;
    let data = segment_data(account, segment, &campaign);
    outbox::record(&mut tx, &account.id, EventType::SegmentDeleted, data).await?;
    tx.commit().await?;
    store.changed(&account.id).await;
    Ok(())
}

/// The account's segment with this id.
pub async fn find(store: &Store, account_id: &str, id: &str) -> Result<Segment> {
    store.segment(account_id, id).await?.ok_or_else(|| {
        Error::not_found(
            "segment_not_found",
            format!("No segment has the id {id:?}."),
        )
        .into()
    })
}

/// The campaign a segment names, as a field error when it is not there.
async fn mapped_campaign(store: &Store, account_id: &str, id: &str) -> Result<Campaign> {
    store.campaign(account_id, id).await?.ok_or_else(|| {
        Error::invalid("campaign_id", format!("no campaign has the id {id:?}")).into()
    })
}

/// The unique title constraint as a conflict naming the field.
fn title_taken(err: sqlx::Error, title: &str) -> crate::app::Error {
    if is_unique_violation(&err) {
        Error::Conflict {
            field: "title",
            message: format!("A segment is already titled {title:?}."),
        }
        .into()
    } else {
        err.into()
    }
}

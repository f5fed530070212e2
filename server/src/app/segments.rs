//! Creating, changing and deleting segments; each change records its
//! `segment.*` event in the same transaction.

use crate::{
    app::{Result, campaigns},
    domain::{
        Error,
        account::Account,
        campaign::Campaign,
        events::{EventData, SegmentData, SegmentUpdatedData},
        segment::{Segment, apply, check_title},
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
    let segment = match segments::insert_segment(&mut tx, &account.id, &title, &campaign.id).await {
        Ok(segment) => segment,
        Err(err) => {
            drop(tx);
            return Err(title_taken(store, &account.id, err, &title).await);
        }
    };
    let data = SegmentData::new(account, &segment, &campaign);
    outbox::record(&mut tx, &account.id, EventData::SegmentCreated(data)).await?;
    tx.announce_change(&account.id).await?;
    tx.commit().await?;
    store.forget(&account.id);
    Ok(segment)
}

/// Saves what `changes` changes and records `segment.updated` with the
/// previous values; an update that changes nothing writes nothing and
/// records no event.
pub async fn update(
    store: &Store,
    account: &Account,
    mut segment: Segment,
    changes: Changes,
) -> Result<Segment> {
    let previous = apply(
        &mut segment,
        changes.title.as_deref(),
        changes.campaign_id.as_deref(),
    )?;
    if previous.is_empty() {
        return Ok(segment);
    }
    let campaign = mapped_campaign(store, &account.id, &segment.campaign_id).await?;
    let previous_campaign = match &previous.campaign_id {
        Some(id) => Some(campaigns::find(store, &account.id, id).await?),
        None => None,
    };
    let mut tx = store.begin_write().await?;
    if let Err(err) = segments::update_segment(&mut tx, &segment).await {
        drop(tx);
        return Err(title_taken(store, &account.id, err, &segment.title).await);
    }
    let data = SegmentUpdatedData::new(
        account,
        &segment,
        &campaign,
        previous.title.as_deref(),
        previous_campaign.as_ref(),
    );
    outbox::record(&mut tx, &account.id, EventData::SegmentUpdated(data)).await?;
    tx.announce_change(&account.id).await?;
    tx.commit().await?;
    store.forget(&account.id);
    Ok(segment)
}

pub async fn delete(store: &Store, account: &Account, segment: &Segment) -> Result<()> {
    let campaign = campaigns::find(store, &account.id, &segment.campaign_id).await?;
    let mut tx = store.begin_write().await?;
    segments::delete_segment(&mut tx, segment).await?;
    let data = SegmentData::new(account, segment, &campaign);
    outbox::record(&mut tx, &account.id, EventData::SegmentDeleted(data)).await?;
    tx.announce_change(&account.id).await?;
    tx.commit().await?;
    store.forget(&account.id);
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

/// The unique title constraint as a conflict naming the field and the
/// title that has it, which may differ from `title` in case or spaces.
async fn title_taken(
    store: &Store,
    account_id: &str,
    err: sqlx::Error,
    title: &str,
) -> crate::app::Error {
    if !is_unique_violation(&err) {
        return err.into();
    }
    let taken = match store.segment_with_campaign(account_id, title).await {
        Ok(Some((segment, _))) => segment.title,
        Ok(None) => title.to_owned(),
        Err(err) => return err.into(),
    };
    let message = if taken == title {
        format!("A segment is already titled {taken:?}.")
    } else {
        format!(
            "A segment is already titled {taken:?}: titles are compared ignoring case and \
             surrounding spaces."
        )
    };
    Error::Conflict {
        field: "title",
        message,
    }
    .into()
}

//! Creating, changing and deleting segments; each change records its
//! `segment.*` event in the same transaction.

use adact_wire::ErrorCode;
use sqlx::AnyConnection;

use crate::app::Result;
use adact_domain::{
    Error,
    account::Account,
    campaign::Campaign,
    etag::{self, Precondition},
    events::{EventData, SegmentData, SegmentUpdatedData},
    segment::{Segment, apply, check_title},
};
use adact_store::{Store, campaigns, dialect::is_unique_violation, outbox, segments};

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
    let (account, campaign_id) = (account.clone(), campaign_id.to_owned());
    store
        .transact(move |tx| {
            Box::pin(async move {
                let campaign = mapped_campaign(tx, &account.id, &campaign_id).await?;
                check_title_free(tx, &account.id, &title, None).await?;
                let segment = segments::insert_segment(tx, &account.id, &title, &campaign.id)
                    .await
                    .map_err(|err| unique_title(err, &title))?;
                let data = SegmentData::new(&account, &segment, &campaign);
                outbox::record(tx, &account.id, EventData::SegmentCreated(data)).await?;
                tx.changed(&account.id).await?;
                Ok(segment)
            })
        })
        .await
}

/// Saves what `changes` changes to the segment as its transaction reads
/// it (locked), if it still meets `precondition`, and records
/// `segment.updated` with the previous values; an update that changes
/// nothing writes nothing and records no event.
pub async fn update(
    store: &Store,
    account: &Account,
    id: &str,
    changes: Changes,
    precondition: Option<Precondition>,
) -> Result<Segment> {
    let (account, id) = (account.clone(), id.to_owned());
    store
        .transact(move |tx| {
            Box::pin(async move {
                let mut segment = segment_in(tx, &account.id, &id).await?;
                etag::check(precondition.as_ref(), &segment.etag(), "segment")?;
                let previous = apply(
                    &mut segment,
                    changes.title.as_deref(),
                    changes.campaign_id.as_deref(),
                )?;
                if previous.is_empty() {
                    return Ok(segment);
                }
                let campaign = mapped_campaign(tx, &account.id, &segment.campaign_id).await?;
                // Always: a segment keyed before titles were unique may
                // share its title with another until it is renamed.
                check_title_free(tx, &account.id, &segment.title, Some(&segment.id)).await?;
                let previous_campaign = match &previous.campaign_id {
                    Some(id) => campaigns::campaign_by_id(tx, id).await?,
                    None => None,
                };
                segments::update_segment(tx, &segment)
                    .await
                    .map_err(|err| unique_title(err, &segment.title))?;
                let data = SegmentUpdatedData::new(
                    &account,
                    &segment,
                    &campaign,
                    previous.title.as_deref(),
                    previous_campaign.as_ref(),
                );
                outbox::record(tx, &account.id, EventData::SegmentUpdated(data)).await?;
                tx.changed(&account.id).await?;
                Ok(segment)
            })
        })
        .await
}

/// Deletes the segment, unless it no longer meets `precondition`, and
/// records `segment.deleted`.
pub async fn delete(
    store: &Store,
    account: &Account,
    id: &str,
    precondition: Option<Precondition>,
) -> Result<()> {
    let (account, id) = (account.clone(), id.to_owned());
    store
        .transact(move |tx| {
            Box::pin(async move {
                let segment = segment_in(tx, &account.id, &id).await?;
                etag::check(precondition.as_ref(), &segment.etag(), "segment")?;
                let campaign = campaigns::campaign_by_id(tx, &segment.campaign_id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("a segment's campaign is missing"))?;
                segments::delete_segment(tx, &segment).await?;
                let data = SegmentData::new(&account, &segment, &campaign);
                outbox::record(tx, &account.id, EventData::SegmentDeleted(data)).await?;
                tx.changed(&account.id).await?;
                Ok(())
            })
        })
        .await
}

/// The account's segment with this id.
pub async fn find(store: &Store, account_id: &str, id: &str) -> Result<Segment> {
    store
        .segment(account_id, id)
        .await?
        .ok_or_else(|| not_found(id).into())
}

/// The account's segment with this id, read and locked in the transaction.
async fn segment_in(conn: &mut AnyConnection, account_id: &str, id: &str) -> Result<Segment> {
    segments::lock_segment(conn, account_id, id)
        .await?
        .ok_or_else(|| not_found(id).into())
}

fn not_found(id: &str) -> Error {
    Error::not_found(
        ErrorCode::SegmentNotFound,
        format!("No segment has the id {id:?}."),
    )
}

/// The campaign a segment names, as a field error when it is not there.
async fn mapped_campaign(conn: &mut AnyConnection, account_id: &str, id: &str) -> Result<Campaign> {
    campaigns::campaign_by_id(conn, id)
        .await?
        .filter(|campaign| campaign.account_id == account_id)
        .ok_or_else(|| {
            Error::invalid("campaign_id", format!("no campaign has the id {id:?}")).into()
        })
}

/// Refuses a title another segment of the account has (titles are
/// compared ignoring case and surrounding spaces), naming that segment's
/// title, which may differ from `title` in those.
async fn check_title_free(
    conn: &mut AnyConnection,
    account_id: &str,
    title: &str,
    this: Option<&str>,
) -> Result<()> {
    match segments::segment_titled(conn, account_id, title, this).await? {
        Some(other) => Err(title_taken(&other.title, title)),
        None => Ok(()),
    }
}

fn title_taken(taken: &str, title: &str) -> crate::app::Error {
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

/// The unique title constraint, should a segment take the title between
/// the check and the write (PostgreSQL), as the same conflict.
fn unique_title(err: sqlx::Error, title: &str) -> crate::app::Error {
    if is_unique_violation(&err) {
        title_taken(title, title)
    } else {
        err.into()
    }
}

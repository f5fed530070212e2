//! Creating, changing and deleting campaigns.

use crate::app::Result;
use adact_domain::{
    Error,
    campaign::{Campaign, Codes, NewCampaign, check_text},
    etag::{self, Precondition},
};
use adact_store::{
    Store,
    campaigns::{self, Deleted},
};
use adact_wire::ErrorCode;

/// The checks a campaign passes before it is saved (or previewed), naming
/// the field at fault by its path in the request body
/// (`definition.prizes[2].weight`).
pub fn validate(new: &NewCampaign) -> Result<(), Error> {
    check_text("name", &new.name, 1, 120)?;
    new.definition
        .validate(new.kind)
        .map_err(|e| e.within("definition"))
}

pub async fn create(store: &Store, account_id: &str, new: NewCampaign) -> Result<Campaign> {
    validate(&new)?;
    if new.definition.prizes.iter().any(|p| p.id.is_some()) {
        return Err(Error::invalid(
            "definition.prizes",
            "a new campaign's prizes have no id yet",
        )
        .into());
    }
    let account_id = account_id.to_owned();
    store
        .transact(move |tx| {
            Box::pin(async move {
                let campaign = campaigns::insert_campaign(tx, &account_id, new).await?;
                tx.changed(&account_id).await?;
                Ok(campaign)
            })
        })
        .await
}

/// What an update may change; a `definition` replaces the whole one.
#[derive(Debug, Default)]
pub struct Changes {
    pub name: Option<String>,
    pub kind: Option<adact_wire::CampaignKind>,
    pub status: Option<adact_domain::campaign::Status>,
    pub definition: Option<adact_domain::campaign::Definition>,
}

/// Saves the changes over the campaign as its transaction reads it
/// (locked, so concurrent edits apply one after another and none is lost),
/// if it still meets `precondition`; prizes sent back with their id keep
/// their stock and codes.
pub async fn update(
    store: &Store,
    account_id: &str,
    id: &str,
    changes: Changes,
    precondition: Option<Precondition>,
) -> Result<Campaign> {
    if let Some(name) = &changes.name {
        check_text("name", name, 1, 120)?;
    }
    let mut changes = changes;
    let staged = stage_pools(store, account_id, id, &changes).await?;
    let made: Vec<String> = staged.values().cloned().collect();
    // Written and checked already: the edit's own transaction, which holds
    // SQLite's writer, neither checks nor copies them again.
    if let Some(definition) = &mut changes.definition {
        for index in staged.keys() {
            if let Codes::Pool(codes) = &mut definition.prizes[*index].codes {
                codes.clear();
            }
        }
    }
    let (account_id, id) = (account_id.to_owned(), id.to_owned());
    let saved = store
        .transact(move |tx| {
            Box::pin(async move {
                let previous = campaigns::lock_campaign(tx, &account_id, &id)
                    .await?
                    .ok_or_else(|| not_found(&id))?;
                etag::check(precondition.as_ref(), &previous.etag(), "campaign")?;
                let next = changes.apply(&previous)?;
                let campaign = campaigns::save_campaign(tx, &previous, next, &staged).await?;
                tx.changed(&account_id).await?;
                Ok(campaign)
            })
        })
        .await;
    if saved.is_err() {
        unstage(store, made).await;
    }
    saved
}

/// A new prize's pool larger than this is written ahead of the edit, in
/// chunks (see `store::campaigns::Staged`).
const STAGE_POOLS_OVER: usize = 5_000;
/// How many codes one of those chunks writes: a few milliseconds of the
/// writer's time each.
const CODES_PER_CHUNK: usize = 500;

/// Writes the pools of the edit's new prizes that are larger than
/// [`STAGE_POOLS_OVER`] ahead of it, each under a prize made inactive for
/// it, in chunks that are transactions of their own, so that plays go on
/// between them instead of waiting for one long write. The definition is
/// checked first; on any failure what was written is deleted.
async fn stage_pools(
    store: &Store,
    account_id: &str,
    id: &str,
    changes: &Changes,
) -> Result<campaigns::Staged> {
    let mut staged = campaigns::Staged::new();
    let Some(definition) = &changes.definition else {
        return Ok(staged);
    };
    let pools: Vec<(usize, &Vec<String>)> = definition
        .prizes
        .iter()
        .enumerate()
        .filter_map(|(index, prize)| match (&prize.id, &prize.codes) {
            (None, Codes::Pool(codes)) if codes.len() > STAGE_POOLS_OVER => Some((index, codes)),
            _ => None,
        })
        .collect();
    if pools.is_empty() {
        return Ok(staged);
    }
    let current = find(store, account_id, id).await?;
    definition
        .validate(changes.kind.unwrap_or(current.kind))
        .map_err(|e| e.within("definition"))?;
    for (index, codes) in pools {
        let campaign_id = current.id.clone();
        let written = async {
            let prize_id = store
                .transact(move |tx| {
                    Box::pin(async move { campaigns::stage_prize(tx, &campaign_id).await })
                })
                .await?;
            staged.insert(index, prize_id.clone());
            for chunk in codes.chunks(CODES_PER_CHUNK) {
                let (prize_id, chunk) = (prize_id.clone(), chunk.to_vec());
                store
                    .transact(move |tx| {
                        Box::pin(async move { campaigns::add_codes(tx, &prize_id, &chunk).await })
                    })
                    .await?;
            }
            Ok::<_, sqlx::Error>(())
        }
        .await;
        if let Err(err) = written {
            unstage(store, staged.into_values().collect()).await;
            return Err(err.into());
        }
    }
    Ok(staged)
}

/// Deletes prizes made ahead of an edit that failed, with their codes.
async fn unstage(store: &Store, prize_ids: Vec<String>) {
    for prize_id in prize_ids {
        let dropped = store
            .transact(move |tx| {
                Box::pin(async move { campaigns::drop_staged(tx, &prize_id).await })
            })
            .await;
        if let Err(err) = dropped {
            // An inactive prize no definition names: never drawn.
            tracing::warn!(%err, "could not delete the codes written ahead of a failed edit");
        }
    }
}

impl Changes {
    /// The campaign `previous` with these changes, checked.
    fn apply(self, previous: &Campaign) -> Result<Campaign, Error> {
        let mut next = previous.clone();
        if let Some(name) = self.name {
            next.name = name;
        }
        if let Some(kind) = self.kind {
            next.kind = kind;
        }
        if let Some(status) = self.status {
            next.status = status;
        }
        if let Some(definition) = self.definition {
            next.definition = definition;
        }
        let in_definition = |e: Error| e.within("definition");
        next.definition.validate(next.kind).map_err(in_definition)?;
        next.definition
            .check_prize_ids(Some(&previous.definition))
            .map_err(in_definition)?;
        Ok(next)
    }
}

/// Deletes a campaign, refused while a segment shows it, and when it no
/// longer meets `precondition`.
pub async fn delete(
    store: &Store,
    account_id: &str,
    id: &str,
    precondition: Option<Precondition>,
) -> Result<()> {
    let (account_id, id) = (account_id.to_owned(), id.to_owned());
    store
        .transact(move |tx| {
            Box::pin(async move {
                if let Some(precondition) = &precondition {
                    let current = campaigns::lock_campaign(tx, &account_id, &id)
                        .await?
                        .ok_or_else(|| not_found(&id))?;
                    etag::check(Some(precondition), &current.etag(), "campaign")?;
                }
                match campaigns::delete_campaign(tx, &account_id, &id).await? {
                    Deleted::Deleted => {
                        tx.changed(&account_id).await?;
                        Ok(())
                    }
                    Deleted::NotFound => Err(not_found(&id).into()),
                    Deleted::InUse { segment_title } => Err(Error::Conflict {
                        field: "segments",
                        message: format!(
                            "The segment {segment_title:?} shows this campaign: map it to another \
                             campaign or delete it first."
                        ),
                    }
                    .into()),
                }
            })
        })
        .await
}

/// The account's campaign with this id.
pub async fn find(store: &Store, account_id: &str, id: &str) -> Result<Campaign> {
    store
        .campaign(account_id, id)
        .await?
        .ok_or_else(|| not_found(id).into())
}

pub fn not_found(id: &str) -> Error {
    Error::not_found(
        ErrorCode::CampaignNotFound,
        format!("No campaign has the id {id:?}."),
    )
}

//! Campaign rows, with their prizes' stock and codes kept in tables of
//! their own (see migration 0003).

use std::collections::HashMap;

use adact_wire::CampaignKind;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::{Store, WriteTx, dialect::Placeholders, from_json, named::Stored, to_json};
use adact_domain::{
    campaign::{Campaign, Codes, Definition, NewCampaign, PlayCounts, PrizeStock, Status},
    time::{new_id, now_ms},
};

/// What deleting a campaign did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleted {
    Deleted,
    NotFound,
    /// Refused: this segment (the first found) shows the campaign.
    InUse {
        segment_title: String,
    },
}

/// The columns of [`CampaignRow`], of `campaigns` as `c`.
macro_rules! campaign_columns {
    () => {
        "c.id, c.account_id, c.name, c.kind, c.status, c.definition"
    };
}
pub(super) use campaign_columns;

/// A row of `campaigns`, as [`campaign_columns`] names it.
#[derive(sqlx::FromRow)]
pub(super) struct CampaignRow {
    id: String,
    account_id: String,
    name: String,
    kind: Stored<CampaignKind>,
    status: Stored<Status>,
    definition: String,
}

impl TryFrom<CampaignRow> for Campaign {
    type Error = sqlx::Error;

    fn try_from(row: CampaignRow) -> sqlx::Result<Self> {
        Ok(Campaign {
            id: row.id,
            account_id: row.account_id,
            name: row.name,
            kind: row.kind.0,
            status: row.status.0,
            definition: from_json(&row.definition)?,
        })
    }
}

/// A prize's live stock and codes, as [`Store::prize_states`] reads them.
#[derive(sqlx::FromRow)]
struct PrizeStateRow {
    campaign_id: String,
    id: String,
    stock_remaining: Option<i64>,
    available: i64,
    given: i64,
}

/// A campaign's plays and wins, as [`Store::play_counts`] reads them.
#[derive(sqlx::FromRow)]
struct PlayCountRow {
    campaign_id: String,
    plays: i64,
    wins: i64,
}

impl Store {
    pub async fn campaign(&self, account_id: &str, id: &str) -> sqlx::Result<Option<Campaign>> {
        sqlx::query_as::<_, CampaignRow>(concat!(
            "select ",
            campaign_columns!(),
            " from campaigns c where c.id = $1 and c.account_id = $2"
        ))
        .bind(id)
        .bind(account_id)
        .fetch_optional(self.pool())
        .await?
        .map(Campaign::try_from)
        .transpose()
    }

    /// A page of campaigns, oldest first, after the cursor id.
    pub async fn campaigns(
        &self,
        account_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> sqlx::Result<Vec<Campaign>> {
        sqlx::query_as::<_, CampaignRow>(concat!(
            "select ",
            campaign_columns!(),
            " from campaigns c where c.account_id = $1 and c.id > $2 order by c.id limit $3"
        ))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(Campaign::try_from)
        .collect()
    }

    /// Each active prize's live stock and codes, for every campaign given,
    /// in one query (a page of campaigns is one round trip, not one each):
    /// by campaign id, each list in the database's row order.
    pub async fn prize_states(
        &self,
        campaign_ids: &[&str],
    ) -> sqlx::Result<HashMap<String, Vec<PrizeStock>>> {
        let mut states: HashMap<String, Vec<PrizeStock>> = HashMap::new();
        if campaign_ids.is_empty() {
            return Ok(states);
        }
        let placeholders = Placeholders::from(1).list(campaign_ids.len());
        let sql = format!(
            "select p.campaign_id, p.id, p.stock_remaining, \
               (select count(*) from prize_codes c where c.prize_id = p.id and c.play_id is null) as available, \
               (select count(*) from prize_codes c where c.prize_id = p.id and c.play_id is not null) as given \
             from prizes p where p.campaign_id in ({placeholders}) and p.active = 1"
        );
        let mut query = sqlx::query_as::<_, PrizeStateRow>(AssertSqlSafe(sql));
        for id in campaign_ids {
            query = query.bind(*id);
        }
        for row in query.fetch_all(self.pool()).await? {
            states.entry(row.campaign_id).or_default().push(PrizeStock {
                id: row.id,
                stock_remaining: row.stock_remaining,
                codes_available: row.available,
                codes_given: row.given,
            });
        }
        Ok(states)
    }

    /// Each campaign's plays (the game step played) and wins, for every
    /// campaign given, in one query; a campaign never played is absent.
    pub async fn play_counts(
        &self,
        campaign_ids: &[&str],
    ) -> sqlx::Result<HashMap<String, PlayCounts>> {
        let mut counts = HashMap::new();
        if campaign_ids.is_empty() {
            return Ok(counts);
        }
        let placeholders = Placeholders::from(1).list(campaign_ids.len());
        let sql = format!(
            "select campaign_id, count(*) as plays, count(prize_id) as wins from plays \
             where campaign_id in ({placeholders}) and played_at is not null group by campaign_id"
        );
        let mut query = sqlx::query_as::<_, PlayCountRow>(AssertSqlSafe(sql));
        for id in campaign_ids {
            query = query.bind(*id);
        }
        for row in query.fetch_all(self.pool()).await? {
            let (plays, wins) = (row.plays, row.wins);
            counts.insert(row.campaign_id, PlayCounts { plays, wins });
        }
        Ok(counts)
    }
}

/// Inserts a new campaign and its prizes (which get their ids) in the
/// caller's transaction.
pub async fn insert_campaign(
    conn: &mut WriteTx,
    account_id: &str,
    new: NewCampaign,
) -> sqlx::Result<Campaign> {
    let id = new_id("cmp");
    let now = now_ms();
    let mut definition = new.definition;
    // A new campaign's prizes are new, even when copied from another.
    for prize in &mut definition.prizes {
        prize.id = None;
    }
    sqlx::query(
        "insert into campaigns (id, account_id, name, kind, status, definition, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(&new.name)
    .bind(Stored(new.kind))
    .bind(Stored(new.status))
    .bind(definition_json(&definition)?)
    .bind(now)
    .execute(&mut **conn)
    .await?;
    // The prizes get their ids now; store the definition with them.
    sync_prizes(conn, &id, None, &mut definition, &Staged::new()).await?;
    sqlx::query("update campaigns set definition = $1 where id = $2")
        .bind(definition_json(&definition)?)
        .bind(&id)
        .execute(&mut **conn)
        .await?;
    Ok(Campaign {
        id,
        account_id: account_id.to_owned(),
        name: new.name,
        kind: new.kind,
        status: new.status,
        definition,
    })
}

/// The account's campaign with this id, locked for the caller's
/// transaction (PostgreSQL: the row lock, held to commit, so concurrent
/// edits apply one after another, each to what the one before saved;
/// SQLite: the write lock is already the transaction's).
pub async fn lock_campaign(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> sqlx::Result<Option<Campaign>> {
    sqlx::query("update campaigns set id = id where id = $1 and account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(campaign_by_id(conn, id)
        .await?
        .filter(|campaign| campaign.account_id == account_id))
}

/// Saves a changed campaign in the caller's transaction, over `previous`
/// as the transaction read it (locked); prizes keep their stock and codes
/// by id.
pub async fn save_campaign(
    conn: &mut WriteTx,
    previous: &Campaign,
    mut next: Campaign,
    staged: &Staged,
) -> sqlx::Result<Campaign> {
    sync_prizes(
        conn,
        &next.id,
        Some(&previous.definition),
        &mut next.definition,
        staged,
    )
    .await?;
    sqlx::query(
        "update campaigns set name = $1, kind = $2, status = $3, definition = $4, updated_at = $5 \
         where id = $6 and account_id = $7",
    )
    .bind(&next.name)
    .bind(Stored(next.kind))
    .bind(Stored(next.status))
    .bind(definition_json(&next.definition)?)
    .bind(now_ms())
    .bind(&next.id)
    .bind(&next.account_id)
    .execute(&mut **conn)
    .await?;
    Ok(next)
}

/// Deletes a campaign with its prizes, codes and plays, unless a segment
/// shows it, in the caller's transaction.
pub async fn delete_campaign(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> sqlx::Result<Deleted> {
    let used: Option<String> = sqlx::query_scalar(
        "select title from segments where campaign_id = $1 and account_id = $2 limit 1",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(segment_title) = used {
        return Ok(Deleted::InUse { segment_title });
    }
    let done = sqlx::query("delete from campaigns where id = $1 and account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(if done.rows_affected() == 1 {
        Deleted::Deleted
    } else {
        Deleted::NotFound
    })
}

/// Prizes made ahead of an edit, with their pools of codes, by the place of
/// the new prize each becomes in the edit's definition. A large pool is
/// written before the edit, in chunks that are transactions of their own
/// (so plays go on between them), under a prize made inactive for it: no
/// play can draw a prize the campaign's definition does not name. The
/// edit then makes it the new prize in one row.
pub type Staged = HashMap<usize, String>;

/// Makes an inactive prize of the campaign to write a pool's codes under
/// ahead of an edit (see [`Staged`]).
pub async fn stage_prize(conn: &mut AnyConnection, campaign_id: &str) -> sqlx::Result<String> {
    let id = new_id("prz");
    sqlx::query(
        "insert into prizes (id, campaign_id, code_prefix, stock_remaining, active, created_at) \
         values ($1, $2, null, null, 0, $3)",
    )
    .bind(&id)
    .bind(campaign_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Deletes a prize made ahead of an edit that did not happen, with its
/// codes; a prize the edit made active stays.
pub async fn drop_staged(conn: &mut AnyConnection, prize_id: &str) -> sqlx::Result<()> {
    sqlx::query("delete from prizes where id = $1 and active = 0")
        .bind(prize_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The campaign with this id, whatever its account (a play's campaign).
pub async fn campaign_by_id(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<Campaign>> {
    sqlx::query_as::<_, CampaignRow>(concat!(
        "select ",
        campaign_columns!(),
        " from campaigns c where c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .map(Campaign::try_from)
    .transpose()
}

/// The definition as stored: pools of codes live in `prize_codes`, not here.
fn definition_json(definition: &Definition) -> sqlx::Result<String> {
    to_json(&definition.without_pool_codes())
}

/// Brings the prizes table in line with `next`: new prizes get an id and
/// their stock, known ones keep what is left (moved by the change of
/// stock), removed ones are retired. New pool codes are added. Every id
/// in `next` names a prize of `previous` (`Definition::check_prize_ids`).
async fn sync_prizes(
    tx: &mut WriteTx,
    campaign_id: &str,
    previous: Option<&Definition>,
    next: &mut Definition,
    staged: &Staged,
) -> sqlx::Result<()> {
    let now = now_ms();
    let old_prizes = previous.map_or(&[][..], |d| d.prizes.as_slice());
    for (index, prize) in next.prizes.iter_mut().enumerate() {
        let prefix = match &prize.codes {
            Codes::Generate { prefix } => Some(prefix.clone()),
            Codes::Pool(_) => None,
        };
        let stock = prize.stock.map(i64::from);
        let old = prize
            .id
            .as_ref()
            .and_then(|id| old_prizes.iter().find(|p| p.id.as_ref() == Some(id)));
        let id = match (old, &prize.id) {
            (Some(old), Some(id)) => {
                // What is left moves by the change of stock, never below
                // 0, in the statement itself: a play taking a unit at the
                // same moment is never overwritten.
                let delta = stock.map(|stock| stock - old.stock.map_or(0, i64::from));
                sqlx::query(
                    "update prizes set code_prefix = $1, active = 1, stock_remaining = case \
                     when $2 is null then null \
                     when stock_remaining is null then $3 \
                     when stock_remaining + $2 < 0 then 0 \
                     else stock_remaining + $2 end \
                     where id = $4",
                )
                .bind(&prefix)
                .bind(delta)
                .bind(stock)
                .bind(id)
                .execute(&mut **tx)
                .await?;
                id.clone()
            }
            (None, None) if staged.contains_key(&index) => {
                // Made ahead with its codes (see `Staged`): it becomes the
                // prize now, in one row.
                let id = staged[&index].clone();
                sqlx::query("update prizes set active = 1, stock_remaining = $1 where id = $2")
                    .bind(stock)
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
                prize.id = Some(id.clone());
                id
            }
            _ => {
                let id = new_id("prz");
                sqlx::query(
                    "insert into prizes (id, campaign_id, code_prefix, stock_remaining, created_at) \
                     values ($1, $2, $3, $4, $5)",
                )
                .bind(&id)
                .bind(campaign_id)
                .bind(&prefix)
                .bind(stock)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                prize.id = Some(id.clone());
                id
            }
        };
        if let Codes::Pool(codes) = &prize.codes
            && !staged.contains_key(&index)
        {
            add_codes(tx, &id, codes).await?;
        }
    }
    for old in old_prizes {
        let kept = next.prizes.iter().any(|p| p.id == old.id);
        if let (false, Some(id)) = (kept, &old.id) {
            sqlx::query("update prizes set active = 0 where id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Adds a pool's codes to a prize; codes it has already are skipped.
pub async fn add_codes(tx: &mut WriteTx, prize_id: &str, codes: &[String]) -> sqlx::Result<()> {
    sqlx::query(tx.backend().insert_codes())
        .bind(prize_id.to_owned())
        .bind(to_json(&codes)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

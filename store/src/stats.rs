//! Campaign statistics (see `domain::stats`): the steps' counts, written in
//! each step's own transaction, so none is ever lost; the renders' views,
//! counted in memory ([`Views`]) and added to the hours' rows every few
//! seconds, one statement per campaign and hour; and the reads that sum
//! the hours into days.
//!
//! On PostgreSQL a step appends its counts to `campaign_stat_deltas`
//! rather than updating the hour's row, which every concurrent play of the
//! campaign would queue on; [`Store::fold_step_counts`] moves them into
//! `campaign_stats` every few seconds, and reads add what is not folded
//! yet. Each replica adds its own views to the same rows.

use std::{
    collections::HashMap,
    sync::{
        PoisonError, RwLock,
        atomic::{AtomicI64, Ordering},
    },
};

use sqlx::{AnyConnection, AssertSqlSafe};

use super::{Store, WriteTx, dialect::Placeholders};
use adact_domain::stats::{Counts, DAY_MS, Days, Numbers};

/// The renders' views not written yet, by campaign and hour. A render
/// finds its counter under the read lock and adds to it atomically; the
/// write lock is taken only for a campaign's first view in an hour (and by
/// [`Views::take`]), so renders never wait on each other.
#[derive(Debug, Default)]
pub struct Views {
    pending: RwLock<HashMap<String, Pending>>,
}

#[derive(Debug)]
struct Pending {
    account_id: String,
    hours: HashMap<i64, AtomicI64>,
}

/// Views of one campaign in one hour, to add to its row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ViewCount {
    pub campaign_id: String,
    pub bucket: i64,
    pub account_id: String,
    pub views: i64,
}

impl Views {
    /// Counts one view of the campaign in the hour `bucket`.
    pub fn count(&self, account_id: &str, campaign_id: &str, bucket: i64) {
        self.add(account_id, campaign_id, bucket, 1);
    }

    fn add(&self, account_id: &str, campaign_id: &str, bucket: i64, views: i64) {
        {
            let pending = self.pending.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(counter) = pending
                .get(campaign_id)
                .and_then(|campaign| campaign.hours.get(&bucket))
            {
                counter.fetch_add(views, Ordering::Relaxed);
                return;
            }
        }
        let mut pending = self.pending.write().unwrap_or_else(PoisonError::into_inner);
        pending
            .entry(campaign_id.to_owned())
            .or_insert_with(|| Pending {
                account_id: account_id.to_owned(),
                hours: HashMap::new(),
            })
            .hours
            .entry(bucket)
            .or_default()
            .fetch_add(views, Ordering::Relaxed);
    }

    /// Everything counted so far, in key order, leaving nothing behind.
    pub fn take(&self) -> Vec<ViewCount> {
        let taken =
            std::mem::take(&mut *self.pending.write().unwrap_or_else(PoisonError::into_inner));
        let mut counts: Vec<ViewCount> = taken
            .into_iter()
            .flat_map(|(campaign_id, pending)| {
                let Pending { account_id, hours } = pending;
                hours.into_iter().map(move |(bucket, views)| ViewCount {
                    campaign_id: campaign_id.clone(),
                    bucket,
                    account_id: account_id.clone(),
                    views: views.into_inner(),
                })
            })
            .filter(|count| count.views > 0)
            .collect();
        counts.sort();
        counts
    }

    /// Puts back counts that could not be written, for the next flush.
    pub fn restore(&self, counts: &[ViewCount]) {
        for count in counts {
            self.add(
                &count.account_id,
                &count.campaign_id,
                count.bucket,
                count.views,
            );
        }
    }
}

/// Adds a step's counts to its campaign's hour, in the step's transaction.
/// `prize_id`: the prize a play won.
pub async fn count_step(
    tx: &mut WriteTx,
    account_id: &str,
    campaign_id: &str,
    bucket: i64,
    prize_id: Option<&str>,
    counts: Counts,
) -> sqlx::Result<()> {
    let statement = tx.backend().count_step();
    sqlx::query(statement)
        .bind(campaign_id)
        .bind(bucket)
        .bind(prize_id.unwrap_or(""))
        .bind(account_id)
        .bind(counts.registrations)
        .bind(counts.players)
        .bind(counts.plays)
        .bind(counts.wins)
        .bind(counts.finishes)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether this registration is the player's first for the campaign: no
/// other play of theirs in it was registered.
pub async fn first_registration(
    conn: &mut AnyConnection,
    player_id: &str,
    campaign_id: &str,
    this_play: &str,
) -> sqlx::Result<bool> {
    let before: Option<i64> = sqlx::query_scalar(
        "select 1 from plays where player_id = $1 and campaign_id = $2 and id <> $3 limit 1",
    )
    .bind(player_id)
    .bind(campaign_id)
    .bind(this_play)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(before.is_none())
}

/// The columns of a day's sums, as the reads name them.
const SUMS: &str = "cast(sum(views) as bigint) as views, \
     cast(sum(registrations) as bigint) as registrations, \
     cast(sum(players) as bigint) as players, cast(sum(plays) as bigint) as plays, \
     cast(sum(wins) as bigint) as wins, cast(sum(finishes) as bigint) as finishes";

/// The hours' rows and the steps' counts not folded into them yet, of
/// campaigns `$1` (account) and `{campaigns}`, from bucket `{from}` to
/// before `{to}`.
fn stored(campaigns: &str, from: &str, to: &str) -> String {
    let columns = "campaign_id, bucket, prize_id, registrations, players, plays, wins, finishes";
    format!(
        "select views, {columns} from campaign_stats \
         where account_id = $1 and campaign_id in ({campaigns}) and bucket >= {from} and bucket < {to} \
         union all select 0 as views, {columns} from campaign_stat_deltas \
         where account_id = $1 and campaign_id in ({campaigns}) and bucket >= {from} and bucket < {to}"
    )
}

/// A group's sums, as [`SUMS`] names them.
#[derive(sqlx::FromRow)]
struct SumsRow {
    views: i64,
    registrations: i64,
    players: i64,
    plays: i64,
    wins: i64,
    finishes: i64,
}

impl SumsRow {
    /// The views, and the steps' counts.
    fn numbers(&self) -> (i64, Counts) {
        (
            self.views,
            Counts {
                registrations: self.registrations,
                players: self.players,
                plays: self.plays,
                wins: self.wins,
                finishes: self.finishes,
            },
        )
    }
}

/// A day's sums for one prize ('' for none), as [`Store::campaign_series`]
/// reads them.
#[derive(sqlx::FromRow)]
struct DayRow {
    day: i64,
    prize_id: String,
    #[sqlx(flatten)]
    sums: SumsRow,
}

/// A campaign's sums, as [`Store::recent_numbers`] reads them.
#[derive(sqlx::FromRow)]
struct CampaignSumsRow {
    campaign_id: String,
    #[sqlx(flatten)]
    sums: SumsRow,
}

impl Store {
    /// Counts a view of the campaign (in memory: see [`Views`]).
    pub fn count_view(&self, account_id: &str, campaign_id: &str, bucket: i64) {
        self.views.count(account_id, campaign_id, bucket);
    }

    /// Writes the views counted since the last flush: one statement per
    /// campaign and hour, adding to what is stored (so every replica adds
    /// its own), in one transaction. Views of a campaign deleted meanwhile
    /// are dropped with it. Counts that could not be written are kept for
    /// the next flush. Answers how many rows it added to.
    pub async fn flush_views(&self) -> sqlx::Result<usize> {
        let counts = self.views.take();
        if counts.is_empty() {
            return Ok(0);
        }
        let written = counts.clone();
        let flushed = self
            .transact(move |tx| {
                Box::pin(async move {
                    for count in &written {
                        sqlx::query(
                            "insert into campaign_stats (campaign_id, bucket, prize_id, account_id, views) \
                             select id, $2, '', account_id, $3 from campaigns \
                             where id = $1 and account_id = $4 \
                             on conflict (campaign_id, bucket, prize_id) do update \
                             set views = campaign_stats.views + excluded.views",
                        )
                        .bind(&count.campaign_id)
                        .bind(count.bucket)
                        .bind(count.views)
                        .bind(&count.account_id)
                        .execute(&mut **tx)
                        .await?;
                    }
                    Ok::<_, sqlx::Error>(written.len())
                })
            })
            .await;
        if flushed.is_err() {
            self.views.restore(&counts);
        }
        flushed
    }

    /// Folds the steps' appended counts into the hours' rows (PostgreSQL;
    /// nothing to do on SQLite), `batch` at a time, for at most `rounds`
    /// batches. Answers how many hours' rows it added to.
    pub async fn fold_step_counts(&self, batch: i64, rounds: usize) -> sqlx::Result<u64> {
        let Some(statement) = self.backend.fold_step_counts() else {
            return Ok(0);
        };
        let mut folded = 0;
        for _ in 0..rounds {
            let rows = self
                .write(sqlx::query(statement).bind(batch))
                .await?
                .rows_affected();
            folded += rows;
            if rows == 0 {
                break;
            }
        }
        Ok(folded)
    }

    /// A campaign's numbers for each day of `days`, and the total. The
    /// caller checked that the campaign is the account's.
    pub async fn campaign_series(
        &self,
        account_id: &str,
        campaign_id: &str,
        days: &Days,
    ) -> sqlx::Result<Vec<Numbers>> {
        // Each bucket's day: its start plus the offset of its segment.
        let mut placeholders = Placeholders::from(5);
        let mut offset = String::new();
        for _ in 1..days.segments.len() {
            let (before, then) = (placeholders.one(), placeholders.one());
            offset.push_str(&format!("case when bucket < {before} then {then} else "));
        }
        offset.push_str(&placeholders.one());
        offset.push_str(&" end".repeat(days.segments.len() - 1));
        let sql = format!(
            "select (bucket + {offset}) / {DAY_MS} as day, prize_id, {SUMS} \
             from ({stored}) s group by 1, 2",
            stored = stored("$2", "$3", "$4"),
        );
        let mut query = sqlx::query_as::<_, DayRow>(AssertSqlSafe(sql))
            .bind(account_id)
            .bind(campaign_id)
            .bind(days.start)
            .bind(days.end);
        // Segment i ends where segment i + 1 starts, with segment i's offset.
        for pair in days.segments.windows(2) {
            query = query.bind(pair[1].0).bind(pair[0].1);
        }
        let last = days.segments.last().map_or(0, |(_, offset)| *offset);
        query = query.bind(last);
        let mut series = vec![Numbers::default(); days.len()];
        for row in query.fetch_all(self.pool()).await? {
            let (views, counts) = row.sums.numbers();
            let i = usize::try_from(row.day - days.first_day).ok();
            if let Some(numbers) = i.and_then(|i| series.get_mut(i)) {
                numbers.add(&row.prize_id, views, counts);
            }
        }
        Ok(series)
    }

    /// The numbers of each of the account's `campaign_ids` since the bucket
    /// `since`, in one query.
    pub async fn recent_numbers(
        &self,
        account_id: &str,
        campaign_ids: &[&str],
        since: i64,
    ) -> sqlx::Result<HashMap<String, Numbers>> {
        let mut numbers: HashMap<String, Numbers> = HashMap::new();
        if campaign_ids.is_empty() {
            return Ok(numbers);
        }
        let list = Placeholders::from(4).list(campaign_ids.len());
        let sql = format!(
            "select campaign_id, {SUMS} from ({stored}) s group by campaign_id",
            stored = stored(&list, "$2", "$3"),
        );
        let mut query = sqlx::query_as::<_, CampaignSumsRow>(AssertSqlSafe(sql))
            .bind(account_id)
            .bind(since)
            .bind(i64::MAX);
        for id in campaign_ids {
            query = query.bind(*id);
        }
        for row in query.fetch_all(self.pool()).await? {
            let (views, counts) = row.sums.numbers();
            numbers
                .entry(row.campaign_id)
                .or_default()
                .add("", views, counts);
        }
        Ok(numbers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_add_up_by_campaign_and_hour_and_come_back_after_a_failed_write() {
        let views = Views::default();
        for _ in 0..3 {
            views.count("acc_1", "cmp_b", 7);
        }
        views.count("acc_1", "cmp_a", 7);
        views.count("acc_1", "cmp_a", 8);
        let taken = views.take();
        let keys: Vec<_> = taken
            .iter()
            .map(|c| (c.campaign_id.as_str(), c.bucket, c.views))
            .collect();
        assert_eq!(keys, [("cmp_a", 7, 1), ("cmp_a", 8, 1), ("cmp_b", 7, 3)]);
        assert!(views.take().is_empty());
        views.restore(&taken);
        views.count("acc_1", "cmp_b", 7);
        assert_eq!(views.take()[2].views, 4);
    }

    #[test]
    fn concurrent_views_are_all_counted() {
        let views = std::sync::Arc::new(Views::default());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let views = views.clone();
                std::thread::spawn(move || {
                    for i in 0..10_000 {
                        views.count("acc_1", &format!("cmp_{}", (i + t) % 3), i % 2);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let total: i64 = views.take().iter().map(|c| c.views).sum();
        assert_eq!(total, 40_000);
    }
}

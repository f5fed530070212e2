//! Segments: a title, unique within an account by its key (see
//! `domain::segment::title_key`), mapped to a campaign.

use sqlx::AnyConnection;

use super::{
    Store,
    campaigns::{CampaignRow, campaign_columns},
    dialect::is_unique_violation,
};
use adact_domain::{
    campaign::Campaign,
    segment::{Segment, title_key},
    time::{new_id, now_ms},
};

/// The columns of [`SegmentRow`], of `segments` as `s`.
macro_rules! segment_columns {
    () => {
        "s.id, s.account_id, s.title, s.campaign_id"
    };
}

/// A row of `segments`, as [`segment_columns`] names it.
#[derive(sqlx::FromRow)]
struct SegmentRow {
    id: String,
    account_id: String,
    title: String,
    campaign_id: String,
}

impl From<SegmentRow> for Segment {
    fn from(row: SegmentRow) -> Self {
        Segment {
            id: row.id,
            account_id: row.account_id,
            title: row.title,
            campaign_id: row.campaign_id,
        }
    }
}

/// A segment with its campaign, as [`Store::segment_with_campaign`] reads it.
#[derive(sqlx::FromRow)]
struct SegmentWithCampaignRow {
    segment_id: String,
    segment_title: String,
    #[sqlx(flatten)]
    campaign: CampaignRow,
}

impl Store {
    pub async fn segment(&self, account_id: &str, id: &str) -> sqlx::Result<Option<Segment>> {
        Ok(sqlx::query_as::<_, SegmentRow>(concat!(
            "select ",
            segment_columns!(),
            " from segments s where s.id = $1 and s.account_id = $2"
        ))
        .bind(id)
        .bind(account_id)
        .fetch_optional(self.pool())
        .await?
        .map(Segment::from))
    }

    /// A page of segments, oldest first, after the cursor id.
    pub async fn segments(
        &self,
        account_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> sqlx::Result<Vec<Segment>> {
        let rows = sqlx::query_as::<_, SegmentRow>(concat!(
            "select ",
            segment_columns!(),
            " from segments s where s.account_id = $1 and s.id > $2 order by s.id limit $3"
        ))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(Segment::from).collect())
    }

    /// Resolves a segment title to the segment and its campaign, in one
    /// query, ignoring case and surrounding spaces.
    pub async fn segment_with_campaign(
        &self,
        account_id: &str,
        title: &str,
    ) -> sqlx::Result<Option<(Segment, Campaign)>> {
        let row = sqlx::query_as::<_, SegmentWithCampaignRow>(concat!(
            "select s.id as segment_id, s.title as segment_title, ",
            campaign_columns!(),
            " from segments s join campaigns c on c.id = s.campaign_id \
             where s.account_id = $1 and s.title_key = $2"
        ))
        .bind(account_id)
        .bind(title_key(title))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let campaign = Campaign::try_from(row.campaign)?;
        let segment = Segment {
            id: row.segment_id,
            account_id: campaign.account_id.clone(),
            title: row.segment_title,
            campaign_id: campaign.id.clone(),
        };
        Ok(Some((segment, campaign)))
    }
}

/// The account's segment with this id, locked for the caller's
/// transaction (PostgreSQL: the row lock, held to commit, so concurrent
/// edits apply one after another, each to what the one before saved;
/// SQLite: the write lock is already the transaction's).
pub async fn lock_segment(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> sqlx::Result<Option<Segment>> {
    sqlx::query("update segments set id = id where id = $1 and account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_as::<_, SegmentRow>(concat!(
        "select ",
        segment_columns!(),
        " from segments s where s.id = $1 and s.account_id = $2"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?
    .map(Segment::from))
}

/// A segment of the account other than `except` whose title has the same
/// key as `title` (ignoring case and surrounding spaces), if any.
pub async fn segment_titled(
    conn: &mut AnyConnection,
    account_id: &str,
    title: &str,
    except: Option<&str>,
) -> sqlx::Result<Option<Segment>> {
    Ok(sqlx::query_as::<_, SegmentRow>(concat!(
        "select ",
        segment_columns!(),
        " from segments s where s.account_id = $1 and s.title_key = $2 and s.id <> $3 \
         order by s.id limit 1"
    ))
    .bind(account_id)
    .bind(title_key(title))
    .bind(except.unwrap_or_default().to_owned())
    .fetch_optional(conn)
    .await?
    .map(Segment::from))
}

/// Inserts a segment in the caller's transaction; a title taken in the
/// account (ignoring case and surrounding spaces) fails with a unique
/// violation.
pub async fn insert_segment(
    conn: &mut AnyConnection,
    account_id: &str,
    title: &str,
    campaign_id: &str,
) -> sqlx::Result<Segment> {
    let id = new_id("seg");
    let now = now_ms();
    sqlx::query(
        "insert into segments (id, account_id, title, title_key, campaign_id, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(title)
    .bind(title_key(title))
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
        "update segments set title = $1, title_key = $2, campaign_id = $3, updated_at = $4 \
         where id = $5 and account_id = $6",
    )
    .bind(&segment.title)
    .bind(title_key(&segment.title))
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

/// Gives each segment that has none its title key, oldest first: the
/// segments saved before the key existed (migration 0007) or by a server
/// of the previous version during a rollout. Run at start; the key is made
/// here rather than in SQL so that both backends lowercase as Rust does.
///
/// A title that differs only in case or surrounding spaces from an older
/// segment's of the same account (allowed before) gets no key: pages
/// naming that title get the older segment, and saving the segment again
/// needs a new title. Each is logged, at every start, until renamed.
pub(super) async fn key_titles(store: &Store) -> sqlx::Result<()> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select id, account_id, title from segments where title_key is null \
         order by created_at, id",
    )
    .fetch_all(store.pool())
    .await?;
    for (id, account, title) in rows {
        let keyed = store
            .write(
                sqlx::query(
                    "update segments set title_key = $1 where id = $2 and title_key is null",
                )
                .bind(title_key(&title))
                .bind(&id),
            )
            .await;
        match keyed {
            Err(err) if is_unique_violation(&err) => tracing::warn!(
                segment = %id,
                %account,
                title,
                "an older segment of the account has this title but for case or spaces: \
                 pages naming it get the older one; rename this segment"
            ),
            other => {
                other?;
            }
        }
    }
    Ok(())
}

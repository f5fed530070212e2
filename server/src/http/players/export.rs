//! `GET /api/v1/players/export`: one row per play with its player, as CSV
//! (RFC 4180, UTF-8 with a byte-order mark, formula cells neutralised) or
//! NDJSON, streamed: the header goes out at once, then the plays in
//! chunks, each read by a query of its own, so memory stays flat and no
//! read lasts as long as the export.

use std::{borrow::Cow, collections::HashMap, sync::Arc};

use adact_wire::ErrorBody;
use axum::{
    body::{Body, Bytes},
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use utoipa::IntoParams;

use super::{Outcome, campaigns_of, players_query};
use crate::http::{
    AppState,
    error::{Error, Result},
    extract::{AdminAccount, Query},
};
use adact_domain::{
    campaign::Campaign,
    player::PlayerFilter,
    time::{now_ms, rfc3339},
};
use adact_store::{
    Store,
    players::{self, ExportChunk, Exported},
};

players_query! {
    /// The export's format and the list's filters.
    struct ExportQuery {
        /// `csv` (the default) or `ndjson`.
        #[param(example = "csv")]
        format: Option<String>,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Ndjson,
}

/// How many plays one query reads.
const CHUNK: i64 = 2_000;

/// Export players
///
/// One row per play, newest first, with the player's identity, consent and
/// form fields (a column per field of the exported campaigns' forms), for
/// the list's filters. `format=csv`: a header row, RFC 4180 quoting, UTF-8
/// with a byte-order mark for spreadsheet programs; a cell that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
/// so that no spreadsheet runs it as a formula. `format=ndjson`: one JSON
/// object a line. The answer streams: it starts at once, whatever the
/// size. Should the database fail midway, the answer is cut off (the
/// chunked body does not end), never silently short.
#[utoipa::path(
    get,
    path = "/api/v1/players/export",
    operation_id = "export_players",
    tag = "players",
    security(("admin_token" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "The plays, streamed.",
            content((String = "text/csv"), (String = "application/x-ndjson"))),
        (status = 400, description = "`invalid_request`: an unknown parameter.", body = ErrorBody),
        (status = 422, description = "`validation_failed`: an unknown `format`, or a filter as in the list.", body = ErrorBody),
    )
)]
pub(super) async fn export(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Query(query): Query<ExportQuery>,
) -> Result<Response> {
    let format = match query.format.as_deref() {
        None | Some("csv") => Format::Csv,
        Some("ndjson") => Format::Ndjson,
        Some(other) => {
            return Err(Error::invalid(
                "format",
                format!("must be csv or ndjson, not {other:?}"),
            ));
        }
    };
    let filter = query.filter()?;
    let mut campaigns = campaigns_of(&state, &account.id).await?;
    if let Some(id) = &filter.campaign_id {
        campaigns.retain(|c| &c.id == id);
    }
    let segments = segment_titles(&state, &account.id).await?;
    let rows = Rows::new(format, &campaigns, segments);
    let (sender, receiver) = mpsc::channel(4);
    tokio::spawn(stream(
        state.store.clone(),
        account.id.clone(),
        filter,
        rows,
        sender,
    ));
    // Fused: a layer (compression) may poll the body again after its end.
    let body = Body::from_stream(futures_util::StreamExt::fuse(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|chunk| (chunk, receiver)) },
    )));
    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Ndjson => ("application/x-ndjson", "ndjson"),
    };
    let day = &rfc3339(now_ms())[..10];
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"players-{day}.{extension}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

type Chunk = std::result::Result<Bytes, std::io::Error>;

/// Reads the plays a chunk at a time and sends them encoded, until the
/// last or until the client is gone (the receiver dropped).
async fn stream(
    store: Store,
    account_id: String,
    filter: PlayerFilter,
    rows: Rows,
    sender: mpsc::Sender<Chunk>,
) {
    if sender.send(Ok(rows.header())).await.is_err() {
        return;
    }
    let reader = Arc::new(Reader {
        store,
        account_id,
        filter,
    });
    let rows = Arc::new(rows);
    // The database reads the next chunk while this one is written out.
    let mut next = Some(tokio::spawn(reader.clone().read(None)));
    while let Some(reading) = next.take() {
        let written = async {
            let chunk = reading.await.map_err(|_| sqlx::Error::WorkerCrashed)??;
            if chunk.count == CHUNK {
                next = Some(tokio::spawn(reader.clone().read(chunk.last)));
            }
            // Reading and writing a chunk takes a few milliseconds of CPU:
            // on a thread of its own, not one of the runtime's, so the
            // public steps' requests are not held behind it; and both on
            // the same thread, which frees what it allocated.
            let rows = rows.clone();
            tokio::task::spawn_blocking(move || {
                players::exported_rows(&chunk.rows).map(|chunk| rows.encode(&chunk))
            })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
        }
        .await;
        let bytes = match written {
            Ok(bytes) => bytes,
            Err(err) => {
                tracing::error!(%err, "the players export failed midway");
                let _ = sender.send(Err(std::io::Error::other(err))).await;
                return;
            }
        };
        if sender.send(Ok(bytes)).await.is_err() {
            return;
        }
    }
}

/// What reads the export's chunks.
struct Reader {
    store: Store,
    account_id: String,
    filter: PlayerFilter,
}

impl Reader {
    /// The chunk below the cursor `after`, newest first.
    async fn read(self: Arc<Self>, after: Option<String>) -> sqlx::Result<ExportChunk> {
        let mut conn = self.store.pool().acquire().await?;
        players::export_chunk(
            &mut conn,
            self.store.backend(),
            &self.account_id,
            &self.filter,
            after.as_deref(),
            CHUNK,
        )
        .await
    }
}

/// Every segment's title by id.
async fn segment_titles(state: &AppState, account_id: &str) -> Result<HashMap<String, String>> {
    let segments = state.store.segments(account_id, None, i64::MAX).await?;
    Ok(segments.into_iter().map(|s| (s.id, s.title)).collect())
}

/// The columns before the form's fields.
const COLUMNS: [&str; 20] = [
    "play_id",
    "started_at",
    "played_at",
    "finished_at",
    "campaign_id",
    "campaign",
    "segment_id",
    "segment",
    "outcome",
    "prize",
    "code",
    "score",
    "player_id",
    "external_id",
    "email",
    "name",
    "consent_given",
    "consent_text",
    "consent_at",
    "registered_at",
];

/// How rows are written: the format, the names of ids, and the form
/// fields' columns (key and header).
struct Rows {
    format: Format,
    campaigns: HashMap<String, String>,
    segments: HashMap<String, String>,
    fields: Vec<(String, String)>,
}

/// One play as an NDJSON line.
#[derive(Serialize)]
struct Line<'a> {
    play_id: &'a str,
    started_at: String,
    played_at: Option<String>,
    finished_at: Option<String>,
    campaign_id: &'a str,
    campaign: Option<&'a str>,
    segment_id: &'a str,
    segment: Option<&'a str>,
    outcome: Outcome,
    prize: Option<&'a str>,
    code: Option<&'a str>,
    score: Option<i64>,
    player_id: &'a str,
    external_id: &'a str,
    email: Option<&'a str>,
    name: Option<&'a str>,
    consent_given: bool,
    consent_text: Option<&'a str>,
    consent_at: Option<String>,
    registered_at: String,
    fields: &'a std::collections::BTreeMap<String, String>,
}

impl Rows {
    fn new(format: Format, campaigns: &[Campaign], segments: HashMap<String, String>) -> Self {
        // Each field key once, in the order the forms list them; headed by
        // its label, with the key where a label is not enough to tell.
        let mut fields: Vec<(String, String)> = Vec::new();
        for campaign in campaigns {
            for field in &campaign.definition.form.fields {
                if !fields.iter().any(|(key, _)| key == &field.key) {
                    fields.push((field.key.clone(), field.label.clone()));
                }
            }
        }
        let headers: Vec<String> = fields
            .iter()
            .map(|(key, label)| {
                let clash = COLUMNS.contains(&label.as_str())
                    || fields.iter().filter(|(_, other)| other == label).count() > 1
                    || label.trim().is_empty();
                if clash {
                    format!("{label} ({key})")
                } else {
                    label.clone()
                }
            })
            .collect();
        Self {
            format,
            campaigns: campaigns
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect(),
            segments,
            fields: fields
                .into_iter()
                .zip(headers)
                .map(|((key, _), header)| (key, header))
                .collect(),
        }
    }

    /// What the export starts with: for CSV, the byte-order mark and the
    /// header row.
    fn header(&self) -> Bytes {
        match self.format {
            Format::Ndjson => Bytes::new(),
            Format::Csv => {
                let mut out = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
                let record = COLUMNS.iter().map(|c| bytes(neutralise(c))).chain(
                    self.fields
                        .iter()
                        .map(|(_, header)| bytes(neutralise(header))),
                );
                // Writing to memory cannot fail.
                let _ = out.write_record(record);
                Bytes::from(out.into_inner().unwrap_or_default())
            }
        }
    }

    fn encode(&self, chunk: &[Exported]) -> Bytes {
        match self.format {
            Format::Csv => self.csv(chunk),
            Format::Ndjson => self.ndjson(chunk),
        }
    }

    fn csv(&self, chunk: &[Exported]) -> Bytes {
        let mut out = csv::Writer::from_writer(Vec::with_capacity(chunk.len() * 512));
        for row in chunk {
            let (play, player) = (&row.play, &row.player);
            let time = |ms: Option<i64>| ms.map(rfc3339).unwrap_or_default();
            let consent = player.consent.as_ref();
            let fixed: [Cow<'_, str>; 20] = [
                play.id.as_str().into(),
                rfc3339(play.started_at).into(),
                time(play.played_at).into(),
                time(play.finished_at).into(),
                play.campaign_id.as_str().into(),
                self.campaign(&play.campaign_id).unwrap_or_default().into(),
                play.segment_id.as_str().into(),
                self.segment(&play.segment_id).unwrap_or_default().into(),
                outcome_text(Outcome::of(play)).into(),
                play.prize_name.as_deref().unwrap_or_default().into(),
                play.code.as_deref().unwrap_or_default().into(),
                play.score.map(|s| s.to_string()).unwrap_or_default().into(),
                player.id.as_str().into(),
                player.external_id.as_str().into(),
                player.email.as_deref().unwrap_or_default().into(),
                player.name.as_deref().unwrap_or_default().into(),
                if consent.is_some_and(|c| c.given) {
                    "yes"
                } else {
                    "no"
                }
                .into(),
                consent.map(|c| c.text.as_str()).unwrap_or_default().into(),
                time(consent.map(|c| c.at)).into(),
                rfc3339(player.created_at).into(),
            ];
            let record =
                fixed
                    .iter()
                    .map(|cell| bytes(neutralise(cell)))
                    .chain(self.fields.iter().map(|(key, _)| {
                        bytes(neutralise(
                            player.data.get(key).map(String::as_str).unwrap_or_default(),
                        ))
                    }));
            let _ = out.write_record(record);
        }
        Bytes::from(out.into_inner().unwrap_or_default())
    }

    fn ndjson(&self, chunk: &[Exported]) -> Bytes {
        let mut out = Vec::with_capacity(chunk.len() * 768);
        for row in chunk {
            let (play, player) = (&row.play, &row.player);
            let consent = player.consent.as_ref();
            let line = Line {
                play_id: &play.id,
                started_at: rfc3339(play.started_at),
                played_at: play.played_at.map(rfc3339),
                finished_at: play.finished_at.map(rfc3339),
                campaign_id: &play.campaign_id,
                campaign: self.campaign(&play.campaign_id),
                segment_id: &play.segment_id,
                segment: self.segment(&play.segment_id),
                outcome: Outcome::of(play),
                prize: play.prize_name.as_deref(),
                code: play.code.as_deref(),
                score: play.score,
                player_id: &player.id,
                external_id: &player.external_id,
                email: player.email.as_deref(),
                name: player.name.as_deref(),
                consent_given: consent.is_some_and(|c| c.given),
                consent_text: consent.map(|c| c.text.as_str()),
                consent_at: consent.map(|c| rfc3339(c.at)),
                registered_at: rfc3339(player.created_at),
                fields: &player.data,
            };
            // Serialising plain data to memory cannot fail.
            let _ = serde_json::to_writer(&mut out, &line);
            out.push(b'\n');
        }
        Bytes::from(out)
    }

    fn campaign(&self, id: &str) -> Option<&str> {
        self.campaigns.get(id).map(String::as_str)
    }

    fn segment(&self, id: &str) -> Option<&str> {
        self.segments.get(id).map(String::as_str)
    }
}

fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Won => "won",
        Outcome::Lost => "lost",
        Outcome::NotPlayed => "not played",
    }
}

/// A cell as the CSV writer takes it.
fn bytes(cell: Cow<'_, str>) -> Cow<'_, [u8]> {
    match cell {
        Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
        Cow::Owned(text) => Cow::Owned(text.into_bytes()),
    }
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a
/// tab or carriage return before one) gets a leading `'`, which shows it
/// as the text it is (OWASP's advice against CSV injection).
fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        for cell in ["=1+1", "+33 6", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["ada@example.com", "Ada", "", "2026-11-26", "a=b"] {
            assert_eq!(neutralise(cell), cell);
        }
    }
}

//! The admin API for campaigns: `GET|POST /api/v1/campaigns`,
//! `GET|PATCH|DELETE /api/v1/campaigns/{id}`.

use adact_wire::CampaignKind;
use axum::{
    Router,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    routing::get,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    AppState, Page,
    extract::{AdminAccount, Json},
};
use crate::{
    campaigns::{Campaign, Definition, Status, check_text},
    error::{Error, Result},
    store::campaigns::NewCampaign,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns", get(list).post(create))
        .route(
            "/api/v1/campaigns/{id}",
            get(read).patch(update).delete(delete),
        )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateCampaign {
    pub name: String,
    pub kind: CampaignKind,
    #[serde(default = "draft")]
    pub status: Status,
    pub definition: Definition,
}

impl CreateCampaign {
    /// The checks a campaign passes before it is saved (or previewed),
    /// naming the field at fault by its path in the request body.
    pub(super) fn validate(&self) -> Result<()> {
        check_text("name", &self.name, 1, 120)?;
        self.definition.validate(self.kind).map_err(in_definition)
    }
}

fn draft() -> Status {
    Status::Draft
}

/// Every field optional; a given `definition` replaces the whole one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateCampaign {
    name: Option<String>,
    kind: Option<CampaignKind>,
    status: Option<Status>,
    definition: Option<Definition>,
}

async fn list(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    page: Result<Query<Page>, QueryRejection>,
) -> Result<axum::Json<Value>> {
    let Query(page) = page.map_err(|e| Error::bad_request("invalid_request", e.body_text()))?;
    let limit = page.limit()?;
    let campaigns = state
        .store
        .campaigns(&account.id, page.after.as_deref(), limit + 1)
        .await?;
    let mut data = Vec::new();
    for campaign in campaigns.iter().take(usize::try_from(limit).unwrap_or(0)) {
        data.push(view(&state, campaign).await?);
    }
    Ok(axum::Json(page.wrap(data, campaigns.len() as i64 > limit)))
}

async fn create(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Json(request): Json<CreateCampaign>,
) -> Result<(StatusCode, axum::Json<Value>)> {
    request.validate()?;
    if request.definition.prizes.iter().any(|p| p.id.is_some()) {
        return Err(Error::invalid(
            "definition.prizes",
            "a new campaign's prizes have no id yet",
        ));
    }
    let campaign = state
        .store
        .create_campaign(
            &account.id,
            NewCampaign {
                name: request.name,
                kind: request.kind,
                status: request.status,
                definition: request.definition,
            },
        )
        .await
        .map_err(in_definition)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(view(&state, &campaign).await?),
    ))
}

async fn read(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>> {
    let campaign = find(&state, &account.id, &id).await?;
    Ok(axum::Json(view(&state, &campaign).await?))
}

async fn update(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
    Json(request): Json<UpdateCampaign>,
) -> Result<axum::Json<Value>> {
    let previous = find(&state, &account.id, &id).await?;
    let mut next = previous.clone();
    if let Some(name) = request.name {
        check_text("name", &name, 1, 120)?;
        next.name = name;
    }
    if let Some(kind) = request.kind {
        next.kind = kind;
    }
    if let Some(status) = request.status {
        next.status = status;
    }
    if let Some(definition) = request.definition {
        next.definition = definition;
    }
    next.definition.validate(next.kind).map_err(in_definition)?;
    let campaign = state.store.update_campaign(&previous, next).await?;
    Ok(axum::Json(view(&state, &campaign).await?))
}

async fn delete(
    State(state): State<AppState>,
    AdminAccount(account): AdminAccount,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    if state.store.delete_campaign(&account.id, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(&id))
    }
}

/// A definition's field paths as the request body has them, e.g.
/// `definition.prizes[2].weight`.
fn in_definition(err: Error) -> Error {
    err.within("definition")
}

pub(super) async fn find(state: &AppState, account_id: &str, id: &str) -> Result<Campaign> {
    state
        .store
        .campaign(account_id, id)
        .await?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: &str) -> Error {
    Error::not_found(
        "campaign_not_found",
        format!("No campaign has the id {id:?}."),
    )
}

/// A campaign as the admin API shows it: the definition (with prize ids)
/// and each prize's live stock and codes.
async fn view(state: &AppState, campaign: &Campaign) -> Result<Value> {
    let prizes = state.store.prize_states(&campaign.id).await?;
    Ok(json!({
        "id": campaign.id,
        "name": campaign.name,
        "kind": campaign.kind,
        "status": campaign.status,
        "definition": campaign.definition,
        "prizes": prizes.iter().map(|p| json!({
            "id": p.id,
            "stock_remaining": p.stock_remaining,
            "codes_available": p.codes_available,
            "codes_given": p.codes_given,
        })).collect::<Vec<_>>(),
    }))
}

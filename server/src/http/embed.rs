//! The embed's public API: CORS-open, authenticated by the embed key, rate
//! limited per client address and per player (`limits`). A render hands
//! out a signed play session and writes nothing; its steps (register, play,
//! finish) each send the session's token, and a retried step gets the same
//! answer.

use adact_wire::{
    ErrorBody, FinishRequest, FinishResponse, PlayRequest, PlayResponse, RegisterRequest,
    RegisterResponse, RenderRequest, RenderResponse,
};
use axum::extract::State;
use utoipa_axum::routes;

use super::{
    AppState,
    error::Result,
    extract::{EmbedAccount, Json, Path, body_limit},
    limits::{Bucket, ClientIp},
    openapi::ApiRouter,
};
use crate::app::plays::{self, Step};
use adact_domain::{locales, session::SessionClaims};

/// The largest render body taken: a render carries a segment title, a few
/// ids, a language tag and a `userToken` of at most 4 KiB, so anything
/// near this is not the embed's.
pub const RENDER_BODY_LIMIT: usize = 16 * 1024;

pub fn router() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(render))
        // The routes added so far: the render's alone.
        .layer(body_limit(RENDER_BODY_LIMIT))
        .routes(routes!(register))
        .routes(routes!(play))
        .routes(routes!(finish))
}

/// Render a segment
///
/// Resolves a segment to its campaign and opens a play session, in one
/// round trip. A player who may not play now (schedule, play limit) gets
/// the campaign with a `notice` to show instead of the game. The embed's
/// own words come along in the visitor's `locale`.
#[utoipa::path(
    post,
    path = "/api/v1/embed/render",
    operation_id = "render",
    tag = "embed",
    security(("embed_key" = []), ("embed_key_bearer" = [])),
    request_body(
        description = "JSON; the embed sends it as `text/plain` to avoid a CORS preflight.",
        content((RenderRequest = "application/json"), (RenderRequest = "text/plain")),
    ),
    responses(
        (status = 200, description = "The campaign, a signed play session, the form's prefill and any notice \
            (`signed_identity_required` when the account requires a `user_token`). Nothing is written.", body = RenderResponse),
        (status = 401, description = "`unauthorized`: no or a wrong embed key; `user_token_invalid` (forged, wrongly signed, \
            not HS256, malformed, over 4096 bytes, no `sub`, or an `exp`, `nbf` or `iat` that is not a number), \
            `user_token_expired` (`exp`) or `user_token_not_yet_valid` (`nbf`), each with a minute's leeway.", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`: the page is not in the account's allowed domains; \
            `user_token_wrong_account`: its `aud` is another account.", body = ErrorBody),
        (status = 404, description = "`segment_not_found`, or `campaign_not_active`: the segment's campaign is not active.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is larger than a render takes (16 KiB).", body = ErrorBody),
        (status = 422, description = "`validation_failed`: an empty or too long `segment`, `user.id`, `user.name` or \
            `anonymous_id`, a `user.email` that is not an email address, or a `locale` that is not a BCP 47 \
            language tag (letters and digits in subtags of 1 to 8 joined by `-`, at most 35 characters).", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many renders from this address; `Retry-After` says when to retry.", body = ErrorBody),
    )
)]
async fn render(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    ClientIp(ip): ClientIp,
    Json(request): Json<RenderRequest>,
) -> Result<axum::Json<RenderResponse>> {
    state.limiter.check(&account, Bucket::Render(ip))?;
    if let Some(locale) = &request.locale {
        locales::check_tag("locale", locale)?;
    }
    Ok(axum::Json(
        plays::render(&state.store, &account, &request).await?,
    ))
}

/// A step's session, after the client's and the player's rate limits.
async fn step_session(
    state: &AppState,
    account: &adact_domain::account::Account,
    ip: std::net::IpAddr,
    play_id: &str,
    token: &str,
) -> Result<SessionClaims> {
    state.limiter.check(account, Bucket::Step(ip))?;
    let claims = plays::check_session(&state.store, account, play_id, token).await?;
    state
        .limiter
        .check(account, Bucket::Player(&claims.external_id))?;
    Ok(claims)
}

/// Register the player
///
/// Registers the player with the form's values: creates them
/// (`player.created`) or merges into a known one (`player.updated`).
#[utoipa::path(
    post,
    path = "/api/v1/embed/sessions/{id}/register",
    operation_id = "register",
    tag = "embed",
    security(("embed_key" = []), ("embed_key_bearer" = [])),
    params(("id" = String, Path, description = "The play session's id, from the render.")),
    request_body(
        description = "JSON; the embed sends it as `text/plain` to avoid a CORS preflight.",
        content((RegisterRequest = "application/json"), (RegisterRequest = "text/plain")),
    ),
    responses(
        (status = 200, description = "The player. A retry answers the same.", body = Step<RegisterResponse>),
        (status = 401, description = "`session_invalid` (forged or malformed token) or `session_expired` (older than 24 h).", body = ErrorBody),
        (status = 403, description = "`play_limit_reached`, `campaign_not_started` or `campaign_ended`; \
            `signed_identity_required`; `session_mismatch` (the token is another play's) or `session_wrong_account`; \
            `origin_not_allowed`: the page is not in the account's allowed domains.", body = ErrorBody),
        (status = 404, description = "`campaign_not_found` when it was deleted.", body = ErrorBody),
        (status = 422, description = "`validation_failed` with `fields`: every bad form field \
            (`fields.<key>`) and `consent`.", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many steps from this address or player; `Retry-After` says when.", body = ErrorBody),
    )
)]
async fn register(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Json(request): Json<RegisterRequest>,
) -> Result<axum::Json<Step<RegisterResponse>>> {
    let claims = step_session(&state, &account, ip, &id, &request.token).await?;
    Ok(axum::Json(
        plays::register(&state.store, &account, &claims, &request).await?,
    ))
}

/// Play
///
/// The server draws the outcome by weight among the prizes in stock and
/// takes a unit of stock and a code atomically.
#[utoipa::path(
    post,
    path = "/api/v1/embed/sessions/{id}/play",
    operation_id = "play",
    tag = "embed",
    security(("embed_key" = []), ("embed_key_bearer" = [])),
    params(("id" = String, Path, description = "The play session's id, from the render.")),
    request_body(
        description = "JSON; the embed sends it as `text/plain` to avoid a CORS preflight.",
        content((PlayRequest = "application/json"), (PlayRequest = "text/plain")),
    ),
    responses(
        (status = 200, description = "The outcome. A retry answers the same.", body = Step<PlayResponse>),
        (status = 401, description = "`session_invalid` (forged or malformed token) or `session_expired` (older than 24 h).", body = ErrorBody),
        (status = 403, description = "`not_registered`, `play_limit_reached`, `campaign_not_started` or \
            `campaign_ended`; `signed_identity_required`; `session_mismatch` or `session_wrong_account`; \
            `origin_not_allowed`: the page is not in the account's allowed domains.", body = ErrorBody),
        (status = 422, description = "`validation_failed`: a quiz's `answers` do not answer each question.", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many steps from this address or player; `Retry-After` says when.", body = ErrorBody),
    )
)]
async fn play(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Json(request): Json<PlayRequest>,
) -> Result<axum::Json<Step<PlayResponse>>> {
    let claims = step_session(&state, &account, ip, &id, &request.token).await?;
    Ok(axum::Json(
        plays::play(&state.store, &account, &claims, &request.answers).await?,
    ))
}

/// Finish
///
/// The player reached the end screen (`gameplay.finished`).
#[utoipa::path(
    post,
    path = "/api/v1/embed/sessions/{id}/finish",
    operation_id = "finish",
    tag = "embed",
    security(("embed_key" = []), ("embed_key_bearer" = [])),
    params(("id" = String, Path, description = "The play session's id, from the render.")),
    request_body(
        description = "JSON; the embed sends it as `text/plain` to avoid a CORS preflight.",
        content((FinishRequest = "application/json"), (FinishRequest = "text/plain")),
    ),
    responses(
        (status = 200, description = "Recorded (once: a retry changes nothing).", body = Step<FinishResponse>),
        (status = 401, description = "`session_invalid` (forged or malformed token) or `session_expired` (older than 24 h).", body = ErrorBody),
        (status = 403, description = "`not_played`: play first; `signed_identity_required`; `session_mismatch` or \
            `session_wrong_account`; `origin_not_allowed`: the page is not in the account's allowed domains.", body = ErrorBody),
        (status = 404, description = "`campaign_not_found` when it was deleted.", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many steps from this address or player; `Retry-After` says when.", body = ErrorBody),
    )
)]
async fn finish(
    State(state): State<AppState>,
    EmbedAccount(account): EmbedAccount,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Json(request): Json<FinishRequest>,
) -> Result<axum::Json<Step<FinishResponse>>> {
    let claims = step_session(&state, &account, ip, &id, &request.token).await?;
    Ok(axum::Json(
        plays::finish(&state.store, &account, &claims).await?,
    ))
}

//! Extractors whose rejections use the API's own error shape.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts},
};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::{
    AppState,
    error::{Error, Result},
};
use crate::domain::{self, account::Account, credentials as auth, origins};

/// A JSON body. Unlike `axum::Json` it does not insist on a content type:
/// the embed posts `text/plain` so that browsers send it without a CORS
/// preflight, keeping a render to one round trip.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| Error::bad_request("invalid_request", rejection.body_text()))?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses a request body, naming the field at fault in the error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::bad_request(
            "invalid_request",
            "The request body is empty: expected a JSON object.",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = if path == "." {
            format!("Invalid request body: {inner}.")
        } else {
            format!("Invalid request body at `{path}`: {inner}.")
        };
        Error::bad_request("invalid_request", message)
    })
}

/// Query parameters, with the API's error shape on bad input.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection| Error::bad_request("invalid_request", rejection.body_text()))
    }
}

/// A path parameter, with the API's error shape on bad input.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|rejection| Error::bad_request("invalid_request", rejection.body_text()))
    }
}

/// The account whose admin token is in `Authorization: Bearer adm_...`.
#[derive(Debug, Clone)]
pub struct AdminAccount(pub Account);

impl FromRequestParts<AppState> for AdminAccount {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = bearer(parts).ok_or(Error::Unauthorized(
            "Missing admin token: send `Authorization: Bearer adm_...`.",
        ))?;
        let hash = auth::hash_token(token);
        match state.store.account_by_admin_token_hash(&hash).await? {
            Some(account) if auth::token_matches(token, &account.admin_token_hash) => {
                Ok(Self(account))
            }
            _ => Err(Error::Unauthorized("The admin token is not valid.")),
        }
    }
}

/// The account whose embed key the request carries, as `?key=pk_...` (what
/// the embed sends) or `Authorization: Bearer pk_...`.
/// From memory after the first request (see `store::cache`).
#[derive(Debug, Clone)]
pub struct EmbedAccount(pub std::sync::Arc<Account>);

impl FromRequestParts<AppState> for EmbedAccount {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let from_query = parts.uri.query().and_then(|query| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("key="))
                .filter(|key| !key.is_empty())
        });
        let key = from_query
            .or_else(|| bearer(parts))
            .ok_or(Error::Unauthorized(
                "Missing embed key: load embed.js with `?key=pk_...`.",
            ))?;
        let account = state
            .store
            .cached_account_by_embed_key(key)
            .await?
            .ok_or(Error::Unauthorized("The embed key is not valid."))?;
        if !account.allowed_domains.is_empty() {
            let origin = parts
                .headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok());
            if !origin.is_some_and(|origin| origins::allowed(origin, &account.allowed_domains)) {
                return Err(domain::Error::refused(
                    "origin_not_allowed",
                    format!(
                        "This page ({}) is not in the account's allowed domains.",
                        origin.unwrap_or("no Origin header")
                    ),
                )
                .into());
            }
        }
        Ok(Self(account))
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use adact_wire::RenderRequest;

    use super::*;

    fn message(err: Error) -> String {
        err.to_string()
    }

    #[test]
    fn errors_name_the_field() {
        let err = parse_json::<RenderRequest>(br#"{"user": {}}"#).unwrap_err();
        assert!(message(err).contains("missing field `segment`"));
        let err = parse_json::<RenderRequest>(br#"{"segment": 42}"#).unwrap_err();
        assert!(message(err).contains("at `segment`: invalid type: integer `42`"));
        let err =
            parse_json::<RenderRequest>(br#"{"segment": "a", "user": {"id": 7}}"#).unwrap_err();
        assert!(message(err).contains("at `user.id`"));
    }

    #[test]
    fn empty_and_malformed_bodies_are_explained() {
        assert!(message(parse_json::<RenderRequest>(b" ").unwrap_err()).contains("empty"));
        assert!(message(parse_json::<RenderRequest>(b"{").unwrap_err()).contains("EOF"));
    }
}

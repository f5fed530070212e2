//! Extractors whose rejections use the API's own error shape.

use adact_wire::ErrorCode;
use axum::{
    Extension,
    extract::{
        DefaultBodyLimit, FromRequest, FromRequestParts, MatchedPath, Request,
        path::ErrorKind as PathErrorKind, rejection::PathRejection,
    },
    http::{StatusCode, header, request::Parts},
};
use bytes::Bytes;
use serde::{Deserialize as _, de::DeserializeOwned};
use tower::{
    ServiceBuilder,
    layer::util::{Identity, Stack},
};

use self::strict::Strict;

use super::{
    AppState,
    error::{Error, Result},
};
use adact_domain::{self, account::Account, credentials as auth, origins};

mod strict;

/// A JSON body. Unlike `axum::Json` it does not insist on a content type:
/// the embed posts `text/plain` so that browsers send it without a CORS
/// preflight, keeping a render to one round trip. It is strict where
/// `serde_json` is lenient (see [`parse_json`]), and answers a body over
/// the route's limit ([`body_limit`]) with 413 in the API's error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let limit = req
            .extensions()
            .get::<BodyLimit>()
            .map_or(super::BODY_LIMIT, |limit| limit.0);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => Error::PayloadTooLarge { limit },
                _ => Error::bad_request(ErrorCode::InvalidRequest, rejection.body_text()),
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// The largest body the routes inside take, for the 413's message.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(usize);

/// A layer that limits the request body of the routes inside to `bytes`
/// (axum's `DefaultBodyLimit`; an inner one wins over an outer one), and
/// tells [`Json`] the limit, so that its 413 says how much is taken.
pub fn body_limit(
    bytes: usize,
) -> ServiceBuilder<Stack<Extension<BodyLimit>, Stack<DefaultBodyLimit, Identity>>> {
    ServiceBuilder::new()
        .layer(DefaultBodyLimit::max(bytes))
        .layer(Extension(BodyLimit(bytes)))
}

/// Parses a request body: one JSON document and nothing after it, objects
/// (never arrays) where the type has fields. Malformed JSON is a 400
/// `invalid_request`; well-formed JSON of the wrong shape (a wrong type, a
/// missing or unknown field) is a 422 `validation_failed` naming the field,
/// like any other invalid value. An empty body is `null`, which only an
/// optional body (`Json<Option<T>>`) takes.
fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return T::deserialize(serde_json::Value::Null).map_err(|_| {
            Error::bad_request(
                ErrorCode::InvalidRequest,
                "The request body is empty: expected a JSON object.",
            )
        });
    }
    // First the JSON itself, all of it: a malformed body, or data after
    // the document, is refused whatever its fields say.
    let mut syntax = serde_json::Deserializer::from_slice(bytes);
    serde::de::IgnoredAny::deserialize(&mut syntax)
        .and_then(|_| syntax.end())
        .map_err(|err| {
            Error::bad_request(
                ErrorCode::InvalidRequest,
                format!("Invalid request body: {err}."),
            )
        })?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(Strict(&mut de)).map_err(body_error)
}

/// Well-formed JSON that is not the type, as the API's error.
fn body_error(err: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = err.path().to_string();
    let inner = err.into_inner();
    // serde says which field is missing only in its message; its wording,
    // "missing field `name`", has been serde's since 1.0.
    let text = inner.to_string();
    let message = text
        .strip_suffix(&format!(
            " at line {} column {}",
            inner.line(),
            inner.column()
        ))
        .unwrap_or(&text);
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    let field = match (path.as_str(), missing) {
        (".", None) => {
            return Error::bad_request(
                ErrorCode::InvalidRequest,
                format!("Invalid request body: {message}."),
            );
        }
        (".", Some(name)) => name.to_owned(),
        (path, Some(name)) => format!("{path}.{name}"),
        (path, None) => path.to_owned(),
    };
    Error::invalid(field, message)
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
            .map_err(|rejection| {
                Error::bad_request(ErrorCode::InvalidRequest, rejection.body_text())
            })
    }
}

/// Path parameters, with the API's error shape on bad input. Every route
/// takes its path parameters through this (clippy's `disallowed-types`
/// keeps out axum's own, whose rejection is text): a parameter that is not
/// UTF-8 once percent-decoded, or does not parse as its type, is a 400
/// `invalid_request` whose message names it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    #[allow(clippy::disallowed_types)] // the one place that reads axum's
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                let route = parts.extensions.get::<MatchedPath>();
                Err(path_error(rejection, route.map(MatchedPath::as_str)))
            }
        }
    }
}

/// A path parameter's rejection as the API's error, naming the parameter:
/// by the key axum reports, else from the route's pattern (`{id}`).
fn path_error(rejection: PathRejection, route: Option<&str>) -> Error {
    let PathRejection::FailedToDeserializePathParams(failed) = rejection else {
        // The extractor on a route without parameters: the server's fault.
        return Error::Internal(anyhow::anyhow!(
            "path parameters: {}",
            rejection.body_text()
        ));
    };
    let names: Vec<&str> = route
        .unwrap_or_default()
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(name, _)| name.trim_start_matches('*'))
        .collect();
    let only = || (names.len() == 1).then(|| names[0].to_owned());
    let (name, problem) = match failed.into_kind() {
        PathErrorKind::InvalidUtf8InPathParam { key } => (
            Some(key),
            "is not valid UTF-8 once percent-decoded".to_owned(),
        ),
        PathErrorKind::ParseErrorAtKey {
            key,
            value,
            expected_type,
        } => (
            Some(key),
            format!("is not a valid {expected_type}: `{value}`"),
        ),
        PathErrorKind::ParseErrorAtIndex {
            index,
            value,
            expected_type,
        } => (
            names.get(index).map(|name| (*name).to_owned()),
            format!("is not a valid {expected_type}: `{value}`"),
        ),
        PathErrorKind::ParseError {
            value,
            expected_type,
        } => (only(), format!("is not a valid {expected_type}: `{value}`")),
        PathErrorKind::DeserializeError {
            key,
            value,
            message,
        } => (Some(key), format!("is not valid: {message} (`{value}`)")),
        PathErrorKind::Message(message) => (only(), format!("is not valid: {message}")),
        // A wrong number of parameters or an unsupported type: the
        // handler's declaration does not fit its route.
        kind => return Error::Internal(anyhow::anyhow!("path parameters: {kind}")),
    };
    let subject = match name {
        Some(name) => format!("The path parameter `{name}`"),
        None => "A path parameter".to_owned(),
    };
    Error::bad_request(ErrorCode::InvalidRequest, format!("{subject} {problem}."))
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
                return Err(adact_domain::Error::refused(
                    ErrorCode::OriginNotAllowed,
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

    /// The status, code and field a client sees.
    fn answer<T: DeserializeOwned + std::fmt::Debug>(
        body: &str,
    ) -> (StatusCode, &'static str, Option<String>, String) {
        let err = parse_json::<T>(body.as_bytes()).unwrap_err();
        let message = err.to_string();
        match err {
            Error::BadRequest { code, .. } => {
                (StatusCode::BAD_REQUEST, code.as_str(), None, message)
            }
            Error::Rule(adact_domain::Error::Invalid { field, .. }) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                Some(field),
                message,
            ),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_value_of_the_wrong_shape_is_a_validation_error_naming_the_field() {
        for (body, field, says) in [
            (r#"{"user": {}}"#, "segment", "missing field `segment`"),
            (
                r#"{"segment": 42}"#,
                "segment",
                "invalid type: integer `42`",
            ),
            (
                r#"{"segment": "a", "user": {"id": 7}}"#,
                "user.id",
                "invalid type",
            ),
            (
                r#"{"segment": "a", "user": []}"#,
                "user",
                "expected struct User",
            ),
            (
                r#"{"segment": "a", "user": ["42"]}"#,
                "user",
                "expected struct User",
            ),
            (
                r#"{"segment": "a", "user": {"phone": "1"}}"#,
                "user.phone",
                "unknown field",
            ),
            (
                r#"{"segment": "a", "colour": 1}"#,
                "colour",
                "unknown field",
            ),
        ] {
            let (status, code, named, message) = answer::<RenderRequest>(body);
            assert_eq!(
                (status, code, named.as_deref()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    Some(field)
                ),
                "{body}: {message}"
            );
            assert!(message.contains(says), "{body}: {message}");
            assert!(!message.contains("line 1"), "{body}: {message}");
        }
    }

    #[test]
    fn malformed_json_and_data_after_the_document_are_bad_requests() {
        for (body, says) in [
            (" ", "empty"),
            ("{", "EOF"),
            (r#"{"segment": "a"} xyz"#, "trailing characters"),
            (r#"{"segment": "a"}{"segment": "b"}"#, "trailing characters"),
            (r#"{"segment": "a",}"#, "at line 1 column 17"),
            ("[]", "expected struct RenderRequest"),
        ] {
            let (status, code, field, message) = answer::<RenderRequest>(body);
            assert_eq!(
                (status, code, field),
                (StatusCode::BAD_REQUEST, "invalid_request", None),
                "{body}: {message}"
            );
            assert!(message.contains(says), "{body}: {message}");
        }
        // Whitespace after the document is fine.
        assert!(parse_json::<RenderRequest>(b"{\"segment\": \"a\"}\n").is_ok());
    }

    #[test]
    fn an_optional_body_may_be_left_out() {
        assert_eq!(parse_json::<Option<RenderRequest>>(b"").unwrap(), None);
        assert_eq!(parse_json::<Option<RenderRequest>>(b"null").unwrap(), None);
        assert!(
            parse_json::<Option<RenderRequest>>(b"{\"segment\": \"a\"}")
                .unwrap()
                .is_some()
        );
    }
}

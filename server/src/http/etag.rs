//! Entity tags on the wire: the `ETag` a resource is answered with
//! ([`Tagged`]) and the `If-Match` an edit may send ([`IfMatch`]), which
//! documents itself as the operation's header parameter. Adding that
//! parameter also documents the 412 and the malformed header's 400 (see
//! `openapi::add_shared_errors`).

use adact_wire::ErrorCode;
use axum::{
    extract::FromRequestParts,
    http::{HeaderValue, header, request::Parts},
    response::{IntoResponse, Response},
};
use utoipa::{
    IntoParams,
    openapi::{
        ObjectBuilder, Required, Type,
        path::{Parameter, ParameterBuilder, ParameterIn},
    },
};

use super::error::{Error, Result};
use adact_domain::etag::{ETag, Precondition};

/// The header's name as the document spells it.
pub const IF_MATCH: &str = "If-Match";

/// A response with the entity tag of the resource it shows in `ETag`.
#[derive(Debug)]
pub struct Tagged<T>(pub ETag, pub T);

impl<T: IntoResponse> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let Self(etag, inner) = self;
        let mut response = inner.into_response();
        // Sixteen hex digits in quotes: always a valid header value.
        if let Ok(value) = HeaderValue::from_str(&etag.quoted()) {
            response.headers_mut().insert(header::ETAG, value);
        }
        response
    }
}

/// The request's `If-Match`, if it has one: the state an edit was made
/// against. A malformed one is a 400 in the API's error shape.
#[derive(Debug, Clone, Default)]
pub struct IfMatch(pub Option<Precondition>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        let values: Vec<&[u8]> = parts
            .headers
            .get_all(header::IF_MATCH)
            .iter()
            .map(HeaderValue::as_bytes)
            .collect();
        if values.is_empty() {
            return Ok(Self(None));
        }
        parse_if_match(&values)
            .map(|p| Self(Some(p)))
            .ok_or_else(|| {
                Error::bad_request(
                    ErrorCode::InvalidRequest,
                    "The If-Match header is malformed: send the ETag a read answered, with its \
                 double quotes (\"5d41402abc4b2a76\"), several separated by commas, or *.",
                )
            })
    }
}

impl IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name(IF_MATCH)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Optimistic concurrency: the `ETag` a read (or the last edit) answered. The \
                     change is made only if the resource is still in that state, else 412 \
                     `precondition_failed` and nothing changes. `*` matches any state. Without \
                     it the change applies to whatever the state is then.",
                ))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .example(Some(serde_json::json!("\"5d41402abc4b2a76\"")))
                .build(),
        ]
    }
}

/// `If-Match` (RFC 9110 13.1.1): `*`, or a comma-separated list of entity
/// tags (`"..."`, weak ones `W/"..."`) across one or more header lines.
/// Weak tags are left out: an edit compares strongly, so they never
/// match. None when malformed, or when there is no tag at all.
fn parse_if_match(values: &[&[u8]]) -> Option<Precondition> {
    let joined = values.join(&b","[..]);
    let trimmed = joined.trim_ascii();
    if trimmed == b"*" {
        return Some(Precondition::Exists);
    }
    let mut tags = Vec::new();
    let mut seen = 0;
    let mut rest = trimmed;
    loop {
        // Empty list elements (", ,") are allowed around the tags.
        rest = rest.trim_ascii_start();
        while let Some(after) = rest.strip_prefix(b",") {
            rest = after.trim_ascii_start();
        }
        if rest.is_empty() {
            break;
        }
        let (weak, tag) = match rest.strip_prefix(b"W/") {
            Some(tag) => (true, tag),
            None => (false, rest),
        };
        let opaque = tag.strip_prefix(b"\"")?;
        let end = opaque.iter().position(|&b| b == b'"')?;
        let (text, after) = (&opaque[..end], &opaque[end + 1..]);
        if !text
            .iter()
            .all(|&b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80)
        {
            return None;
        }
        seen += 1;
        if !weak {
            tags.push(ETag::from_opaque(String::from_utf8_lossy(text)));
        }
        rest = after.trim_ascii_start();
        if !(rest.is_empty() || rest.starts_with(b",")) {
            return None;
        }
    }
    (seen > 0).then_some(Precondition::OneOf(tags))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(values: &[&str]) -> Option<Precondition> {
        let bytes: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
        parse_if_match(&bytes)
    }

    fn tags(opaque: &[&str]) -> Option<Precondition> {
        Some(Precondition::OneOf(
            opaque.iter().map(|t| ETag::from_opaque(*t)).collect(),
        ))
    }

    #[test]
    fn if_match_takes_a_star_or_a_list_of_quoted_tags() {
        assert_eq!(parse(&["*"]), Some(Precondition::Exists));
        assert_eq!(parse(&[" * "]), Some(Precondition::Exists));
        assert_eq!(
            parse(&["\"5d41402abc4b2a76\""]),
            tags(&["5d41402abc4b2a76"])
        );
        assert_eq!(parse(&["\"a\", \"b\""]), tags(&["a", "b"]));
        assert_eq!(parse(&["\"a\" ,, \"b\","]), tags(&["a", "b"]));
        // Several header lines are one list.
        assert_eq!(parse(&["\"a\"", "\"b\""]), tags(&["a", "b"]));
        // The empty tag is a tag (that matches nothing).
        assert_eq!(parse(&["\"\""]), tags(&[""]));
    }

    #[test]
    fn weak_tags_are_understood_and_never_match() {
        assert_eq!(parse(&["W/\"a\""]), tags(&[]));
        assert_eq!(parse(&["W/\"a\", \"b\""]), tags(&["b"]));
    }

    #[test]
    fn a_malformed_if_match_is_refused() {
        for bad in [
            "",
            " ",
            ",",
            "5d41402abc4b2a76",
            "\"unterminated",
            "\"a\" \"b\"",
            "\"a\"b",
            "\"a b\"",
            "w/\"a\"",
            "*, \"a\"",
            "\"a\", *",
        ] {
            assert_eq!(parse(&[bad]), None, "{bad:?}");
        }
        assert_eq!(parse(&["*", "\"a\""]), None);
    }
}

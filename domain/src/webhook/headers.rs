//! An endpoint's own request headers: what a receiver behind a gateway
//! needs beside the signature (`Authorization: Bearer ...`, an API key).
//! Their values are credentials: stored to be sent, never shown again.

use std::collections::{BTreeMap, BTreeSet};

use crate::Error;

/// An endpoint's headers, by lowercase name (HTTP names ignore case).
pub type Headers = BTreeMap<String, String>;

/// Changes to an endpoint's headers, by name as given: a value sets or
/// replaces the header, `None` (JSON `null`) removes it.
pub type HeaderChanges = BTreeMap<String, Option<String>>;

/// How the API and the delivery history show a header's value.
pub const HIDDEN: &str = "********";

/// At most this many headers an endpoint...
pub const MAX_HEADERS: usize = 20;
/// ...of at most this many bytes, names and values together.
pub const MAX_HEADER_BYTES: usize = 8192;
/// A name's longest length; a value's is the total's.
const MAX_NAME_LEN: usize = 64;

/// What every request carries from the server, or what belongs to the
/// connection rather than the request: no endpoint header replaces them.
/// `webhook-*` (the signature's) are refused by prefix.
const RESERVED: [&str; 12] = [
    "content-type",
    "content-length",
    "user-agent",
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "expect",
];

/// `headers` with `changes` applied, every name and value checked. A
/// field error names the header as given (`headers.X-Api-Key`), or
/// `headers` for the limits.
pub fn change_headers(mut headers: Headers, changes: HeaderChanges) -> Result<Headers, Error> {
    let mut seen = BTreeSet::new();
    for (name, value) in changes {
        let field = format!("headers.{name}");
        let key = check_name(&name).map_err(|message| Error::invalid(&field, message))?;
        if !seen.insert(key.clone()) {
            return Err(Error::invalid(
                field,
                "is given twice (header names ignore case)",
            ));
        }
        match value {
            None => {
                headers.remove(&key);
            }
            Some(value) => {
                let value =
                    check_value(&value).map_err(|message| Error::invalid(&field, message))?;
                headers.insert(key, value);
            }
        }
    }
    if headers.len() > MAX_HEADERS {
        return Err(Error::invalid(
            "headers",
            format!("at most {MAX_HEADERS} headers"),
        ));
    }
    let bytes: usize = headers.iter().map(|(n, v)| n.len() + v.len()).sum();
    if bytes > MAX_HEADER_BYTES {
        return Err(Error::invalid(
            "headers",
            format!("at most {MAX_HEADER_BYTES} bytes of names and values together"),
        ));
    }
    Ok(headers)
}

/// The headers as shown: each name with [`HIDDEN`] for its value.
pub fn hidden(headers: &Headers) -> Headers {
    headers
        .keys()
        .map(|name| (name.clone(), HIDDEN.to_owned()))
        .collect()
}

/// A header name as stored (lowercase), if it is one an endpoint may set.
fn check_name(name: &str) -> Result<String, String> {
    // RFC 9110's `token`: letters, digits and these.
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || name.len() > MAX_NAME_LEN || !name.chars().all(token) {
        return Err(format!(
            "is not a header name: 1 to {MAX_NAME_LEN} letters, digits and !#$%&'*+-.^_`|~"
        ));
    }
    let name = name.to_ascii_lowercase();
    if name.starts_with("webhook-") || RESERVED.contains(&name.as_str()) {
        return Err("is set by Adact on every request and cannot be replaced".into());
    }
    Ok(name)
}

/// A header value as stored: printable ASCII, spaces and tabs inside,
/// trimmed, not empty.
fn check_value(value: &str) -> Result<String, String> {
    let value = value.trim_matches([' ', '\t']);
    if value.is_empty() {
        return Err("must not be empty (null removes the header)".into());
    }
    if !value
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    {
        return Err("must be printable ASCII, on one line".into());
    }
    if value == HIDDEN {
        return Err(format!(
            "is how the API shows a stored value ({HIDDEN}): send the value itself, or leave \
             the header out to keep it"
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(pairs: &[(&str, Option<&str>)]) -> HeaderChanges {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.map(str::to_owned)))
            .collect()
    }

    fn field(err: Error) -> String {
        match err {
            Error::Invalid { field, .. } => field,
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn headers_are_set_replaced_and_removed_by_name_in_any_case() {
        let headers = change_headers(
            Headers::new(),
            changes(&[
                ("Authorization", Some(" Bearer abc.def ")),
                ("X-Api-Key", Some("k1")),
            ]),
        )
        .unwrap();
        assert_eq!(headers["authorization"], "Bearer abc.def");
        let headers = change_headers(
            headers,
            changes(&[("x-api-key", Some("k2")), ("AUTHORIZATION", None)]),
        )
        .unwrap();
        assert_eq!(headers, Headers::from([("x-api-key".into(), "k2".into())]));
        assert_eq!(hidden(&headers)["x-api-key"], HIDDEN);
    }

    #[test]
    fn names_values_and_limits_are_checked() {
        for (name, value) in [
            ("Webhook-Signature", Some("v1,x")),
            ("content-type", Some("text/plain")),
            ("Host", Some("evil.example")),
            ("User-Agent", Some("x")),
            ("Content-Length", Some("1")),
            ("Transfer-Encoding", Some("chunked")),
            ("X Api Key", Some("x")),
            ("X-Näme", Some("x")),
            ("", Some("x")),
            ("X-Split", Some("a\r\nInjected: yes")),
            ("X-Empty", Some("  ")),
            ("X-Unicode", Some("café")),
            ("X-Masked", Some(HIDDEN)),
        ] {
            let err = change_headers(Headers::new(), changes(&[(name, value)])).unwrap_err();
            assert_eq!(field(err), format!("headers.{name}"), "{name}: {value:?}");
        }
        let err = change_headers(
            Headers::new(),
            changes(&[("X-Key", Some("a")), ("x-key", Some("b"))]),
        )
        .unwrap_err();
        assert!(field(err).starts_with("headers.x"));

        let many: Vec<(String, Option<String>)> = (0..=MAX_HEADERS)
            .map(|i| (format!("X-H{i}"), Some("v".to_owned())))
            .collect();
        let err = change_headers(Headers::new(), many.into_iter().collect()).unwrap_err();
        assert_eq!(field(err), "headers");
        let long = "v".repeat(MAX_HEADER_BYTES);
        let err = change_headers(Headers::new(), changes(&[("X-Long", Some(&long))])).unwrap_err();
        assert_eq!(field(err), "headers");
    }
}

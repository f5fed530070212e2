//! Signed player identity: the customer's backend signs its user's id (and
//! optionally email and name) as an HS256 JWT with the account's identity
//! secret, and the page passes it as `renderAdact({userToken})`.
//! `jsonwebtoken` checks the signature, HS256 only (so `alg: none` and key
//! confusion fail); the claims are checked here ([`check_claims`]), against
//! the caller's clock and strictly typed: `sub` required, `exp` and `nbf`
//! checked when present (a minute's leeway for clocks), `exp`, `nbf` and
//! `iat` numbers when present, `aud` when present must be the account's id.

use adact_wire::ErrorCode;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, errors::ErrorKind};
use serde_json::{Map, Value};

use super::{Error, credentials};

/// How long a rotated-out identity secret keeps verifying tokens.
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;

/// The longest `userToken` taken, in bytes. A token with the claims a
/// player needs is a few hundred; a longer one is refused before any
/// work is spent on it.
pub const MAX_TOKEN_BYTES: usize = 4096;

/// The clock skew allowed between the customer's backend and this server
/// for `exp` and `nbf`, in seconds.
const LEEWAY_SECONDS: f64 = 60.0;

/// The account's identity secrets: the current one and, for a day after a
/// rotation, the previous one.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentitySecrets {
    /// Empty until first revealed: a token cannot verify against it.
    pub current: String,
    pub previous: Option<String>,
    pub previous_expires_at: Option<i64>,
}

impl std::fmt::Debug for IdentitySecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentitySecrets")
            .field("previous_expires_at", &self.previous_expires_at)
            .finish_non_exhaustive()
    }
}

/// The player a valid `userToken` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedUser {
    pub sub: String,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// A new identity secret: `ids_` and 32 random bytes, hex.
pub fn new_secret() -> String {
    credentials::new_secret("ids_")
}

impl IdentitySecrets {
    /// The secrets that verify tokens at `now_ms`.
    fn valid(&self, now_ms: i64) -> impl Iterator<Item = &str> {
        let previous = self
            .previous
            .as_deref()
            .filter(|_| self.previous_expires_at.is_some_and(|at| at > now_ms));
        std::iter::once(self.current.as_str())
            .chain(previous)
            .filter(|s| !s.is_empty())
    }

    /// Checks `token` for the account `account_id` at `now_ms`.
    pub fn verify(&self, token: &str, account_id: &str, now_ms: i64) -> Result<SignedUser, Error> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(invalid(format!(
                "The userToken is {} bytes long; at most {MAX_TOKEN_BYTES} bytes are taken: \
                 sign only the player's claims (sub, email, name, exp).",
                token.len()
            )));
        }
        // The signature and its algorithm only. jsonwebtoken checks times
        // against the system clock, not `nbf` unless asked, and skips a
        // claim of the wrong type ("exp": "1700000000" is as good as none),
        // so every claim is checked by `check_claims` instead.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims::<&str>(&[]);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        let mut failure = ErrorKind::InvalidSignature;
        for secret in self.valid(now_ms) {
            let key = DecodingKey::from_secret(secret.as_bytes());
            match jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation) {
                Ok(data) => return check_claims(&data.claims, account_id, now_ms),
                // Another secret may have signed it.
                Err(err) if *err.kind() == ErrorKind::InvalidSignature => {}
                // This one did, or the token is malformed for any secret.
                Err(err) => {
                    failure = err.into_kind();
                    break;
                }
            }
        }
        Err(invalid(match failure {
            ErrorKind::InvalidAlgorithm => "The userToken must be signed with HS256.",
            // A good header and signature, but claims that jsonwebtoken
            // cannot read: not an object, or an `exp` or `nbf` that is an
            // array or an object (which it does not skip, unlike a string).
            ErrorKind::Json(_) if jsonwebtoken::decode_header(token).is_ok() => {
                "The userToken's claims must be a JSON object, its `exp` and `nbf` numbers \
                 (seconds since 1970)."
            }
            ErrorKind::InvalidToken
            | ErrorKind::Base64(_)
            | ErrorKind::Json(_)
            | ErrorKind::Utf8(_) => {
                "The userToken is malformed: expected an HS256 JWT, three base64url parts \
                 (header.payload.signature) whose header and payload are JSON objects."
            }
            _ => "The userToken is not signed with this account's identity secret.",
        }))
    }
}

/// A `userToken` refused for what it is: forged, malformed, mistyped.
fn invalid(message: impl Into<String>) -> Error {
    Error::unauthorized(ErrorCode::UserTokenInvalid, message)
}

/// The claims of a token whose signature is good, checked at `now_ms`.
fn check_claims(
    claims: &Map<String, Value>,
    account_id: &str,
    now_ms: i64,
) -> Result<SignedUser, Error> {
    let time = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(seconds)) => Ok(seconds.as_f64()),
        Some(other) => Err(invalid(format!(
            "The userToken's `{name}` claim must be a number of seconds since 1970 \
             (a JSON number, not {}).",
            kind(other)
        ))),
    };
    let (exp, nbf) = (time("exp")?, time("nbf")?);
    time("iat")?;
    let now = now_ms as f64 / 1000.0;
    if exp.is_some_and(|exp| exp + LEEWAY_SECONDS < now) {
        return Err(Error::unauthorized(
            ErrorCode::UserTokenExpired,
            "The userToken has expired: sign a new one on your backend.",
        ));
    }
    if nbf.is_some_and(|nbf| nbf - LEEWAY_SECONDS > now) {
        return Err(Error::unauthorized(
            ErrorCode::UserTokenNotYetValid,
            "The userToken is not valid yet (nbf): check your server's clock.",
        ));
    }
    let ours = match claims.get("aud") {
        None => true,
        Some(Value::String(aud)) => aud == account_id,
        Some(Value::Array(auds)) if auds.iter().all(Value::is_string) => {
            auds.iter().any(|aud| aud == account_id)
        }
        Some(other) => {
            return Err(invalid(format!(
                "The userToken's `aud` claim must be the account's id, a string \
                 (or an array of strings), not {}.",
                kind(other)
            )));
        }
    };
    if !ours {
        return Err(Error::refused(
            ErrorCode::UserTokenWrongAccount,
            "The userToken was issued for another account (aud).",
        ));
    }
    let text = |name: &str| match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(other) => Err(invalid(format!(
            "The userToken's `{name}` claim must be a string, not {}.",
            kind(other)
        ))),
    };
    let sub = text("sub")?.ok_or_else(|| {
        invalid("The userToken has no `sub` claim: sign the player's id as `sub`.")
    })?;
    let user = SignedUser {
        sub,
        email: text("email")?,
        name: text("name")?,
    };
    check_user(user)
}

/// What a JSON value is, for a message.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check_user(user: SignedUser) -> Result<SignedUser, Error> {
    let bad = |what: &str| {
        invalid(format!(
            "The userToken's `{what}` claim is empty or too long."
        ))
    };
    if user.sub.trim().is_empty() || user.sub.len() > 200 {
        return Err(bad("sub"));
    }
    if user.email.as_deref().is_some_and(|e| e.len() > 254) {
        return Err(bad("email"));
    }
    if user.name.as_deref().is_some_and(|n| n.len() > 200) {
        return Err(bad("name"));
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;

    use super::*;

    const NOW: i64 = 1_900_000_000_000;

    fn secrets() -> IdentitySecrets {
        IdentitySecrets {
            current: "ids_current".into(),
            previous: Some("ids_previous".into()),
            previous_expires_at: Some(NOW + 1),
        }
    }

    fn sign(claims: &Value, secret: &str) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    fn code(result: Result<SignedUser, Error>) -> &'static str {
        match result.unwrap_err() {
            Error::Unauthorized { code, .. } | Error::Refused { code, .. } => code.as_str(),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_token_of_the_current_or_previous_secret_names_the_player() {
        let claims = json!({"sub": "42", "email": "ada@example.com", "name": "Ada"});
        let user = secrets()
            .verify(&sign(&claims, "ids_current"), "acc_1", NOW)
            .unwrap();
        assert_eq!(user.sub, "42");
        assert_eq!(user.email.as_deref(), Some("ada@example.com"));
        let user = secrets().verify(&sign(&claims, "ids_previous"), "acc_1", NOW);
        assert_eq!(user.unwrap().name.as_deref(), Some("Ada"));
        // Once the overlap is over, the previous secret no longer verifies.
        let late = secrets().verify(&sign(&claims, "ids_previous"), "acc_1", NOW + 2);
        assert_eq!(code(late), "user_token_invalid");
    }

    #[test]
    fn forged_expired_foreign_and_unsigned_tokens_are_refused() {
        let s = secrets();
        let wrong = sign(&json!({"sub": "42"}), "ids_guess");
        assert_eq!(code(s.verify(&wrong, "acc_1", NOW)), "user_token_invalid");
        let expired = sign(&json!({"sub": "42", "exp": 1_000}), "ids_current");
        assert_eq!(code(s.verify(&expired, "acc_1", NOW)), "user_token_expired");
        let other = sign(&json!({"sub": "42", "aud": "acc_2"}), "ids_current");
        assert_eq!(
            code(s.verify(&other, "acc_1", NOW)),
            "user_token_wrong_account"
        );
        let no_sub = sign(&json!({"email": "a@b.co"}), "ids_current");
        assert_eq!(code(s.verify(&no_sub, "acc_1", NOW)), "user_token_invalid");
        // alg: none, with the payload of a valid token and no signature.
        let payload = wrong.split('.').nth(1).unwrap();
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert_eq!(code(s.verify(&none, "acc_1", NOW)), "user_token_invalid");
        assert_eq!(
            code(s.verify("garbage", "acc_1", NOW)),
            "user_token_invalid"
        );
        // An account whose secret was never made verifies nothing, not
        // even a token signed with the empty key.
        let empty = IdentitySecrets {
            current: String::new(),
            previous: None,
            previous_expires_at: None,
        };
        let unkeyed = sign(&json!({"sub": "42"}), "");
        assert_eq!(
            code(empty.verify(&unkeyed, "acc_1", NOW)),
            "user_token_invalid"
        );
    }

    fn message(result: Result<SignedUser, Error>) -> String {
        result.unwrap_err().to_string()
    }

    const NOW_S: i64 = NOW / 1000;

    #[test]
    fn a_token_not_valid_yet_is_refused_beyond_a_minute_of_clock_skew() {
        let s = secrets();
        let soon = sign(&json!({"sub": "42", "nbf": NOW_S + 50}), "ids_current");
        assert_eq!(s.verify(&soon, "acc_1", NOW).unwrap().sub, "42");
        let later = sign(&json!({"sub": "42", "nbf": NOW_S + 3600}), "ids_current");
        assert_eq!(
            code(s.verify(&later, "acc_1", NOW)),
            "user_token_not_yet_valid"
        );
        // The same minute's leeway for exp, against the caller's clock.
        let just = sign(&json!({"sub": "42", "exp": NOW_S - 50}), "ids_current");
        assert!(s.verify(&just, "acc_1", NOW).is_ok());
        let over = sign(&json!({"sub": "42", "exp": NOW_S - 70}), "ids_current");
        assert_eq!(code(s.verify(&over, "acc_1", NOW)), "user_token_expired");
        // A NumericDate may have a fraction.
        let fraction = sign(&json!({"sub": "42", "exp": 1_000.5}), "ids_current");
        assert_eq!(
            code(s.verify(&fraction, "acc_1", NOW)),
            "user_token_expired"
        );
    }

    #[test]
    fn times_that_are_not_numbers_are_refused_not_skipped() {
        let s = secrets();
        for claim in ["exp", "nbf", "iat"] {
            for value in [json!("9999999999"), json!(null), json!([1]), json!(true)] {
                let token = sign(&json!({"sub": "42", claim: value}), "ids_current");
                let result = s.verify(&token, "acc_1", NOW);
                let said = message(result.clone());
                assert_eq!(code(result), "user_token_invalid", "{claim}: {value}");
                assert!(
                    said.contains(&format!("`{claim}`")) && said.contains("number"),
                    "{claim}: {said}"
                );
            }
        }
        // An expired token cannot pass by spelling its exp as a string.
        let expired = sign(&json!({"sub": "42", "exp": "1000"}), "ids_current");
        assert_eq!(code(s.verify(&expired, "acc_1", NOW)), "user_token_invalid");
    }

    #[test]
    fn a_token_over_4_kb_is_refused_before_its_signature_is_checked() {
        let s = secrets();
        let fits = sign(
            &json!({"sub": "42", "pad": "x".repeat(2_000)}),
            "ids_current",
        );
        assert!(fits.len() <= MAX_TOKEN_BYTES);
        assert!(s.verify(&fits, "acc_1", NOW).is_ok());
        let big = sign(
            &json!({"sub": "42", "pad": "x".repeat(4_000)}),
            "ids_current",
        );
        let said = message(s.verify(&big, "acc_1", NOW));
        assert!(said.contains("4096 bytes"), "{said}");
        // Not even parsed: an oversized heap of garbage says the same.
        let garbage = "a".repeat(MAX_TOKEN_BYTES + 1);
        let result = s.verify(&garbage, "acc_1", NOW);
        assert!(message(result.clone()).contains("4096 bytes"));
        assert_eq!(code(result), "user_token_invalid");
    }

    #[test]
    fn a_missing_or_mistyped_claim_is_named() {
        let s = secrets();
        let said = |claims: Value| {
            let result = s.verify(&sign(&claims, "ids_current"), "acc_1", NOW);
            (code(result.clone()), message(result))
        };
        let (code_, no_sub) = said(json!({"email": "a@b.co"}));
        assert_eq!(code_, "user_token_invalid");
        assert!(no_sub.contains("no `sub` claim"), "{no_sub}");
        let (_, number) = said(json!({"sub": 42}));
        assert!(
            number.contains("`sub`") && number.contains("string"),
            "{number}"
        );
        let (_, email) = said(json!({"sub": "42", "email": 7}));
        assert!(email.contains("`email`"), "{email}");
        let (code_, aud) = said(json!({"sub": "42", "aud": 7}));
        assert_eq!(code_, "user_token_invalid");
        assert!(aud.contains("`aud`"), "{aud}");
        // aud may list several audiences; the account must be one of them.
        assert!(
            s.verify(
                &sign(&json!({"sub": "42", "aud": ["x", "acc_1"]}), "ids_current"),
                "acc_1",
                NOW
            )
            .is_ok()
        );
        assert_eq!(
            said(json!({"sub": "42", "aud": ["x", "acc_2"]})).0,
            "user_token_wrong_account"
        );
        // Claims that are no JSON object are not "wrongly signed".
        let (_, array) = said(json!(["42"]));
        assert!(array.contains("claims must be a JSON object"), "{array}");
        assert_eq!(
            message(s.verify("not.a.jwt", "acc_1", NOW)),
            message(s.verify("garbage", "acc_1", NOW))
        );
        assert!(message(s.verify("garbage", "acc_1", NOW)).contains("malformed"));
    }
}

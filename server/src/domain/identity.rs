//! Signed player identity: the customer's backend signs its user's id (and
//! optionally email and name) as an HS256 JWT with the account's identity
//! secret, and the page passes it as `renderAdact({userToken})`. Checked
//! with `jsonwebtoken`: only HS256 (so `alg: none` and key confusion fail),
//! `sub` required, `exp` and `nbf` checked when present (a minute's leeway
//! for clocks), `aud` when present must be the account's id.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, errors::ErrorKind};
use serde::Deserialize;

use super::{Error, credentials};

/// How long a rotated-out identity secret keeps verifying tokens.
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;

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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SignedUser {
    pub sub: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
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

    /// Checks `token` for the account `account_id`.
    pub fn verify(&self, token: &str, account_id: &str, now_ms: i64) -> Result<SignedUser, Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["sub"]);
        validation.set_audience(&[account_id]);
        validation.leeway = 60;
        let mut failure = ErrorKind::InvalidSignature;
        for secret in self.valid(now_ms) {
            let key = DecodingKey::from_secret(secret.as_bytes());
            match jsonwebtoken::decode::<SignedUser>(token, &key, &validation) {
                Ok(data) => return check_user(data.claims),
                // Another secret may have signed it.
                Err(err) if *err.kind() == ErrorKind::InvalidSignature => {}
                // This one did, or the token is malformed for any secret.
                Err(err) => {
                    failure = err.into_kind();
                    break;
                }
            }
        }
        Err(match failure {
            ErrorKind::ExpiredSignature => Error::unauthorized(
                "user_token_expired",
                "The userToken has expired: sign a new one on your backend.",
            ),
            ErrorKind::ImmatureSignature => Error::unauthorized(
                "user_token_not_yet_valid",
                "The userToken is not valid yet (nbf): check your server's clock.",
            ),
            ErrorKind::InvalidAudience => Error::refused(
                "user_token_wrong_account",
                "The userToken was issued for another account (aud).",
            ),
            ErrorKind::MissingRequiredClaim(_) => Error::unauthorized(
                "user_token_invalid",
                "The userToken has no sub claim: the player's id.",
            ),
            ErrorKind::InvalidAlgorithm => Error::unauthorized(
                "user_token_invalid",
                "The userToken must be signed with HS256.",
            ),
            _ => Error::unauthorized(
                "user_token_invalid",
                "The userToken is not signed with this account's identity secret.",
            ),
        })
    }
}

fn check_user(user: SignedUser) -> Result<SignedUser, Error> {
    let bad = |what: &str| {
        Error::unauthorized(
            "user_token_invalid",
            format!("The userToken's {what} claim is empty or too long."),
        )
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

    fn sign(claims: &serde_json::Value, secret: &str) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    fn code(result: Result<SignedUser, Error>) -> &'static str {
        match result.unwrap_err() {
            Error::Unauthorized { code, .. } | Error::Refused { code, .. } => code,
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
}

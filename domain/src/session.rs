//! Play-session tokens: what a render hands the embed instead of writing a
//! row. A token is the session's claims (account, campaign, segment,
//! player, issue time, and the page's player data) in JSON, base64url, a
//! dot, and an HMAC-SHA256 over them with a server key named by id, so any
//! replica that shares the keys can check it, and nothing is stored until
//! a step needs the session.

use adact_wire::ErrorCode;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hmac::{Hmac, Mac as _};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::Error;

/// How long a session token is accepted after its render.
pub const SESSION_LIFETIME_MS: i64 = 24 * 3600 * 1000;

/// One key that signs session tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKey {
    pub id: String,
    pub secret: Vec<u8>,
    pub created_at: i64,
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKey")
            .field("id", &self.id)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// What a session token says. Short names: the token travels with every
/// step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The play's id, which the steps' paths name.
    #[serde(rename = "s")]
    pub id: String,
    #[serde(rename = "a")]
    pub account_id: String,
    #[serde(rename = "c")]
    pub campaign_id: String,
    #[serde(rename = "g")]
    pub segment_id: String,
    /// The player's external id (`user.id`, the signed `sub`, or `anon:…`).
    #[serde(rename = "p")]
    pub external_id: String,
    /// Issued at, Unix milliseconds.
    #[serde(rename = "t")]
    pub issued_at: i64,
    /// Whether the player's identity came from a valid `userToken`.
    #[serde(rename = "v", default, skip_serializing_if = "std::ops::Not::not")]
    pub signed: bool,
    /// The page's (or the signed token's) email and name for the player.
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Signed<'a> {
    #[serde(rename = "k")]
    key_id: &'a str,
    #[serde(flatten)]
    claims: SessionClaims,
}

impl SessionClaims {
    /// The token: `base64url(json).base64url(hmac)`.
    pub fn sign(self, key: &SessionKey) -> String {
        let body = serde_json::to_vec(&Signed {
            key_id: &key.id,
            claims: self,
        })
        .unwrap_or_default();
        let body = B64.encode(body);
        let tag = B64.encode(mac(&key.secret, body.as_bytes()).finalize().into_bytes());
        format!("{body}.{tag}")
    }

    /// The id of the key `token` names, to find it before verifying.
    pub fn key_id(token: &str) -> Option<String> {
        let body = B64.decode(token.split_once('.')?.0).ok()?;
        #[derive(Deserialize)]
        struct Key {
            k: String,
        }
        Some(serde_json::from_slice::<Key>(&body).ok()?.k)
    }

    /// Checks `token`'s signature with the key it names (`key` finds it by
    /// id) and its age. The steps then check that it names their account
    /// and play ([`SessionClaims::check_for`]).
    pub fn verify<'k>(
        token: &str,
        key: impl FnOnce(&str) -> Option<&'k SessionKey>,
        now_ms: i64,
    ) -> Result<Self, Error> {
        let invalid = || {
            Error::unauthorized(
                ErrorCode::SessionInvalid,
                "The play session token is not valid; reload the page to play.",
            )
        };
        let (body, tag) = token.split_once('.').ok_or_else(invalid)?;
        let json = B64.decode(body).map_err(|_| invalid())?;
        let tag = B64.decode(tag).map_err(|_| invalid())?;
        let signed: Signed<'_> = serde_json::from_slice(&json).map_err(|_| invalid())?;
        let key = key(signed.key_id).ok_or_else(invalid)?;
        // Constant time (`verify_slice`).
        mac(&key.secret, body.as_bytes())
            .verify_slice(&tag)
            .map_err(|_| invalid())?;
        let claims = signed.claims;
        if now_ms - claims.issued_at > SESSION_LIFETIME_MS {
            return Err(Error::unauthorized(
                ErrorCode::SessionExpired,
                "The play session has expired; reload the page to play.",
            ));
        }
        Ok(claims)
    }

    /// Checks that the token was issued to this account for this play: a
    /// token shown with another account's key, or replayed on another play
    /// (another campaign's, say), is refused.
    pub fn check_for(&self, account_id: &str, play_id: &str) -> Result<(), Error> {
        if self.account_id != account_id {
            return Err(Error::refused(
                ErrorCode::SessionWrongAccount,
                "This play session belongs to another account.",
            ));
        }
        if self.id != play_id {
            return Err(Error::refused(
                ErrorCode::SessionMismatch,
                "This play session token is for another play.",
            ));
        }
        Ok(())
    }
}

impl SessionKey {
    /// A new key: 32 random bytes, named by a fresh id.
    pub fn generate(now_ms: i64) -> Self {
        let mut secret = vec![0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
        Self {
            id: super::time::new_id("sk"),
            secret,
            created_at: now_ms,
        }
    }
}

fn mac(secret: &[u8], body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as hmac::Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> SessionClaims {
        SessionClaims {
            id: "play_1".into(),
            account_id: "acc_1".into(),
            campaign_id: "cmp_1".into(),
            segment_id: "seg_1".into(),
            external_id: "anon:abc".into(),
            issued_at: 1_000,
            signed: false,
            email: Some("ada@example.com".into()),
            name: None,
        }
    }

    fn code(err: Error) -> &'static str {
        match err {
            Error::Unauthorized { code, .. } | Error::Refused { code, .. } => code.as_str(),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_token_verifies_with_its_key_and_nothing_else() {
        let key = SessionKey::generate(0);
        let other = SessionKey {
            id: key.id.clone(),
            ..SessionKey::generate(0)
        };
        let token = claims().sign(&key);
        let found = |id: &str| (id == key.id).then_some(&key);
        assert_eq!(SessionClaims::verify(&token, found, 2_000), Ok(claims()));
        // The same key id with another secret: forged.
        let forged = SessionClaims::verify(&token, |_| Some(&other), 2_000);
        assert_eq!(code(forged.unwrap_err()), "session_invalid");
        // An unknown key, garbage, or a changed body: invalid.
        assert_eq!(
            code(SessionClaims::verify(&token, |_| None, 2_000).unwrap_err()),
            "session_invalid"
        );
        assert_eq!(
            code(SessionClaims::verify("x.y", found, 2_000).unwrap_err()),
            "session_invalid"
        );
        let (body, tag) = token.split_once('.').unwrap();
        let mut changed = claims();
        changed.external_id = "anon:someone-else".into();
        let changed_body = changed.sign(&key);
        let tampered = format!("{}.{tag}", changed_body.split_once('.').unwrap().0);
        assert_ne!(body, tampered.split_once('.').unwrap().0);
        assert_eq!(
            code(SessionClaims::verify(&tampered, found, 2_000).unwrap_err()),
            "session_invalid"
        );
    }

    #[test]
    fn a_token_expires_and_names_its_account_and_play() {
        let key = SessionKey::generate(0);
        let token = claims().sign(&key);
        let late = SessionClaims::verify(&token, |_| Some(&key), 1_000 + SESSION_LIFETIME_MS + 1);
        assert_eq!(code(late.unwrap_err()), "session_expired");
        let claims = claims();
        assert_eq!(claims.check_for("acc_1", "play_1"), Ok(()));
        assert_eq!(
            code(claims.check_for("acc_2", "play_1").unwrap_err()),
            "session_wrong_account"
        );
        assert_eq!(
            code(claims.check_for("acc_1", "play_2").unwrap_err()),
            "session_mismatch"
        );
    }
}

//! An account: one customer of this server, with its credentials and the
//! settings of its public edge.

use super::{identity::IdentitySecrets, rate_limits::RateLimits};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub embed_key: String,
    /// SHA-256 of the admin token, hex.
    pub admin_token_hash: String,
    /// Normalised allowed-domain rules; empty: any origin.
    pub allowed_domains: Vec<String>,
    /// The secrets `userToken`s are signed with.
    pub identity: IdentitySecrets,
    /// Register and play need a valid `userToken`.
    pub require_signed_identity: bool,
    /// The account's own rate limits; `None`: the defaults.
    pub rate_limits: Option<RateLimits>,
    /// The zone of the days its statistics are read in.
    pub time_zone: jiff::tz::TimeZone,
}

impl Account {
    /// The rate limits in force.
    pub fn rate_limits(&self) -> RateLimits {
        self.rate_limits.unwrap_or_default()
    }
}

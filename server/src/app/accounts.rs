//! Accounts: the first one on an empty database, the operator's `account
//! create`, and an account's settings for its public edge: allowed
//! domains, signed identity, rate limits. Each change is announced to the
//! render cache (`Store::changed`).

use jiff::tz::TimeZone;

use crate::{app::Result, config::Config};
use adact_domain::{
    Error,
    account::Account,
    credentials as auth,
    identity::{self, IdentitySecrets},
    origins,
    rate_limits::RateLimits,
    stats,
    time::now_ms,
};
use adact_store::Store;

/// A new account's credentials, shown once: only the hash of the admin
/// token is kept.
#[derive(Debug)]
pub struct Credentials {
    pub account: Account,
    pub admin_token: String,
}

impl Credentials {
    /// The lines printed once when an account is created.
    pub fn announcement(&self) -> String {
        format!(
            "Created account {name} ({id}). Keep these; the admin token is not shown again.\n  \
             admin token: {token}\n  embed key:   {key}",
            name = self.account.name,
            id = self.account.id,
            token = self.admin_token,
            key = self.account.embed_key,
        )
    }
}

/// Creates an account with fresh credentials, or those given.
pub async fn create_account(
    store: &Store,
    name: &str,
    admin_token: Option<&str>,
    embed_key: Option<&str>,
) -> anyhow::Result<Credentials> {
    if let Some(token) = admin_token {
        auth::check_operator_token("ADACT_ADMIN_TOKEN", token, auth::ADMIN_TOKEN_PREFIX)?;
    }
    if let Some(key) = embed_key {
        auth::check_operator_token("ADACT_EMBED_KEY", key, auth::EMBED_KEY_PREFIX)?;
    }
    let admin_token = admin_token.map_or_else(auth::new_admin_token, str::to_owned);
    let embed_key = embed_key.map_or_else(auth::new_embed_key, str::to_owned);
    let account = store
        .create_account(name, &auth::hash_token(&admin_token), &embed_key)
        .await?;
    Ok(Credentials {
        account,
        admin_token,
    })
}

/// On an empty database, creates the first account (with the operator's
/// tokens when set). Returns its credentials when it did.
pub async fn first_account(store: &Store, config: &Config) -> anyhow::Result<Option<Credentials>> {
    if store.count_accounts().await? > 0 {
        return Ok(None);
    }
    let credentials = create_account(
        store,
        "Default account",
        config.admin_token.as_deref(),
        config.embed_key.as_deref(),
    )
    .await?;
    Ok(Some(credentials))
}

/// The most allowed-domain rules an account may have.
const MAX_DOMAINS: usize = 100;

/// Replaces the account's allowed domains; returns them as saved:
/// normalised, without duplicates.
pub async fn set_allowed_domains(
    store: &Store,
    account_id: &str,
    domains: &[String],
) -> Result<Vec<String>> {
    if domains.len() > MAX_DOMAINS {
        return Err(Error::invalid("domains", format!("at most {MAX_DOMAINS} domains")).into());
    }
    let mut rules = Vec::with_capacity(domains.len());
    for (i, domain) in domains.iter().enumerate() {
        let rule =
            origins::normalise(domain).map_err(|m| Error::invalid(format!("domains[{i}]"), m))?;
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    store.set_allowed_domains(account_id, &rules).await?;
    store.changed(account_id).await;
    Ok(rules)
}

/// The account's identity secrets, making the first for an account older
/// than them.
pub async fn identity(store: &Store, account: &Account) -> Result<Account> {
    let current = store.ensure_identity_secret(account).await?;
    if current.identity != account.identity {
        store.changed(&account.id).await;
    }
    Ok(current)
}

/// A new identity secret; the previous one keeps verifying for a day, so
/// the customer's backends can switch without a gap.
pub async fn rotate_identity_secret(store: &Store, account: &Account) -> Result<IdentitySecrets> {
    let account = identity(store, account).await?;
    let secrets = IdentitySecrets {
        current: identity::new_secret(),
        previous: Some(account.identity.current),
        previous_expires_at: Some(now_ms() + identity::ROTATION_OVERLAP_MS),
    };
    store.set_identity_secrets(&account.id, &secrets).await?;
    store.changed(&account.id).await;
    Ok(secrets)
}

pub async fn set_require_signed_identity(
    store: &Store,
    account_id: &str,
    required: bool,
) -> Result<()> {
    store
        .set_require_signed_identity(account_id, required)
        .await?;
    store.changed(account_id).await;
    Ok(())
}

/// Sets the zone of the account's statistics' days (an IANA name);
/// answers the zone.
pub async fn set_time_zone(store: &Store, account_id: &str, name: &str) -> Result<TimeZone> {
    let tz = stats::time_zone("time_zone", name)?;
    store.set_time_zone(account_id, &tz).await?;
    store.changed(account_id).await;
    Ok(tz)
}

/// Sets the account's own rate limits, or (`None`) restores the defaults.
pub async fn set_rate_limits(
    store: &Store,
    account_id: &str,
    limits: Option<RateLimits>,
) -> Result<()> {
    if let Some(limits) = &limits {
        limits.check()?;
    }
    store.set_rate_limits(account_id, limits.as_ref()).await?;
    store.changed(account_id).await;
    Ok(())
}

//! Accounts and their credentials.

use super::{Store, dialect::Flag, from_json, to_json};
use adact_domain::{
    account::Account,
    identity::{IdentitySecrets, new_secret},
    rate_limits::RateLimits,
    stats,
    time::{new_id, now_ms},
};

/// The columns of [`AccountRow`], of `accounts` as `a`.
macro_rules! account_columns {
    () => {
        "a.id, a.name, a.embed_key, a.admin_token_hash, a.allowed_domains, a.identity_secret, \
         a.identity_previous_secret, a.identity_previous_expires_at, a.require_signed_identity, \
         a.rate_limits, a.time_zone"
    };
}
pub(super) use account_columns;

/// A row of `accounts`, as [`account_columns`] names it.
#[derive(sqlx::FromRow)]
pub(super) struct AccountRow {
    id: String,
    name: String,
    embed_key: String,
    admin_token_hash: String,
    allowed_domains: String,
    identity_secret: String,
    identity_previous_secret: Option<String>,
    identity_previous_expires_at: Option<i64>,
    require_signed_identity: Flag,
    rate_limits: Option<String>,
    time_zone: String,
}

impl TryFrom<AccountRow> for Account {
    type Error = sqlx::Error;

    fn try_from(row: AccountRow) -> sqlx::Result<Self> {
        Ok(Account {
            id: row.id,
            name: row.name,
            embed_key: row.embed_key,
            admin_token_hash: row.admin_token_hash,
            allowed_domains: row.allowed_domains.lines().map(str::to_owned).collect(),
            identity: IdentitySecrets {
                current: row.identity_secret,
                previous: row.identity_previous_secret,
                previous_expires_at: row.identity_previous_expires_at,
            },
            require_signed_identity: row.require_signed_identity.into(),
            rate_limits: row.rate_limits.as_deref().map(from_json).transpose()?,
            time_zone: stats::time_zone("time_zone", &row.time_zone)
                .map_err(|err| sqlx::Error::Decode(Box::new(err)))?,
        })
    }
}

/// The account a query of [`AccountRow`]s with one parameter finds, if any.
async fn account_where(
    store: &Store,
    query: &'static str,
    value: &str,
) -> sqlx::Result<Option<Account>> {
    sqlx::query_as::<_, AccountRow>(query)
        .bind(value)
        .fetch_optional(store.pool())
        .await?
        .map(Account::try_from)
        .transpose()
}

/// `select` of an account's columns from `accounts a`, then `$condition`.
macro_rules! select_account {
    ($condition:literal) => {
        concat!(
            "select ",
            account_columns!(),
            " from accounts a ",
            $condition
        )
    };
}

impl Store {
    pub async fn count_accounts(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("select count(*) from accounts")
            .fetch_one(self.pool())
            .await
    }

    pub async fn create_account(
        &self,
        name: &str,
        admin_token_hash: &str,
        embed_key: &str,
    ) -> sqlx::Result<Account> {
        let id = new_id("acc");
        let identity_secret = new_secret();
        self.write(sqlx::query(
            "insert into accounts (id, name, admin_token_hash, embed_key, identity_secret, created_at) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(name)
        .bind(admin_token_hash)
        .bind(embed_key)
        .bind(&identity_secret)
        .bind(now_ms())
        )
        .await?;
        Ok(Account {
            id,
            name: name.to_owned(),
            embed_key: embed_key.to_owned(),
            admin_token_hash: admin_token_hash.to_owned(),
            allowed_domains: Vec::new(),
            identity: IdentitySecrets {
                current: identity_secret,
                previous: None,
                previous_expires_at: None,
            },
            require_signed_identity: false,
            rate_limits: None,
            time_zone: jiff::tz::TimeZone::UTC,
        })
    }

    /// Saves the account's identity secrets.
    pub async fn set_identity_secrets(
        &self,
        account_id: &str,
        secrets: &IdentitySecrets,
    ) -> sqlx::Result<()> {
        self.write(
            sqlx::query(
                "update accounts set identity_secret = $1, identity_previous_secret = $2, \
             identity_previous_expires_at = $3 where id = $4",
            )
            .bind(&secrets.current)
            .bind(secrets.previous.as_deref())
            .bind(secrets.previous_expires_at)
            .bind(account_id),
        )
        .await?;
        Ok(())
    }

    /// Gives an account made before identity secrets existed its first
    /// one; returns the account as it is now.
    pub async fn ensure_identity_secret(&self, account: &Account) -> sqlx::Result<Account> {
        if !account.identity.current.is_empty() {
            return Ok(account.clone());
        }
        self.write(
            sqlx::query(
                "update accounts set identity_secret = $1 where id = $2 and identity_secret = ''",
            )
            .bind(new_secret())
            .bind(&account.id),
        )
        .await?;
        account_where(self, select_account!("where a.id = $1"), &account.id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    pub async fn set_require_signed_identity(
        &self,
        account_id: &str,
        required: bool,
    ) -> sqlx::Result<()> {
        self.write(
            sqlx::query("update accounts set require_signed_identity = $1 where id = $2")
                .bind(i64::from(required))
                .bind(account_id),
        )
        .await?;
        Ok(())
    }

    /// Saves the account's own rate limits; `None` restores the defaults.
    pub async fn set_rate_limits(
        &self,
        account_id: &str,
        limits: Option<&RateLimits>,
    ) -> sqlx::Result<()> {
        self.write(
            sqlx::query("update accounts set rate_limits = $1 where id = $2")
                .bind(limits.map(to_json).transpose()?)
                .bind(account_id),
        )
        .await?;
        Ok(())
    }

    /// Sets the zone of the account's statistics' days.
    pub async fn set_time_zone(
        &self,
        account_id: &str,
        tz: &jiff::tz::TimeZone,
    ) -> sqlx::Result<()> {
        self.write(
            sqlx::query("update accounts set time_zone = $1 where id = $2")
                .bind(stats::zone_name(tz).to_owned())
                .bind(account_id),
        )
        .await?;
        Ok(())
    }

    /// Replaces the account's allowed domains (already normalised).
    pub async fn set_allowed_domains(
        &self,
        account_id: &str,
        rules: &[String],
    ) -> sqlx::Result<()> {
        self.write(
            sqlx::query("update accounts set allowed_domains = $1 where id = $2")
                .bind(rules.join("\n"))
                .bind(account_id),
        )
        .await?;
        Ok(())
    }

    /// The account whose admin token hashes to `hash` (the caller still
    /// compares the hash in constant time).
    pub async fn account_by_admin_token_hash(&self, hash: &str) -> sqlx::Result<Option<Account>> {
        account_where(self, select_account!("where a.admin_token_hash = $1"), hash).await
    }

    pub async fn account_by_embed_key(&self, key: &str) -> sqlx::Result<Option<Account>> {
        account_where(self, select_account!("where a.embed_key = $1"), key).await
    }

    /// The oldest account: the one the first start created.
    pub async fn first_account(&self) -> sqlx::Result<Option<Account>> {
        account_where(
            self,
            select_account!("where a.id > $1 order by a.id limit 1"),
            "",
        )
        .await
    }
}

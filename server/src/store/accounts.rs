//! Accounts and their credentials.

use sqlx::Row as _;

use super::Store;
use crate::domain::{
    account::Account,
    time::{new_id, now_ms},
};

fn account_from_row(row: &sqlx::any::AnyRow) -> sqlx::Result<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        embed_key: row.try_get("embed_key")?,
        admin_token_hash: row.try_get("admin_token_hash")?,
        allowed_domains: row
            .try_get::<String, _>("allowed_domains")?
            .lines()
            .map(str::to_owned)
            .collect(),
    })
}

impl Store {
    pub async fn count_accounts(&self) -> sqlx::Result<i64> {
        sqlx::query("select count(*) as n from accounts")
            .fetch_one(self.pool())
            .await?
            .try_get("n")
    }

    pub async fn create_account(
        &self,
        name: &str,
        admin_token_hash: &str,
        embed_key: &str,
    ) -> sqlx::Result<Account> {
        let id = new_id("acc");
        sqlx::query(
            "insert into accounts (id, name, admin_token_hash, embed_key, created_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(name)
        .bind(admin_token_hash)
        .bind(embed_key)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(Account {
            id,
            name: name.to_owned(),
            embed_key: embed_key.to_owned(),
            admin_token_hash: admin_token_hash.to_owned(),
            allowed_domains: Vec::new(),
        })
    }

    /// Replaces the account's allowed domains (already normalised).
    pub async fn set_allowed_domains(
        &self,
        account_id: &str,
        rules: &[String],
    ) -> sqlx::Result<()> {
        sqlx::query("update accounts set allowed_domains = $1 where id = $2")
            .bind(rules.join("\n"))
            .bind(account_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The account whose admin token hashes to `hash` (the caller still
    /// compares the hash in constant time).
    pub async fn account_by_admin_token_hash(&self, hash: &str) -> sqlx::Result<Option<Account>> {
        sqlx::query("select * from accounts where admin_token_hash = $1")
            .bind(hash)
            .fetch_optional(self.pool())
            .await?
            .map(|row| account_from_row(&row))
            .transpose()
    }

    pub async fn account_by_embed_key(&self, key: &str) -> sqlx::Result<Option<Account>> {
        sqlx::query("select * from accounts where embed_key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?
            .map(|row| account_from_row(&row))
            .transpose()
    }

    /// The oldest account: the one the first start created.
    pub async fn first_account(&self) -> sqlx::Result<Option<Account>> {
        sqlx::query("select * from accounts order by id limit 1")
            .fetch_optional(self.pool())
            .await?
            .map(|row| account_from_row(&row))
            .transpose()
    }
}

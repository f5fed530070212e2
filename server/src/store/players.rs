//! Players: unique per account and external id, with their registration.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row as _};

use super::{from_json, to_json};
use crate::domain::{
    player::{Contact, Player, Registered},
    time::{new_id, now_ms},
};

pub async fn player_by_external_id(
    conn: &mut AnyConnection,
    account_id: &str,
    external_id: &str,
) -> sqlx::Result<Option<Player>> {
    let row = sqlx::query(
        "select id, external_id, data, email, name from players \
         where account_id = $1 and external_id = $2",
    )
    .bind(account_id)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        let data: String = row.try_get("data")?;
        Ok(Player {
            id: row.try_get("id")?,
            external_id: row.try_get("external_id")?,
            data: from_json(&data)?,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
        })
    })
    .transpose()
}

/// Creates the player or merges `values` and `contact` into what is
/// stored, in the caller's transaction.
pub async fn register(
    conn: &mut AnyConnection,
    account_id: &str,
    external_id: &str,
    values: BTreeMap<String, String>,
    contact: Contact,
) -> sqlx::Result<(Player, Registered)> {
    let now = now_ms();
    match player_by_external_id(conn, account_id, external_id).await? {
        Some(mut player) => {
            player.data.extend(values);
            player.email = contact.email.or(player.email);
            player.name = contact.name.or(player.name);
            sqlx::query(
                "update players set data = $1, email = $2, name = $3, updated_at = $4 where id = $5",
            )
            .bind(to_json(&player.data)?)
            .bind(player.email.as_deref())
            .bind(player.name.as_deref())
            .bind(now)
            .bind(&player.id)
                .execute(&mut *conn)
                .await?;
            Ok((player, Registered::Updated))
        }
        None => {
            let player = Player {
                id: new_id("plr"),
                external_id: external_id.to_owned(),
                data: values,
                email: contact.email,
                name: contact.name,
            };
            sqlx::query(
                "insert into players (id, account_id, external_id, data, email, name, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&player.id)
            .bind(account_id)
            .bind(external_id)
            .bind(to_json(&player.data)?)
            .bind(player.email.as_deref())
            .bind(player.name.as_deref())
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok((player, Registered::Created))
        }
    }
}

//! Players: unique per account and external id, with their registration.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row as _, any::AnyRow};

use super::{from_json, to_json};
use crate::domain::{
    player::{Consent, Contact, Player, Registered},
    time::{new_id, now_ms},
};

/// A player from a row holding its columns, each named `{prefix}{column}`,, with the id
/// read separately (a join names it otherwise).
pub fn player_from_row(row: &AnyRow, id: String, prefix: &str) -> sqlx::Result<Player> {
    let column = |name: &str| format!("{prefix}{name}");
    let data: String = row.try_get(column("data").as_str())?;
    let consent_text: Option<String> = row.try_get(column("consent_text").as_str())?;
    let consent_at: Option<i64> = row.try_get(column("consent_at").as_str())?;
    let consent = match (consent_text, consent_at) {
        (Some(text), Some(at)) => Some(Consent {
            given: row.try_get::<i64, _>(column("consent_given").as_str())? != 0,
            text,
            at,
        }),
        _ => None,
    };
    Ok(Player {
        id,
        external_id: row.try_get(column("external_id").as_str())?,
        data: from_json(&data)?,
        email: row.try_get(column("email").as_str())?,
        name: row.try_get(column("name").as_str())?,
        consent,
        created_at: row.try_get(column("created_at").as_str())?,
        updated_at: row.try_get(column("updated_at").as_str())?,
    })
}

pub async fn player_by_external_id(
    conn: &mut AnyConnection,
    account_id: &str,
    external_id: &str,
) -> sqlx::Result<Option<Player>> {
    let row = sqlx::query(
        "select id, external_id, data, email, name, consent_given, consent_text, consent_at, \
         created_at, updated_at from players where account_id = $1 and external_id = $2",
    )
    .bind(account_id)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| player_from_row(&row, row.try_get("id")?, ""))
        .transpose()
}

/// Creates the player or merges `values`, `contact` and `consent` (the
/// form's consent answer, when it asked) into what is stored, in the
/// caller's transaction.
pub async fn register(
    conn: &mut AnyConnection,
    account_id: &str,
    external_id: &str,
    values: BTreeMap<String, String>,
    contact: Contact,
    consent: Option<Consent>,
) -> sqlx::Result<(Player, Registered)> {
    let now = now_ms();
    match player_by_external_id(conn, account_id, external_id).await? {
        Some(mut player) => {
            player.data.extend(values);
            player.email = contact.email.or(player.email);
            player.name = contact.name.or(player.name);
            player.consent = consent.or(player.consent);
            player.updated_at = now;
            sqlx::query(
                "update players set data = $1, email = $2, name = $3, consent_given = $4, \
                 consent_text = $5, consent_at = $6, updated_at = $7 where id = $8",
            )
            .bind(to_json(&player.data)?)
            .bind(player.email.as_deref())
            .bind(player.name.as_deref())
            .bind(i64::from(player.consent.as_ref().is_some_and(|c| c.given)))
            .bind(player.consent.as_ref().map(|c| c.text.as_str()))
            .bind(player.consent.as_ref().map(|c| c.at))
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
                consent,
                created_at: now,
                updated_at: now,
            };
            sqlx::query(
                "insert into players (id, account_id, external_id, data, email, name, \
                 consent_given, consent_text, consent_at, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            )
            .bind(&player.id)
            .bind(account_id)
            .bind(external_id)
            .bind(to_json(&player.data)?)
            .bind(player.email.as_deref())
            .bind(player.name.as_deref())
            .bind(i64::from(player.consent.as_ref().is_some_and(|c| c.given)))
            .bind(player.consent.as_ref().map(|c| c.text.as_str()))
            .bind(player.consent.as_ref().map(|c| c.at))
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok((player, Registered::Created))
        }
    }
}

//! What the server sets up in its database at start: the first account on
//! an empty database, and with `--demo` the demo campaign and segment.

use adact_wire::{CampaignKind, Texts, Theme};

use crate::{
    auth,
    campaigns::{Definition, Status},
    config::Config,
    store::{Store, accounts::Account, campaigns::NewCampaign},
};

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

/// The title of the demo's segment, as in the integration guide.
pub const DEMO_SEGMENT: &str = "Default Users";

/// Seeds the demo wheel and its `Default Users` segment into the first
/// account, unless that segment exists. Returns the demo account.
pub async fn seed_demo(store: &Store) -> anyhow::Result<Account> {
    let account = store
        .first_account()
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account to seed the demo into"))?;
    if store
        .segment_with_campaign(&account.id, DEMO_SEGMENT)
        .await?
        .is_some()
    {
        return Ok(account);
    }
    let campaign = store
        .create_campaign(
            &account.id,
            NewCampaign {
                name: "Holiday Wheel".into(),
                kind: CampaignKind::Wheel,
                status: Status::Active,
                definition: Definition {
                    texts: Texts {
                        title: "Spin the holiday wheel".into(),
                        description:
                            "One spin a day. Win a discount, free shipping or a gift card \
                                      for your next order."
                                .into(),
                        play_button: "Spin the wheel".into(),
                    },
                    theme: Theme::default(),
                },
            },
        )
        .await?;
    store
        .create_segment(&account.id, DEMO_SEGMENT, &campaign.id)
        .await?;
    tracing::info!(campaign = %campaign.id, "seeded the demo campaign and segment {DEMO_SEGMENT:?}");
    Ok(account)
}

//! The console's live preview: the embed's render, register and play steps
//! answered for a campaign as the admin is typing it, before it is saved.
//! Nothing is read from or written to the database and no event is
//! recorded. The same rules decide as in a real play: the create's
//! validation, the form's checks, the quiz's scoring, and the real play's
//! draw ([`plays::draw_prize`]) with the stock held in memory.
//!
//! The preview ignores the campaign's status, schedule and play limit, so
//! that a draft, or a campaign that starts next month, can be played through.

use std::collections::BTreeMap;

use adact_wire::{PlayResponse, RegisterResponse, RenderResponse, SegmentRef, SessionView};

use crate::app::{Result, campaigns, plays};
use adact_domain::{
    Error,
    campaign::{Campaign, Definition, NewCampaign},
    draw,
    locales::Locale,
    time::{new_id, now_ms},
};

/// What the preview shows as the segment: there is none yet.
const SEGMENT_TITLE: &str = "Preview";
/// The prefix of the codes a preview "wins": never a real code.
const CODE_PREFIX: &str = "PREVIEW-";

/// The campaign as typed, checked as a create checks it. Prizes not saved
/// yet get an id by position, so the embed can tell the wheel's slices apart
/// and the play's answer names one of them.
pub fn draft(account_id: &str, new: NewCampaign) -> Result<Campaign, Error> {
    campaigns::validate(&new)?;
    let NewCampaign {
        name,
        kind,
        status,
        mut definition,
    } = new;
    for (i, prize) in definition.prizes.iter_mut().enumerate() {
        prize.id.get_or_insert_with(|| format!("prz_preview_{i}"));
    }
    Ok(Campaign {
        id: "cmp_preview".into(),
        account_id: account_id.to_owned(),
        name,
        kind,
        status,
        definition,
    })
}

/// Exactly what the embed's render answers, with a session that exists
/// nowhere.
pub fn render(campaign: &Campaign, locale: Option<&str>) -> RenderResponse {
    let locale = Locale::negotiate(locale);
    RenderResponse {
        segment: SegmentRef {
            id: "seg_preview".into(),
            title: SEGMENT_TITLE.into(),
        },
        campaign: campaign.view(),
        // No token: nothing is stored for it to protect.
        session: SessionView {
            id: new_id("preview"),
            token: String::new(),
            anonymous_id: None,
        },
        notice: None,
        strings: locale.strings(campaign.definition.play_limit),
        locale: locale.tag,
        prefill: Default::default(),
    }
}

/// The registration checked against the previewed form; no player is
/// stored.
pub fn register(
    campaign: &Campaign,
    fields: &BTreeMap<String, String>,
    consent: bool,
) -> Result<RegisterResponse, Error> {
    campaign.definition.check_registration(fields, consent)?;
    Ok(RegisterResponse {
        player_id: "ply_preview".into(),
        created: true,
    })
}

/// Scores a quiz and draws the outcome as a real play does, among the
/// prizes whose configured stock is not zero. Nothing is taken: the code
/// won is a made-up `PREVIEW-…`.
pub async fn play(campaign: &Campaign, answers: &[u32]) -> Result<PlayResponse> {
    let definition = &campaign.definition;
    let (score, passed) = definition.score(answers)?;
    let won = if passed {
        plays::draw_prize(definition, &mut PreviewStock(definition)).await?
    } else {
        None
    };
    Ok(PlayResponse {
        play_id: new_id("preview"),
        prize: won.as_ref().map(|(prize, _)| prize.clone()),
        code: won.map(|(_, code)| code),
        score,
        // As a real play's: the preview ignores the limit but shows it.
        next_play_at: definition.next_play_at(now_ms()),
        correct_answers: definition.correct_answers(),
    })
}

/// The configured stock, never taken: every prize not configured with a
/// stock of zero can be won, with a made-up code.
struct PreviewStock<'a>(&'a Definition);

impl plays::Stock for PreviewStock<'_> {
    fn in_stock(&self, prize_id: &str) -> bool {
        self.0.prize(prize_id).is_some_and(|p| p.stock != Some(0))
    }

    async fn take(&mut self, _prize_id: &str) -> Result<Option<String>> {
        Ok(Some(draw::generate_code(CODE_PREFIX, &mut rand::rng())))
    }
}

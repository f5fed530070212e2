//! The data of each event type, and the objects that recur in them. Each
//! object has one shape wherever it appears (a prize always carries its
//! description and code; a player always its consent and timestamps).
//! Their OpenAPI schemas are derived from these very types.

use std::collections::BTreeMap;

use adact_wire::CampaignKind;
use serde::Serialize;

use crate::{
    account::Account,
    campaign::Campaign,
    player::{Consent, Player},
    segment::Segment,
    time::rfc3339,
};

/// The account the event belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventAccount {
    /// `acc_...`
    pub id: String,
    pub name: String,
}

/// A campaign, by id, name and kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventCampaign {
    /// `cmp_...`
    pub id: String,
    pub name: String,
    pub kind: CampaignKind,
}

/// A segment, by id and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventSegment {
    /// `seg_...`
    pub id: String,
    /// `null` in a play's events once the segment was deleted.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub title: Option<String>,
}

/// A player: a visitor as the account knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPlayer {
    /// `plr_...`
    pub id: String,
    /// The signed `userToken`'s `sub`, else `user.id` from `renderAdact`,
    /// else `anon:` and the anonymous id.
    pub external_id: String,
    /// The signed token's, else what the player typed in the form's email
    /// field, else the page's `user.email`.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub email: Option<String>,
    /// Like `email`, for the name.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub name: Option<String>,
    /// Every value of the registration form stored for the player, by
    /// field key.
    pub fields: BTreeMap<String, String>,
    pub consent: EventConsent,
    /// When the player was first registered (RFC 3339 UTC).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// When the player last registered (RFC 3339 UTC).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
}

/// The player's answer to the consent checkbox, when a form last asked:
/// whether they ticked it, the text they were shown (the checkbox's label)
/// and when they answered. `text` and `at` are `null`, and `given` false,
/// until a form with a consent checkbox is submitted; a later form without
/// the checkbox keeps the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventConsent {
    pub given: bool,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub text: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub at: Option<String>,
}

/// One play: from the render to the end screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPlay {
    /// `play_...`, the embed's session id.
    pub id: String,
}

/// A prize won, with the code the player got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPrize {
    /// `prz_...`
    pub id: String,
    pub name: String,
    /// As the marketer wrote it; empty when none.
    pub description: String,
    /// The player's code; `null` when none was issued.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub code: Option<String>,
    /// The last day the code works (`YYYY-MM-DD`), as the marketer set
    /// it; `null` when it does not expire.
    #[cfg_attr(feature = "openapi", schema(required = true, format = Date))]
    pub valid_until: Option<String>,
}

/// What the game ended with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventOutcome {
    /// Whether a prize was won (then `prize` is set).
    pub won: bool,
    /// `null` for "no prize".
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub prize: Option<EventPrize>,
    /// Right answers, for a quiz; else `null`.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub score: Option<u32>,
}

/// A webhook endpoint, by id and URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventEndpoint {
    /// `ep_...`
    pub id: String,
    pub url: String,
}

/// What every play event carries: the account, the campaign, the segment
/// the page showed, the player (`null` before registering) and the play.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlayContext {
    pub account: EventAccount,
    pub campaign: EventCampaign,
    pub segment: EventSegment,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub player: Option<EventPlayer>,
    pub play: EventPlay,
}

/// `player.created` and `player.updated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlayerData {
    #[serde(flatten)]
    pub context: PlayContext,
}

/// `player.deleted`: the player's data was erased from Adact, on request
/// (`DELETE /api/v1/players/{id}`) or by the account's retention. Erase
/// the player on your side too. Their earlier events, as stored and as
/// resent, no longer carry their email, name, external id or form fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlayerDeletedData {
    pub account: EventAccount,
    pub player: ErasedPlayer,
    pub reason: ErasureReason,
}

/// The erased player, by the ids your systems know them by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasedPlayer {
    /// `plr_...`, as earlier events carried it.
    pub id: String,
    /// As earlier events carried it: the signed `userToken`'s `sub`, else
    /// `user.id` from `renderAdact`, else `anon:` and the anonymous id.
    pub external_id: String,
}

/// Why the player was erased: `request` (an admin erased them, such as on
/// the player's own request) or `retention` (the account keeps players a
/// number of days after their last registration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ErasureReason {
    Request,
    Retention,
}

/// `game.ended` and `gameplay.finished`: the play's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeData {
    #[serde(flatten)]
    pub context: PlayContext,
    pub outcome: EventOutcome,
}

/// `prize.assigned`: the prize won, with its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrizeAssignedData {
    #[serde(flatten)]
    pub context: PlayContext,
    pub prize: EventPrize,
}

/// `segment.created` and `segment.deleted`: the segment and its campaign
/// as they are after the change (before it, for a deletion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentData {
    pub account: EventAccount,
    pub segment: EventSegment,
    pub campaign: EventCampaign,
}

/// `segment.updated`: the segment as it is now, and in `previous` what the
/// update changed, as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentUpdatedData {
    #[serde(flatten)]
    pub segment: SegmentData,
    pub previous: SegmentPrevious,
}

/// What a segment update changed, as it was before: the `title`, the
/// `campaign`, or both (an absent key did not change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentPrevious {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<EventCampaign>,
}

/// `webhook.test`: sent to one endpoint from the console or the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookTestData {
    pub account: EventAccount,
    pub endpoint: EventEndpoint,
    /// Always `This is a test event from Adact.`
    pub message: String,
}

impl EventAccount {
    pub fn of(account: &Account) -> Self {
        Self {
            id: account.id.clone(),
            name: account.name.clone(),
        }
    }
}

impl EventCampaign {
    pub fn of(campaign: &Campaign) -> Self {
        Self {
            id: campaign.id.clone(),
            name: campaign.name.clone(),
            kind: campaign.kind,
        }
    }
}

impl EventPlayer {
    pub fn of(player: &Player) -> Self {
        Self {
            id: player.id.clone(),
            external_id: player.external_id.clone(),
            email: player.email.clone(),
            name: player.name.clone(),
            fields: player.data.clone(),
            consent: EventConsent::of(player.consent.as_ref()),
            created_at: rfc3339(player.created_at),
            updated_at: rfc3339(player.updated_at),
        }
    }
}

impl EventConsent {
    pub fn of(consent: Option<&Consent>) -> Self {
        match consent {
            Some(consent) => Self {
                given: consent.given,
                text: Some(consent.text.clone()),
                at: Some(rfc3339(consent.at)),
            },
            None => Self {
                given: false,
                text: None,
                at: None,
            },
        }
    }
}

impl EventPrize {
    pub fn of(prize: &adact_wire::PrizeView, code: Option<&str>) -> Self {
        Self {
            id: prize.id.clone(),
            name: prize.name.clone(),
            description: prize.description.clone(),
            code: code.map(str::to_owned),
            valid_until: prize.valid_until.clone(),
        }
    }
}

impl PlayContext {
    /// The ids and names every play event carries. `segment` is the id and
    /// the title (`None` once deleted).
    pub fn new(
        account: &Account,
        campaign: &Campaign,
        segment: (&str, Option<&str>),
        play_id: &str,
        player: Option<&Player>,
    ) -> Self {
        Self {
            account: EventAccount::of(account),
            campaign: EventCampaign::of(campaign),
            segment: EventSegment {
                id: segment.0.to_owned(),
                title: segment.1.map(str::to_owned),
            },
            player: player.map(EventPlayer::of),
            play: EventPlay {
                id: play_id.to_owned(),
            },
        }
    }
}

impl SegmentData {
    /// The data of `segment.created` and `segment.deleted`.
    pub fn new(account: &Account, segment: &Segment, campaign: &Campaign) -> Self {
        Self {
            account: EventAccount::of(account),
            segment: EventSegment {
                id: segment.id.clone(),
                title: Some(segment.title.clone()),
            },
            campaign: EventCampaign::of(campaign),
        }
    }
}

impl SegmentUpdatedData {
    /// The data of `segment.updated`: the segment as it is now, and what
    /// changed as it was (the title, the campaign, or both).
    pub fn new(
        account: &Account,
        segment: &Segment,
        campaign: &Campaign,
        previous_title: Option<&str>,
        previous_campaign: Option<&Campaign>,
    ) -> Self {
        Self {
            segment: SegmentData::new(account, segment, campaign),
            previous: SegmentPrevious {
                title: previous_title.map(str::to_owned),
                campaign: previous_campaign.map(EventCampaign::of),
            },
        }
    }
}

impl WebhookTestData {
    pub const MESSAGE: &str = "This is a test event from Adact.";

    pub fn new(account: &Account, endpoint_id: &str, endpoint_url: &str) -> Self {
        Self {
            account: EventAccount::of(account),
            endpoint: EventEndpoint {
                id: endpoint_id.to_owned(),
                url: endpoint_url.to_owned(),
            },
            message: Self::MESSAGE.to_owned(),
        }
    }
}

//! The play decision: whether a player may play a campaign now, given how
//! often they already played it. The draw itself is in `draw`.

use super::{
    Error,
    campaign::{Campaign, Status},
    limits::Refusal,
};
use adact_wire::ErrorCode;

/// A play session, from render to finish: one visitor's one play of a
/// campaign. Each step's answer is kept, so a retried step answers the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub campaign_id: String,
    pub segment_id: String,
    /// None once the segment is deleted.
    pub segment_title: Option<String>,
    pub external_id: String,
    pub player_id: Option<String>,
    /// The register step's answer (JSON), once registered.
    pub register_result: Option<String>,
    /// The play step's answer (JSON), once played.
    pub play_result: Option<String>,
    pub finished: bool,
    /// The finish step's answer (JSON), once finished (`None` for a play
    /// finished before answers were stored).
    pub finish_result: Option<String>,
}

/// The step asked for a session that does not exist (or not in this
/// account).
pub fn session_not_found() -> Error {
    Error::not_found(
        ErrorCode::SessionNotFound,
        "This play session does not exist.",
    )
}

/// From when a player's earlier plays count against the campaign's limit
/// (`None`: plays are unlimited, so they need not be counted).
pub fn limit_window(campaign: &Campaign, now_ms: i64) -> Option<i64> {
    campaign.definition.play_limit.window_start(now_ms)
}

/// Whether a player who played `plays_in_window` times since
/// [`limit_window`] may play now: the campaign is active, inside its
/// schedule, and the player within its play limit.
pub fn may_play(campaign: &Campaign, now_ms: i64, plays_in_window: i64) -> Result<(), Refusal> {
    if campaign.status != Status::Active {
        return Err(Refusal::Ended);
    }
    campaign.check_schedule(now_ms)?;
    campaign.definition.play_limit.check(plays_in_window)
}

#[cfg(test)]
mod tests {
    use adact_wire::CampaignKind;

    use super::*;
    use crate::{campaign::tests::full, limits::PlayLimit, time::parse_rfc3339};

    fn campaign(status: Status) -> Campaign {
        Campaign {
            id: "cmp_1".into(),
            account_id: "acc_1".into(),
            name: "Wheel".into(),
            kind: CampaignKind::Wheel,
            status,
            definition: full(),
        }
    }

    #[test]
    fn only_an_active_campaign_in_its_schedule_and_limit_is_played() {
        let during = parse_rfc3339("2026-12-10T12:00:00Z").unwrap();
        let before = parse_rfc3339("2026-11-10T12:00:00Z").unwrap();
        let active = campaign(Status::Active);
        assert_eq!(may_play(&active, during, 0), Ok(()));
        assert_eq!(may_play(&active, during, 1), Err(Refusal::PlayedToday));
        assert_eq!(may_play(&active, before, 0), Err(Refusal::NotStarted));
        assert_eq!(
            may_play(&campaign(Status::Draft), during, 0),
            Err(Refusal::Ended)
        );
        assert_eq!(
            limit_window(&active, during),
            PlayLimit::Daily.window_start(during)
        );
    }
}

//! When a player may play: the campaign's schedule and its play limit.

use adact_wire::ErrorCode;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// How often one player may play one campaign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PlayLimit {
    #[default]
    Unlimited,
    Once,
    /// Once per calendar day, UTC.
    Daily,
    /// Once per calendar week (Monday to Sunday), UTC.
    Weekly,
}

impl PlayLimit {
    /// The start of the window in which one earlier play uses the player's
    /// allowance, or `None` when plays are unlimited.
    pub fn window_start(self, now_ms: i64) -> Option<i64> {
        match self {
            Self::Unlimited => None,
            Self::Once => Some(i64::MIN),
            Self::Daily => Some(now_ms.div_euclid(DAY_MS) * DAY_MS),
            Self::Weekly => {
                // 1970-01-01 was a Thursday: shift so weeks start on Monday.
                let days = now_ms.div_euclid(DAY_MS);
                let since_monday = (days + 3).rem_euclid(7);
                Some((days - since_monday) * DAY_MS)
            }
        }
    }

    /// When the next play is allowed, for a player who played in the
    /// current window (`None`: never again).
    pub fn next_window(self, now_ms: i64) -> Option<i64> {
        match self {
            Self::Unlimited => Some(now_ms),
            Self::Once => None,
            Self::Daily => self.window_start(now_ms).map(|s| s + DAY_MS),
            Self::Weekly => self.window_start(now_ms).map(|s| s + 7 * DAY_MS),
        }
    }

    /// Why a player with `plays_in_window` plays in the current window may
    /// not play now, if so.
    pub fn check(self, plays_in_window: i64) -> Result<(), Refusal> {
        if self != Self::Unlimited && plays_in_window > 0 {
            Err(match self {
                Self::Once => Refusal::AlreadyPlayed,
                Self::Daily => Refusal::PlayedToday,
                _ => Refusal::PlayedThisWeek,
            })
        } else {
            Ok(())
        }
    }
}

/// Why the server refuses a play, with the words the player reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotStarted,
    Ended,
    AlreadyPlayed,
    PlayedToday,
    PlayedThisWeek,
    /// The account requires a signed identity (`userToken`) to play.
    SignInRequired,
}

impl Refusal {
    pub fn code(self) -> ErrorCode {
        match self {
            Self::NotStarted => ErrorCode::CampaignNotStarted,
            Self::Ended => ErrorCode::CampaignEnded,
            Self::AlreadyPlayed | Self::PlayedToday | Self::PlayedThisWeek => {
                ErrorCode::PlayLimitReached
            }
            Self::SignInRequired => ErrorCode::SignedIdentityRequired,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::NotStarted => "This game has not started yet. Please come back soon!",
            Self::Ended => "This game has ended. Thank you for your interest!",
            Self::AlreadyPlayed => "You have already played this game. Thank you for playing!",
            Self::PlayedToday => {
                "You have already played today. Come back tomorrow for another go!"
            }
            Self::PlayedThisWeek => {
                "You have already played this week. Come back next week for another go!"
            }
            Self::SignInRequired => "Please sign in to play this game.",
        }
    }
}

/// Whether `now` is inside the campaign's optional start and end (unix ms;
/// the end is exclusive).
pub fn check_schedule(
    starts_at: Option<i64>,
    ends_at: Option<i64>,
    now_ms: i64,
) -> Result<(), Refusal> {
    if starts_at.is_some_and(|start| now_ms < start) {
        return Err(Refusal::NotStarted);
    }
    if ends_at.is_some_and(|end| now_ms >= end) {
        return Err(Refusal::Ended);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-26T21:00:00Z, a Thursday.
    const THU: i64 = 1_795_726_800_000;

    #[test]
    fn daily_windows_start_at_utc_midnight() {
        let start = PlayLimit::Daily.window_start(THU).unwrap();
        assert_eq!(crate::time::rfc3339(start), "2026-11-26T00:00:00.000Z");
        assert_eq!(
            crate::time::rfc3339(PlayLimit::Daily.next_window(THU).unwrap()),
            "2026-11-27T00:00:00.000Z"
        );
    }

    #[test]
    fn weekly_windows_start_on_monday() {
        let start = PlayLimit::Weekly.window_start(THU).unwrap();
        assert_eq!(crate::time::rfc3339(start), "2026-11-23T00:00:00.000Z");
        // A Monday is the first day of its own week.
        assert_eq!(PlayLimit::Weekly.window_start(start + 1), Some(start));
        assert_eq!(
            PlayLimit::Weekly.window_start(start - 1),
            Some(start - 7 * DAY_MS)
        );
    }

    #[test]
    fn limits_count_plays_in_the_window() {
        assert_eq!(PlayLimit::Unlimited.window_start(THU), None);
        assert_eq!(PlayLimit::Unlimited.check(1_000), Ok(()));
        assert_eq!(PlayLimit::Once.check(0), Ok(()));
        assert_eq!(PlayLimit::Once.check(1), Err(Refusal::AlreadyPlayed));
        assert_eq!(PlayLimit::Daily.check(1), Err(Refusal::PlayedToday));
        assert_eq!(PlayLimit::Weekly.check(2), Err(Refusal::PlayedThisWeek));
        assert_eq!(PlayLimit::Once.next_window(THU), None);
    }

    #[test]
    fn the_schedule_bounds_plays() {
        assert_eq!(check_schedule(None, None, THU), Ok(()));
        assert_eq!(
            check_schedule(Some(THU + 1), None, THU),
            Err(Refusal::NotStarted)
        );
        assert_eq!(check_schedule(Some(THU), Some(THU + 1), THU), Ok(()));
        assert_eq!(check_schedule(None, Some(THU), THU), Err(Refusal::Ended));
        assert_eq!(Refusal::Ended.code().as_str(), "campaign_ended");
    }
}

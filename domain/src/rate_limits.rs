//! How many requests the public API takes from one client address and one
//! player, per minute, before it answers 429. Token buckets: a client may
//! send half a minute's worth at once, then the rest at an even pace. The
//! defaults are far above what a visitor does (one render per page view,
//! three steps per play) and far below what a script farming prizes needs.

use serde::{Deserialize, Serialize};

use super::Error;

/// An account's limits, per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    /// Renders (page views) per client address.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub renders_per_ip: u32,
    /// Steps (register, play, finish) per client address.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub steps_per_ip: u32,
    /// Steps per player (a user id, a signed `sub` or an anonymous id).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub steps_per_player: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            renders_per_ip: 120,
            steps_per_ip: 60,
            steps_per_player: 30,
        }
    }
}

/// The most a limit may be set to: a million requests a minute.
pub const MAX_PER_MINUTE: u32 = 1_000_000;

impl RateLimits {
    /// How many requests a bucket of `per_minute` takes at once.
    pub fn burst(per_minute: u32) -> u32 {
        (per_minute / 2).max(1)
    }

    pub fn check(&self) -> Result<(), Error> {
        for (field, value) in [
            ("renders_per_ip", self.renders_per_ip),
            ("steps_per_ip", self.steps_per_ip),
            ("steps_per_player", self.steps_per_player),
        ] {
            if !(1..=MAX_PER_MINUTE).contains(&value) {
                return Err(Error::invalid(
                    field,
                    format!("must be from 1 to {MAX_PER_MINUTE} requests a minute"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_and_bursts_are_half_a_minute() {
        assert_eq!(RateLimits::default().check(), Ok(()));
        let zero = RateLimits {
            steps_per_ip: 0,
            ..RateLimits::default()
        };
        assert!(
            matches!(zero.check(), Err(Error::Invalid { field, .. }) if field == "steps_per_ip")
        );
        assert_eq!(RateLimits::burst(60), 30);
        assert_eq!(RateLimits::burst(1), 1);
    }
}

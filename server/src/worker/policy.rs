//! When to try a delivery again: a pure policy, unit-tested, configurable
//! (tests compress the schedule to milliseconds).

use std::time::Duration;

use rand::Rng;

/// What an attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The endpoint said it is gone for good (410): disable it.
    Gone,
    /// Any other failure, with the `Retry-After` the endpoint asked for on
    /// a 429 or 503.
    Failure {
        retry_after: Option<Duration>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Delay before attempt `n` (0-based): `[0]` for the first attempt,
    /// then one per retry.
    pub schedule: Vec<Duration>,
    /// Each retry delay is spread by up to this fraction either way, so
    /// endpoints that failed together do not all retry in the same instant.
    pub jitter: f64,
    pub retry_after_cap: Duration,
}

impl RetryPolicy {
    pub fn new(schedule: Vec<Duration>, retry_after_cap: Duration) -> Self {
        Self {
            schedule,
            jitter: 0.1,
            retry_after_cap,
        }
    }

    /// The delay before the next attempt after `failures` consecutive
    /// failures (the last included), or `None` when the schedule is spent.
    pub fn next_delay(
        &self,
        failures: u32,
        retry_after: Option<Duration>,
        rng: &mut impl Rng,
    ) -> Option<Duration> {
        let planned = *self.schedule.get(usize::try_from(failures).ok()?)?;
        let jittered = if planned.is_zero() || self.jitter <= 0.0 {
            planned
        } else {
            planned.mul_f64(1.0 + rng.random_range(-self.jitter..=self.jitter))
        };
        // The endpoint's own word wins when it asks for longer, within the cap.
        Some(match retry_after {
            Some(asked) => jittered.max(asked.min(self.retry_after_cap)),
            None => jittered,
        })
    }

    /// Attempts a delivery gets at most.
    pub fn max_attempts(&self) -> usize {
        self.schedule.len()
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let format = time::format_description::well_known::Rfc2822;
    let date = time::OffsetDateTime::parse(value, &format).ok()?;
    let at = std::time::SystemTime::from(date);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use rand::{SeedableRng as _, rngs::StdRng};

    use super::*;

    fn policy() -> RetryPolicy {
        let s = Duration::from_secs;
        RetryPolicy::new(
            vec![
                s(0),
                s(5),
                s(300),
                s(1800),
                s(7200),
                s(18_000),
                s(36_000),
                s(36_000),
            ],
            s(3600),
        )
    }

    #[test]
    fn follows_the_schedule_with_jitter_then_gives_up() {
        let mut rng = StdRng::seed_from_u64(7);
        let policy = policy();
        for (failures, planned) in policy.schedule.iter().enumerate().skip(1) {
            let delay = policy.next_delay(failures as u32, None, &mut rng).unwrap();
            let (low, high) = (planned.mul_f64(0.9), planned.mul_f64(1.1));
            assert!(
                delay >= low && delay <= high,
                "{failures}: {delay:?} not near {planned:?}"
            );
        }
        assert_eq!(policy.next_delay(8, None, &mut rng), None);
        assert_eq!(policy.max_attempts(), 8);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut policy = policy();
        policy.jitter = 0.0;
        let asked = Some(Duration::from_secs(120));
        assert_eq!(
            policy.next_delay(1, asked, &mut rng),
            Some(Duration::from_secs(120))
        );
        // Never shorter than planned…
        assert_eq!(
            policy.next_delay(2, asked, &mut rng),
            Some(Duration::from_secs(300))
        );
        // …and never longer than the cap.
        let huge = Some(Duration::from_secs(86_400));
        assert_eq!(
            policy.next_delay(1, huge, &mut rng),
            Some(Duration::from_secs(3600))
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after("30", now), Some(Duration::from_secs(30)));
        // 2001-09-09T01:46:40Z is the epoch + 1e9 s.
        assert_eq!(
            parse_retry_after("Sun, 09 Sep 2001 01:47:40 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}

//! Campaign statistics: the hours their counts are kept by, the days of an
//! account's time zone those hours add up to, and the funnel.
//!
//! Counts are kept per campaign and *bucket*: the hour of the account's
//! local time an event happened in, stored as the unix milliseconds it
//! starts at. Whole local hours (not UTC hours) make every zone's day a sum
//! of whole buckets, half- and quarter-hour offsets included (India,
//! Nepal). A day of the series is then the buckets whose start falls in
//! it, whatever the offset that day (summer time).
//!
//! Changing the zone later keeps every count: the old buckets are read in
//! the new zone's days. Between zones whose offsets differ by whole hours
//! (most pairs) the days stay exact; between a whole-hour zone and a
//! half-hour one, an old bucket counts wholly in the day its start falls
//! in, so up to 30 or 45 minutes at each end of an old day move to the day
//! beside it.

use std::collections::BTreeMap;

use jiff::{Timestamp, civil::Date, tz::TimeZone};

use super::{Error, Result};

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 86_400_000;

/// The longest series one request may ask for, in days.
pub const MAX_DAYS: i32 = 366;

/// The days a series covers when the request does not say.
pub const DEFAULT_DAYS: i32 = 30;

/// The time zone an account starts with.
pub const DEFAULT_TIME_ZONE: &str = "UTC";

/// A time zone from its IANA name (`Europe/Paris`, `UTC`), or a
/// validation error naming `field`.
pub fn time_zone(field: &str, name: &str) -> Result<TimeZone> {
    let unknown = || {
        Error::invalid(
            field,
            format!("{name:?} is not a time zone: use an IANA name such as \"Europe/Paris\""),
        )
    };
    // Only names: jiff would also read a POSIX TZ string or a path.
    let plain = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if !plain || name.starts_with('/') {
        return Err(unknown());
    }
    TimeZone::get(name).map_err(|_| unknown())
}

/// The zone's name as stored: its IANA name.
pub fn zone_name(tz: &TimeZone) -> &str {
    tz.iana_name().unwrap_or(DEFAULT_TIME_ZONE)
}

fn offset_ms(tz: &TimeZone, at_ms: i64) -> i64 {
    let at = Timestamp::from_millisecond(at_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    i64::from(tz.to_offset(at).seconds()) * 1000
}

/// The bucket of an event at `at_ms`: when its local hour in `tz` starts.
pub fn bucket(tz: &TimeZone, at_ms: i64) -> i64 {
    let offset = offset_ms(tz, at_ms);
    (at_ms + offset).div_euclid(HOUR_MS) * HOUR_MS - offset
}

/// The local days `from` to `to` (both included) of a zone, as the store
/// reads them: the buckets of `[start, end)`, and each bucket's day
/// number, `(bucket + offset) / DAY_MS` with the offset of the segment the
/// bucket falls in (a new segment at each change of offset: summer time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Days {
    pub from: Date,
    pub to: Date,
    pub start: i64,
    pub end: i64,
    /// Where each segment starts (the first at `start`) and its offset in
    /// ms.
    pub segments: Vec<(i64, i64)>,
    /// The day number of `from`: days since 1970-01-01.
    pub first_day: i64,
}

impl Days {
    /// The days of `tz` from `from` to `to`; both given, else the last
    /// [`DEFAULT_DAYS`] to today (in `tz`). Dates are `YYYY-MM-DD`.
    pub fn new(tz: &TimeZone, from: Option<&str>, to: Option<&str>, now_ms: i64) -> Result<Self> {
        let today = Timestamp::from_millisecond(now_ms)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned_datetime(tz.clone())
            .date();
        let to = match to {
            Some(to) => date("to", to)?,
            None => today,
        };
        let from = match from {
            Some(from) => date("from", from)?,
            None => to
                .checked_sub(jiff::Span::new().days(DEFAULT_DAYS - 1))
                .map_err(|_| Error::invalid("to", "is out of range"))?,
        };
        if from > to {
            return Err(Error::invalid("from", "must not be after `to`"));
        }
        let days = day_number(to) - day_number(from) + 1;
        if days > i64::from(MAX_DAYS) {
            return Err(Error::invalid(
                "to",
                format!("the range is {days} days: at most {MAX_DAYS}"),
            ));
        }
        let start = day_start(tz, from, "from")?;
        let after = to
            .tomorrow()
            .map_err(|_| Error::invalid("to", "is out of range"))?;
        let end = day_start(tz, after, "to")?;
        let mut segments = vec![(start, offset_ms(tz, start))];
        let from_ts = Timestamp::from_millisecond(start).unwrap_or(Timestamp::UNIX_EPOCH);
        for transition in tz.following(from_ts).take(64) {
            let at = transition.timestamp().as_millisecond();
            if at >= end {
                break;
            }
            if at > start {
                segments.push((at, offset_ms(tz, at)));
            }
        }
        Ok(Self {
            from,
            to,
            start,
            end,
            segments,
            first_day: day_number(from),
        })
    }

    /// How many days: `to - from + 1`.
    pub fn len(&self) -> usize {
        usize::try_from(day_number(self.to) - self.first_day + 1).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th day's date, `YYYY-MM-DD`.
    pub fn date(&self, i: usize) -> String {
        let i = i32::try_from(i).unwrap_or(0);
        self.from
            .checked_add(jiff::Span::new().days(i))
            .unwrap_or(self.from)
            .to_string()
    }
}

/// A `YYYY-MM-DD` date, or a validation error naming `field`.
fn date(field: &str, text: &str) -> Result<Date> {
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    let bad = || Error::invalid(field, format!("{text:?} is not a date like 2026-03-29"));
    if !shaped {
        return Err(bad());
    }
    let date: Date = text.parse().map_err(|_| bad())?;
    if date.year() < 2000 || date.year() > 9000 {
        return Err(Error::invalid(
            field,
            "must be a date between 2000 and 9000",
        ));
    }
    Ok(date)
}

/// Days since 1970-01-01.
fn day_number(date: Date) -> i64 {
    let epoch = jiff::civil::date(1970, 1, 1);
    i64::from(
        date.since((jiff::Unit::Day, epoch))
            .map_or(0, |span| span.get_days()),
    )
}

/// When `date` starts in `tz`, in unix ms (the first instant of the day
/// that exists, where midnight is skipped by a change of offset).
fn day_start(tz: &TimeZone, date: Date, field: &str) -> Result<i64> {
    date.to_zoned_datetime(tz.clone())
        .map(|zoned| zoned.timestamp().as_millisecond())
        .map_err(|_| Error::invalid(field, "is out of range"))
}

/// What one event adds to its campaign's numbers (views are counted
/// apart, in memory).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub registrations: i64,
    /// A player's first registration for the campaign.
    pub players: i64,
    pub plays: i64,
    pub wins: i64,
    pub finishes: i64,
}

/// A day's (or a range's) numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Numbers {
    pub views: i64,
    pub registrations: i64,
    pub players: i64,
    pub plays: i64,
    pub wins: i64,
    pub finishes: i64,
    /// Wins by prize id.
    pub prizes: BTreeMap<String, i64>,
}

impl Numbers {
    /// Adds a stored row of counts: `prize_id` empty for those of no prize.
    pub fn add(&mut self, prize_id: &str, views: i64, counts: Counts) {
        self.views += views;
        self.registrations += counts.registrations;
        self.players += counts.players;
        self.plays += counts.plays;
        self.wins += counts.wins;
        self.finishes += counts.finishes;
        if !prize_id.is_empty() && counts.wins != 0 {
            *self.prizes.entry(prize_id.to_owned()).or_default() += counts.wins;
        }
    }

    pub fn merge(&mut self, other: &Self) {
        let counts = Counts {
            registrations: other.registrations,
            players: other.players,
            plays: other.plays,
            wins: other.wins,
            finishes: other.finishes,
        };
        self.add("", other.views, counts);
        for (prize, wins) in &other.prizes {
            *self.prizes.entry(prize.clone()).or_default() += wins;
        }
    }

    /// The share of each step that went on to the next.
    pub fn funnel(&self) -> Funnel {
        Funnel {
            registered: ratio(self.registrations, self.views),
            played: ratio(self.plays, self.registrations),
            won: ratio(self.wins, self.plays),
            finished: ratio(self.finishes, self.plays),
        }
    }
}

/// Conversions between the steps, each from 0 to 1; `None` when the step
/// before counted nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Funnel {
    /// Registrations per view.
    pub registered: Option<f64>,
    /// Plays per registration.
    pub played: Option<f64>,
    /// Wins per play.
    pub won: Option<f64>,
    /// Finishes per play.
    pub finished: Option<f64>,
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn zone(name: &str) -> TimeZone {
        time_zone("time_zone", name).unwrap()
    }

    /// The day of a bucket as the store computes it.
    fn day_of(days: &Days, bucket: i64) -> Option<String> {
        if bucket < days.start || bucket >= days.end {
            return None;
        }
        let offset = days
            .segments
            .iter()
            .rev()
            .find(|(at, _)| *at <= bucket)
            .map(|(_, offset)| *offset)?;
        let day = (bucket + offset).div_euclid(DAY_MS) - days.first_day;
        Some(days.date(usize::try_from(day).unwrap()))
    }

    #[test]
    fn names_are_checked() {
        assert!(time_zone("time_zone", "Europe/Paris").is_ok());
        assert!(time_zone("time_zone", "UTC").is_ok());
        for bad in [
            "",
            "Mars/Olympus",
            "/etc/passwd",
            "EST5EDT,M3.2.0,M11.1.0",
            "../x",
        ] {
            let err = time_zone("time_zone", bad).unwrap_err();
            assert!(
                matches!(err, Error::Invalid { ref field, .. } if field == "time_zone"),
                "{bad}"
            );
        }
    }

    #[test]
    fn buckets_are_local_hours() {
        let paris = zone("Europe/Paris");
        assert_eq!(
            bucket(&paris, ms("2026-01-10T10:59:59Z")),
            ms("2026-01-10T10:00:00Z")
        );
        let kolkata = zone("Asia/Kolkata");
        // 10:45 UTC is 16:15 in Kolkata, whose hour began at 10:30 UTC.
        assert_eq!(
            bucket(&kolkata, ms("2026-01-10T10:45:00Z")),
            ms("2026-01-10T10:30:00Z")
        );
        let kathmandu = zone("Asia/Kathmandu");
        assert_eq!(
            bucket(&kathmandu, ms("2026-01-10T10:20:00Z")),
            ms("2026-01-10T10:15:00Z")
        );
    }

    #[test]
    fn days_follow_the_zone_and_summer_time() {
        let paris = zone("Europe/Paris");
        // 2026-03-29: clocks go from 02:00 to 03:00, the day has 23 hours.
        let days = Days::new(&paris, Some("2026-03-28"), Some("2026-03-30"), 0).unwrap();
        assert_eq!(days.len(), 3);
        assert_eq!(days.start, ms("2026-03-27T23:00:00Z"));
        assert_eq!(days.end, ms("2026-03-30T22:00:00Z"));
        assert_eq!(days.segments.len(), 2);
        let at = |text: &str| day_of(&days, bucket(&paris, ms(text)));
        assert_eq!(at("2026-03-27T22:59:00Z"), None);
        assert_eq!(at("2026-03-27T23:00:00Z").as_deref(), Some("2026-03-28"));
        assert_eq!(at("2026-03-28T22:59:00Z").as_deref(), Some("2026-03-28"));
        assert_eq!(at("2026-03-28T23:00:00Z").as_deref(), Some("2026-03-29"));
        assert_eq!(at("2026-03-29T21:59:00Z").as_deref(), Some("2026-03-29"));
        assert_eq!(at("2026-03-29T22:00:00Z").as_deref(), Some("2026-03-30"));
        // Autumn: 2026-10-25 has 25 hours.
        let days = Days::new(&paris, Some("2026-10-25"), Some("2026-10-25"), 0).unwrap();
        assert_eq!(days.end - days.start, 25 * HOUR_MS);
        let at = |text: &str| day_of(&days, bucket(&paris, ms(text)));
        assert_eq!(at("2026-10-24T22:00:00Z").as_deref(), Some("2026-10-25"));
        assert_eq!(at("2026-10-25T22:59:00Z").as_deref(), Some("2026-10-25"));
        assert_eq!(at("2026-10-25T23:00:00Z"), None);
    }

    #[test]
    fn half_hour_zones_have_whole_days() {
        let kolkata = zone("Asia/Kolkata");
        let days = Days::new(&kolkata, Some("2026-01-10"), Some("2026-01-10"), 0).unwrap();
        assert_eq!(days.start, ms("2026-01-09T18:30:00Z"));
        let at = |text: &str| day_of(&days, bucket(&kolkata, ms(text)));
        assert_eq!(at("2026-01-09T18:29:59Z"), None);
        assert_eq!(at("2026-01-09T18:30:00Z").as_deref(), Some("2026-01-10"));
        assert_eq!(at("2026-01-10T18:29:59Z").as_deref(), Some("2026-01-10"));
    }

    #[test]
    fn ranges_are_checked() {
        let utc = zone("UTC");
        let now = ms("2026-05-20T12:00:00Z");
        let days = Days::new(&utc, None, None, now).unwrap();
        assert_eq!((days.date(0).as_str(), days.len()), ("2026-04-21", 30));
        let field = |from: Option<&str>, to: Option<&str>| match Days::new(&utc, from, to, now) {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(Some("2026-5-01"), None), "from");
        assert_eq!(field(None, Some("2026-02-30")), "to");
        assert_eq!(field(Some("2026-05-02"), Some("2026-05-01")), "from");
        assert_eq!(field(Some("2024-01-01"), Some("2026-01-01")), "to");
        assert!(Days::new(&utc, Some("2025-01-01"), Some("2025-12-31"), now).is_ok());
    }

    #[test]
    fn the_funnel_divides_each_step_by_the_one_before() {
        let mut numbers = Numbers::default();
        let counts = Counts {
            registrations: 5,
            players: 4,
            plays: 4,
            wins: 1,
            finishes: 3,
        };
        numbers.add("prz_a", 20, counts);
        let funnel = numbers.funnel();
        assert_eq!(funnel.registered, Some(0.25));
        assert_eq!(funnel.played, Some(0.8));
        assert_eq!(funnel.won, Some(0.25));
        assert_eq!(funnel.finished, Some(0.75));
        assert_eq!(numbers.prizes["prz_a"], 1);
        assert_eq!(Numbers::default().funnel().registered, None);
    }
}

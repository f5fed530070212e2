//! Times and ids. Every time is unix milliseconds until it is shown, and
//! every id is a prefix naming the kind of thing, then a ULID.

/// Milliseconds since the unix epoch: how every time is stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A new id: a prefix naming the kind of thing, then a ULID, so ids sort by
/// creation time (cursor pagination relies on it) and say what they are.
/// Ids made by this process sort in the order they were made, even within
/// one millisecond (see [`next_ulid`]).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", next_ulid().to_string().to_ascii_lowercase())
}

/// The last ULID this process made.
static LAST_ULID: std::sync::Mutex<ulid::Ulid> = std::sync::Mutex::new(ulid::Ulid::nil());

/// A monotonic ULID: above every ULID this process made before. In a new
/// millisecond it is the time and 80 random bits, as any ULID; within the
/// same millisecond (or when the clock stepped back) it is the previous
/// one plus one, so ids made in a tight loop still sort in creation order.
/// Ids of different processes made in one millisecond sort by chance.
fn next_ulid() -> ulid::Ulid {
    let now = u64::try_from(now_ms()).unwrap_or(0);
    let mut last = LAST_ULID
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let next = if now > last.timestamp_ms() {
        ulid::Ulid::from_parts(now, rand::random())
    } else {
        // 80 random bits leave ~2^79 increments before an overflow; then
        // the next millisecond starts, still above.
        last.increment()
            .unwrap_or_else(|| ulid::Ulid::from_parts(last.timestamp_ms() + 1, 0))
    };
    *last = next;
    next
}

/// The smallest id of this kind made at `ms` or later: every id made
/// before `ms` sorts below it.
pub fn id_bound(prefix: &str, ms: i64) -> String {
    let ms = u64::try_from(ms.max(0)).unwrap_or(0);
    let ulid = ulid::Ulid::from_parts(ms, 0)
        .to_string()
        .to_ascii_lowercase();
    format!("{prefix}_{ulid}")
}

/// Unix milliseconds as RFC 3339 UTC with milliseconds, e.g.
/// `2026-11-26T21:04:05.123Z`.
pub fn rfc3339(ms: i64) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time.format(&format).unwrap_or_default()
}

/// RFC 3339 to unix ms.
pub fn parse_rfc3339(value: &str) -> Option<i64> {
    let time =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn ids_are_prefixed_and_sort_by_time() {
        let a = new_id("cmp");
        std::thread::sleep(Duration::from_millis(2));
        let b = new_id("cmp");
        assert!(a.starts_with("cmp_") && a.len() == 30, "{a}");
        assert!(a < b);
        assert!(id_bound("cmp", now_ms() + 1) > b);
    }

    #[test]
    fn ids_made_within_a_millisecond_sort_in_creation_order() {
        let ids: Vec<String> = (0..10_000).map(|_| new_id("evt")).collect();
        for pair in ids.windows(2) {
            assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
        }
        // Many fall in one millisecond, or this test proves nothing.
        let first_ms = |id: &str| id[4..14].to_owned();
        assert!(ids.windows(2).any(|p| first_ms(&p[0]) == first_ms(&p[1])));
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_000_000_123), "2026-11-18T11:06:40.123Z");
        assert_eq!(
            parse_rfc3339("2026-11-18T11:06:40.123Z"),
            Some(1_795_000_000_123)
        );
    }
}

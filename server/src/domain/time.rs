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
pub fn new_id(prefix: &str) -> String {
    format!(
        "{prefix}_{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase()
    )
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
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_000_000_123), "2026-11-18T11:06:40.123Z");
        assert_eq!(
            parse_rfc3339("2026-11-18T11:06:40.123Z"),
            Some(1_795_000_000_123)
        );
    }
}

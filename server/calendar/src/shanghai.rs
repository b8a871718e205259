//! Local time of the court: Asia/Shanghai (China Standard Time, UTC+8).
//!
//! Invariant: every date this crate reasons about is a Shanghai calendar date, and every instant
//! it returns carries the Shanghai offset. Mainland China has observed no daylight saving time
//! since September 1991, so the fixed offset +08:00 gives the same local time as the IANA zone
//! `Asia/Shanghai` for every date from 1992 on. That is why a calendar year before 1992 is
//! rejected when a file is loaded, and why no time-zone database is needed.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta};

/// UTC offset of Asia/Shanghai in seconds.
pub const SHANGHAI_OFFSET_SECONDS: i32 = 8 * 3600;

/// First calendar year for which the fixed offset matches Asia/Shanghai all year round.
pub const FIRST_YEAR_WITHOUT_DST: i32 = 1992;

/// The fixed offset +08:00 of Asia/Shanghai.
pub const SHANGHAI: FixedOffset = match FixedOffset::east_opt(SHANGHAI_OFFSET_SECONDS) {
    Some(offset) => offset,
    None => panic!("+08:00 is a valid UTC offset"),
};

/// Converts an instant to Shanghai local time (the same instant, offset +08:00).
pub fn to_shanghai(instant: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    instant.with_timezone(&SHANGHAI)
}

/// Returns the Shanghai calendar date of an instant.
pub fn shanghai_date(instant: &DateTime<FixedOffset>) -> NaiveDate {
    to_shanghai(instant).date_naive()
}

/// Returns the instant of a Shanghai wall-clock time on a date.
///
/// A fixed offset has neither gaps nor repeated hours, so every local time maps to one instant.
pub fn shanghai_instant(date: NaiveDate, time: NaiveTime) -> DateTime<FixedOffset> {
    let local = date.and_time(time);
    let utc = local - TimeDelta::seconds(i64::from(SHANGHAI_OFFSET_SECONDS));
    DateTime::from_naive_utc_and_offset(utc, SHANGHAI)
}

/// Returns 00:00 Shanghai time at the start of a date.
pub fn shanghai_start_of_day(date: NaiveDate) -> DateTime<FixedOffset> {
    shanghai_instant(date, NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_date_of_utc_evening_is_next_day() {
        let utc_evening = DateTime::parse_from_rfc3339("2026-10-08T16:30:00+00:00").unwrap();

        assert_eq!(
            shanghai_date(&utc_evening),
            NaiveDate::from_ymd_opt(2026, 10, 9).unwrap()
        );
        assert_eq!(
            to_shanghai(&utc_evening).to_rfc3339(),
            "2026-10-09T00:30:00+08:00"
        );
    }

    #[test]
    fn start_of_day_is_sixteen_hundred_utc_before() {
        let date = NaiveDate::from_ymd_opt(2026, 10, 10).unwrap();
        let start = shanghai_start_of_day(date);

        assert_eq!(start.to_rfc3339(), "2026-10-10T00:00:00+08:00");
        assert_eq!(start.to_utc().to_rfc3339(), "2026-10-09T16:00:00+00:00");
    }
}

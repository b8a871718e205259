//! Dates, times and numbers as the console shows them: dates as 2026年12月4日, times in
//! Asia/Shanghai as 2026年12月4日 15:30, whatever the server's own time zone is.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use juanzong_calendar::weekday_zh;

/// Formats a day as 2026年12月4日.
pub fn date_zh(day: NaiveDate) -> String {
    juanzong_calendar::format_date_zh(day)
}

/// Formats a day with its weekday, as 2026年12月4日（星期五）.
pub fn date_weekday_zh(day: NaiveDate) -> String {
    format!("{}（{}）", date_zh(day), weekday_zh(day.weekday()))
}

/// Formats an instant as its Asia/Shanghai date and time to the minute, as 2026年12月4日 15:30.
pub fn datetime_zh(at: DateTime<Utc>) -> String {
    let local = juanzong_calendar::to_shanghai(&at.fixed_offset());
    format!(
        "{} {:02}:{:02}",
        date_zh(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// Formats a share as a whole percentage, as 75%, or returns `None` when `whole` is 0.
pub fn percent(part: u32, whole: u32) -> Option<String> {
    (whole > 0).then(|| format!("{}%", (f64::from(part) * 100.0 / f64::from(whole)).round()))
}

/// Parses the `from` and `to` days of a page's query, with a 400 for a malformed day.
pub fn query_period(
    query: &std::collections::HashMap<String, String>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), crate::error::ApiError> {
    let parse = |name: &str| {
        parse_form_day(query.get(name))
            .map_err(|message| crate::error::ApiError::bad_request("INVALID_DATE", message))
    };
    Ok((parse("from")?, parse("to")?))
}

/// Parses a day typed into a form as 2026-12-04. An empty field gives `None`.
pub fn parse_form_day(text: Option<&String>) -> Result<Option<NaiveDate>, String> {
    let Some(text) = text.map(|text| text.trim()).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("日期“{text}”无效，应为 2026-12-04 的格式。"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_have_no_leading_zeros() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 4).unwrap();
        assert_eq!(date_zh(day), "2026年2月4日");
        assert_eq!(date_weekday_zh(day), "2026年2月4日（星期三）");
    }

    #[test]
    fn times_are_shown_in_shanghai() {
        let at = Utc.with_ymd_and_hms(2026, 12, 4, 17, 5, 0).unwrap();
        assert_eq!(datetime_zh(at), "2026年12月5日 01:05");
    }

    #[test]
    fn percent_rounds_and_rejects_zero() {
        assert_eq!(percent(2, 3).as_deref(), Some("67%"));
        assert_eq!(percent(0, 4).as_deref(), Some("0%"));
        assert_eq!(percent(1, 0), None);
    }

    #[test]
    fn form_days_parse_or_explain() {
        let typed = "2026-12-04".to_string();
        assert_eq!(
            parse_form_day(Some(&typed)).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 4)
        );
        assert_eq!(parse_form_day(Some(&" ".to_string())).unwrap(), None);
        assert_eq!(parse_form_day(None).unwrap(), None);
        let error = parse_form_day(Some(&"12/04".to_string())).unwrap_err();
        assert!(error.contains("12/04"), "{error}");
    }
}

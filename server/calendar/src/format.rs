//! Chinese formatting of dates and deadlines for people.
//!
//! Invariant: a deadline that ends at midnight is shown as 24:00 of its last day (2026年10月9日
//! 24:00), the way Chinese law states the end of a day, never as 00:00 of the next day.

use chrono::{Datelike, NaiveDate, Timelike, Weekday};

use crate::deadline::Deadline;

/// Returns the Chinese name of a weekday, e.g. `星期五`.
pub fn weekday_zh(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// Formats a date as `2026年10月9日`.
pub fn format_date_zh(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// Formats the end of a deadline as `2026年10月9日 24:00（星期五）`, in Shanghai time.
///
/// Seconds are dropped, so an hour-based period started at 10:25:40 shows its end as 10:25 of the
/// next day, slightly before the true end.
pub fn format_deadline_zh(deadline: &Deadline) -> String {
    if deadline.ends_at_midnight() {
        let day = deadline.last_day;
        return format!(
            "{} 24:00（{}）",
            format_date_zh(day),
            weekday_zh(day.weekday())
        );
    }

    let due = deadline.due;
    let day = due.date_naive();
    format!(
        "{} {:02}:{:02}（{}）",
        format_date_zh(day),
        due.hour(),
        due.minute(),
        weekday_zh(day.weekday())
    )
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset};

    use super::*;
    use crate::calendar::Calendar;
    use crate::rules::{rule_ids, DeadlineRules};

    fn deadline_of(rule_id: &str, event: &str) -> Deadline {
        let event: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(event).unwrap();
        let rules = DeadlineRules::default_rules().unwrap();
        Calendar::mainland()
            .unwrap()
            .deadline(rules.get(rule_id).unwrap(), &event)
            .unwrap()
    }

    #[test]
    fn weekday_names() {
        assert_eq!(weekday_zh(Weekday::Mon), "星期一");
        assert_eq!(weekday_zh(Weekday::Sun), "星期日");
    }

    #[test]
    fn date_has_no_leading_zeros() {
        assert_eq!(
            format_date_zh(NaiveDate::from_ymd_opt(2026, 1, 4).unwrap()),
            "2026年1月4日"
        );
    }

    #[test]
    fn working_days_show_24_00() {
        let deadline = deadline_of(rule_ids::FIELD_HANDOVER, "2026-09-30T15:00:00+08:00");

        assert_eq!(
            format_deadline_zh(&deadline),
            "2026年10月9日 24:00（星期五）"
        );
    }

    #[test]
    fn make_up_saturday_deadline_names_saturday() {
        let deadline = deadline_of(rule_ids::FIELD_HANDOVER, "2026-10-08T15:00:00+08:00");

        assert_eq!(
            format_deadline_zh(&deadline),
            "2026年10月10日 24:00（星期六）"
        );
    }

    #[test]
    fn clock_time_deadlines_show_their_time() {
        let receipts = deadline_of(
            rule_ids::SERVICE_RECEIPT_TRANSFER,
            "2026-03-02T08:00:00+08:00",
        );
        let filing = deadline_of(
            rule_ids::SERVICE_RECEIPT_FILING,
            "2026-03-06T16:25:40+08:00",
        );

        assert_eq!(
            format_deadline_zh(&receipts),
            "2026年3月2日 16:30（星期一）"
        );
        assert_eq!(format_deadline_zh(&filing), "2026年3月7日 16:25（星期六）");
    }
}

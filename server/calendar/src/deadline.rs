//! Counting a deadline (期限) from a rule and the time of its starting event.
//!
//! Counting follows Chinese civil procedure: the day of the event is not counted (民事诉讼法
//! art. 85), a day-based period starts on the next day (民诉法解释 art. 125), and it ends at 24:00
//! of its last day (民法典 art. 203). Invariants of a returned `Deadline`:
//! - `due` is exclusive: an act at or after `due` is late. A period that ends at 24:00 has `due`
//!   at 00:00 Shanghai time of the following day.
//! - `last_day` is the Shanghai date of the last instant before `due`. For a working-day period
//!   it is the N-th working day after the event's day, so it is always a working day.
//! - A working-day period that reaches a year without loaded data fails with `YearMissing`.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};

use crate::calendar::Calendar;
use crate::error::CalendarError;
use crate::rules::{DeadlineRule, Period};
use crate::shanghai::{shanghai_date, shanghai_instant, shanghai_start_of_day, to_shanghai};

/// The end of a period, computed for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub rule_id: String,
    /// When the starting event happened, in Shanghai time.
    pub event_time: DateTime<FixedOffset>,
    /// The first instant at which the period is over, in Shanghai time (exclusive end).
    pub due: DateTime<FixedOffset>,
    /// The Shanghai date on which the period ends, e.g. the 2nd working day for `field_handover`.
    pub last_day: NaiveDate,
}

impl Deadline {
    /// Returns whether the period ends at 24:00 of `last_day`, as every day-based period does.
    pub fn ends_at_midnight(&self) -> bool {
        shanghai_date(&self.due) != self.last_day
    }
}

impl Calendar {
    /// Computes when the period of `rule` ends for an event at `event_time`.
    ///
    /// - Working days: counted from the day after the event's Shanghai date, whether or not the
    ///   event's day is itself a working day. The period ends at 24:00 on the N-th working day.
    /// - Hours: N elapsed clock hours from the event instant, nights and holidays included.
    /// - Same-day clock time: that time on the event's Shanghai date.
    ///
    /// Fails with `YearMissing` when a working-day period needs a year that is not loaded.
    pub fn deadline(
        &self,
        rule: &DeadlineRule,
        event_time: &DateTime<FixedOffset>,
    ) -> Result<Deadline, CalendarError> {
        let event_time = to_shanghai(event_time);
        let event_day = event_time.date_naive();
        let out_of_range = || CalendarError::TimeOutOfRange {
            event_time: event_time.to_rfc3339(),
        };

        let (due, last_day) = match rule.period {
            Period::WorkingDays(count) => {
                let last_day = self.add_working_days(event_day, count)?;
                let next_day = last_day.succ_opt().ok_or_else(out_of_range)?;
                (shanghai_start_of_day(next_day), last_day)
            }
            Period::ClockHours(hours) => {
                let due = event_time
                    .checked_add_signed(TimeDelta::hours(i64::from(hours)))
                    .ok_or_else(out_of_range)?;
                let last_instant = due - TimeDelta::nanoseconds(1);
                (due, last_instant.date_naive())
            }
            // NOTE: an event after the clock time (a case filed at 18:30 under an 18:00 rule) gets
            // a `due` before the event, so it is late at once. The workflow standard does not say
            // whether such an event moves to the next day.
            Period::SameDayBy(time) => match time.time_of_day() {
                Some(time_of_day) => (shanghai_instant(event_day, time_of_day), event_day),
                None => {
                    let next_day = event_day.succ_opt().ok_or_else(out_of_range)?;
                    (shanghai_start_of_day(next_day), event_day)
                }
            },
        };

        Ok(Deadline {
            rule_id: rule.id.clone(),
            event_time,
            due,
            last_day,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{rule_ids, DeadlineRules};

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn deadline_of(rule_id: &str, event: &str) -> Result<Deadline, CalendarError> {
        let calendar = Calendar::mainland().unwrap();
        let rules = DeadlineRules::default_rules().unwrap();
        calendar.deadline(rules.get(rule_id).unwrap(), &at(event))
    }

    /// Returns the last day of the field hand-over period for a return at 15:00 on `day`.
    fn field_handover_last_day(day: NaiveDate) -> NaiveDate {
        let event = format!("{day}T15:00:00+08:00");
        deadline_of(rule_ids::FIELD_HANDOVER, &event)
            .unwrap()
            .last_day
    }

    #[test]
    fn worked_examples_of_field_handover() {
        let cases = [
            (date(2025, 3, 7), date(2025, 3, 11)),
            (date(2025, 3, 9), date(2025, 3, 11)),
            (date(2025, 9, 30), date(2025, 10, 10)),
            (date(2026, 9, 30), date(2026, 10, 9)),
            (date(2026, 10, 3), date(2026, 10, 9)),
            (date(2026, 10, 10), date(2026, 10, 13)),
        ];

        for (returned, expected) in cases {
            assert_eq!(
                field_handover_last_day(returned),
                expected,
                "return on {returned}"
            );
        }
    }

    #[test]
    fn working_day_deadline_is_midnight_after_last_day() {
        let deadline = deadline_of(rule_ids::FIELD_HANDOVER, "2026-09-30T09:15:00+08:00").unwrap();

        assert_eq!(deadline.rule_id, "field_handover");
        assert_eq!(deadline.last_day, date(2026, 10, 9));
        assert_eq!(deadline.due, at("2026-10-10T00:00:00+08:00"));
        assert_eq!(deadline.due.offset().local_minus_utc(), 8 * 3600);
        assert!(deadline.ends_at_midnight());
    }

    #[test]
    fn event_time_in_utc_uses_shanghai_date() {
        // 2026-10-09 17:00 UTC is 2026-10-10 01:00 in Shanghai, a make-up working day.
        let deadline = deadline_of(rule_ids::FIELD_HANDOVER, "2026-10-09T17:00:00+00:00").unwrap();

        assert_eq!(deadline.event_time, at("2026-10-10T01:00:00+08:00"));
        assert_eq!(deadline.last_day, date(2026, 10, 13));
    }

    #[test]
    fn late_evening_return_counts_same_way() {
        assert_eq!(field_handover_last_day(date(2025, 3, 7)), date(2025, 3, 11));
        let just_before_midnight =
            deadline_of(rule_ids::FIELD_HANDOVER, "2025-03-07T23:59:59+08:00").unwrap();
        let just_after_midnight =
            deadline_of(rule_ids::FIELD_HANDOVER, "2025-03-08T00:00:00+08:00").unwrap();

        assert_eq!(just_before_midnight.last_day, date(2025, 3, 11));
        assert_eq!(just_after_midnight.last_day, date(2025, 3, 11));
    }

    #[test]
    fn returns_around_each_holiday() {
        let cases = [
            // New Year: 2026-01-01 to 01-03 off, Sunday 01-04 worked.
            (date(2025, 12, 31), date(2026, 1, 5)),
            (date(2026, 1, 2), date(2026, 1, 5)),
            (date(2024, 12, 31), date(2025, 1, 3)),
            // Spring Festival 2024: 02-10 to 02-17 off, Sundays 02-04 and 02-18 worked.
            (date(2024, 2, 2), date(2024, 2, 5)),
            (date(2024, 2, 8), date(2024, 2, 18)),
            (date(2024, 2, 9), date(2024, 2, 19)),
            // Spring Festival 2025: 01-28 to 02-04 off, 01-26 and 02-08 worked.
            (date(2025, 1, 24), date(2025, 1, 27)),
            (date(2025, 1, 27), date(2025, 2, 6)),
            (date(2025, 2, 6), date(2025, 2, 8)),
            // Spring Festival 2026: 02-15 to 02-23 off, Saturdays 02-14 and 02-28 worked.
            (date(2026, 2, 12), date(2026, 2, 14)),
            (date(2026, 2, 13), date(2026, 2, 24)),
            (date(2026, 2, 26), date(2026, 2, 28)),
            // Qingming.
            (date(2024, 4, 3), date(2024, 4, 8)),
            (date(2025, 4, 3), date(2025, 4, 8)),
            (date(2026, 4, 2), date(2026, 4, 7)),
            // May Day: 2024 Sunday 04-28 and Saturday 05-11 worked.
            (date(2024, 4, 26), date(2024, 4, 29)),
            (date(2024, 4, 30), date(2024, 5, 7)),
            (date(2024, 5, 9), date(2024, 5, 11)),
            (date(2025, 4, 30), date(2025, 5, 7)),
            (date(2026, 5, 7), date(2026, 5, 9)),
            // Dragon Boat.
            (date(2024, 6, 7), date(2024, 6, 12)),
            (date(2025, 5, 29), date(2025, 6, 3)),
            (date(2026, 6, 18), date(2026, 6, 23)),
            // Mid-Autumn: 2024 Saturday 09-14 worked; 2026 Sunday 09-20 worked.
            (date(2024, 9, 12), date(2024, 9, 14)),
            (date(2024, 9, 13), date(2024, 9, 18)),
            (date(2026, 9, 18), date(2026, 9, 21)),
            (date(2026, 9, 24), date(2026, 9, 29)),
            // National Day.
            (date(2024, 9, 27), date(2024, 9, 30)),
            (date(2024, 9, 30), date(2024, 10, 9)),
            (date(2024, 10, 11), date(2024, 10, 14)),
            (date(2025, 9, 26), date(2025, 9, 29)),
            (date(2025, 10, 9), date(2025, 10, 11)),
        ];

        for (returned, expected) in cases {
            assert_eq!(
                field_handover_last_day(returned),
                expected,
                "return on {returned}"
            );
        }
    }

    #[test]
    fn ten_working_days_for_missing_filing_paper() {
        let deadline =
            deadline_of(rule_ids::MISSING_FILING_PAPER, "2025-09-26T10:00:00+08:00").unwrap();

        // 09-28 (Sunday, worked), 09-29, 09-30, the holiday to 10-08, then 10-09, 10-10, 10-11
        // (Saturday, worked), 10-13, 10-14, 10-15 and 10-16 as the 10th.
        assert_eq!(deadline.last_day, date(2025, 10, 16));
        assert_eq!(deadline.due, at("2025-10-17T00:00:00+08:00"));
    }

    #[test]
    fn period_into_unloaded_year_fails() {
        let error = deadline_of(rule_ids::FIELD_HANDOVER, "2026-12-30T11:00:00+08:00").unwrap_err();

        assert_eq!(error, CalendarError::YearMissing { year: 2027 });
        assert_eq!(error.code(), "CALENDAR_YEAR_MISSING");
    }

    #[test]
    fn period_ending_in_loaded_year_near_its_end() {
        let deadline = deadline_of(rule_ids::FIELD_HANDOVER, "2026-12-29T11:00:00+08:00").unwrap();

        assert_eq!(deadline.last_day, date(2026, 12, 31));
        assert_eq!(deadline.due, at("2027-01-01T00:00:00+08:00"));
    }

    #[test]
    fn hours_are_clock_hours_across_holidays() {
        let deadline = deadline_of(
            rule_ids::SERVICE_RECEIPT_FILING,
            "2026-09-30T16:20:00+08:00",
        )
        .unwrap();

        assert_eq!(deadline.due, at("2026-10-01T16:20:00+08:00"));
        assert_eq!(deadline.last_day, date(2026, 10, 1));
        assert!(!deadline.ends_at_midnight());
    }

    #[test]
    fn hours_ending_at_midnight_end_on_previous_day() {
        let deadline = deadline_of(
            rule_ids::SERVICE_RECEIPT_FILING,
            "2026-03-02T00:00:00+08:00",
        )
        .unwrap();

        assert_eq!(deadline.due, at("2026-03-03T00:00:00+08:00"));
        assert_eq!(deadline.last_day, date(2026, 3, 2));
        assert!(deadline.ends_at_midnight());
    }

    #[test]
    fn hours_do_not_need_loaded_year() {
        let deadline = deadline_of(
            rule_ids::SERVICE_RECEIPT_FILING,
            "2027-03-01T09:00:00+08:00",
        )
        .unwrap();

        assert_eq!(deadline.due, at("2027-03-02T09:00:00+08:00"));
    }

    #[test]
    fn clock_time_rules_end_on_event_day() {
        let receipts = deadline_of(
            rule_ids::SERVICE_RECEIPT_TRANSFER,
            "2026-03-02T08:40:00+08:00",
        )
        .unwrap();
        let new_case =
            deadline_of(rule_ids::NEW_CASE_TRANSFER, "2026-03-02T09:00:00+08:00").unwrap();
        let shelving =
            deadline_of(rule_ids::NEW_CASE_SHELVING, "2026-03-02T17:50:00+08:00").unwrap();

        assert_eq!(receipts.due, at("2026-03-02T16:30:00+08:00"));
        assert_eq!(receipts.last_day, date(2026, 3, 2));
        assert_eq!(new_case.due, at("2026-03-02T18:00:00+08:00"));
        assert_eq!(shelving.due, at("2026-03-03T00:00:00+08:00"));
        assert_eq!(shelving.last_day, date(2026, 3, 2));
        assert!(shelving.ends_at_midnight());
    }

    #[test]
    fn clock_time_uses_shanghai_date_of_utc_event() {
        // 2026-03-01 23:00 UTC is 2026-03-02 07:00 in Shanghai.
        let new_case =
            deadline_of(rule_ids::NEW_CASE_TRANSFER, "2026-03-01T23:00:00+00:00").unwrap();

        assert_eq!(new_case.due, at("2026-03-02T18:00:00+08:00"));
    }

    #[test]
    fn clock_time_before_event_is_already_due() {
        let new_case =
            deadline_of(rule_ids::NEW_CASE_TRANSFER, "2026-03-02T18:30:00+08:00").unwrap();

        assert!(new_case.due < new_case.event_time);
    }
}

//! Hand-over state (移送状态) of a deadline, from the time material was handed over to the
//! case-file center (卷宗管理中心), if it was.
//!
//! Invariants: when a hand-over time is given, the state depends only on that time and the
//! deadline, never on `now`. Otherwise the state is overdue from `due` on, due today while the
//! Shanghai date of `now` is the last day, and not due before that.

use chrono::{DateTime, FixedOffset};

use crate::calendar::Calendar;
use crate::deadline::Deadline;
use crate::error::CalendarError;
use crate::shanghai::shanghai_date;

/// State of a deadline's hand-over, with stable English codes and Chinese labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverState {
    /// 未到期: not handed over, and the last day is still ahead.
    NotDue,
    /// 今日到期: not handed over, and today (Shanghai) is the last day.
    DueToday,
    /// 已逾期: not handed over, and the deadline has passed.
    Overdue,
    /// 按时移送: handed over before the deadline.
    HandedOverOnTime,
    /// 逾期移送: handed over at or after the deadline. `working_days_late` counts the working days
    /// after the last day up to and including the hand-over day. It is 0 for a hand-over later on
    /// the last day (after a same-day clock time) or on a day off right after the last day.
    HandedOverLate { working_days_late: u32 },
}

impl HandoverState {
    /// Returns the stable English code.
    pub fn code(&self) -> &'static str {
        match self {
            HandoverState::NotDue => "NOT_DUE",
            HandoverState::DueToday => "DUE_TODAY",
            HandoverState::Overdue => "OVERDUE",
            HandoverState::HandedOverOnTime => "HANDED_OVER_ON_TIME",
            HandoverState::HandedOverLate { .. } => "HANDED_OVER_LATE",
        }
    }

    /// Returns the Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            HandoverState::NotDue => "未到期",
            HandoverState::DueToday => "今日到期",
            HandoverState::Overdue => "已逾期",
            HandoverState::HandedOverOnTime => "按时移送",
            HandoverState::HandedOverLate { .. } => "逾期移送",
        }
    }

    /// Describes the state in Chinese, with the lateness for a late hand-over, e.g.
    /// `逾期移送（逾期 2 个工作日）`, or `逾期移送（期满后的休息日移送）` for 0 working days.
    pub fn describe_zh(&self) -> String {
        match self {
            HandoverState::HandedOverLate { working_days_late: 0 } => {
                format!("{}（期满后的休息日移送）", self.label_zh())
            }
            HandoverState::HandedOverLate { working_days_late } => {
                format!("{}（逾期 {working_days_late} 个工作日）", self.label_zh())
            }
            _ => self.label_zh().to_owned(),
        }
    }
}

impl Calendar {
    /// Classifies a deadline given the hand-over time, if any, and the current time.
    ///
    /// Fails with `YearMissing` only for a late hand-over whose lateness runs through a year that
    /// is not loaded.
    pub fn classify_handover(
        &self,
        deadline: &Deadline,
        handed_over_at: Option<&DateTime<FixedOffset>>,
        now: &DateTime<FixedOffset>,
    ) -> Result<HandoverState, CalendarError> {
        if let Some(handed_over_at) = handed_over_at {
            if *handed_over_at < deadline.due {
                return Ok(HandoverState::HandedOverOnTime);
            }
            let working_days_late =
                self.working_days_between(deadline.last_day, shanghai_date(handed_over_at))?;
            return Ok(HandoverState::HandedOverLate { working_days_late });
        }

        let state = if *now >= deadline.due {
            HandoverState::Overdue
        } else if shanghai_date(now) == deadline.last_day {
            HandoverState::DueToday
        } else {
            HandoverState::NotDue
        };
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{rule_ids, DeadlineRules};

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn calendar() -> Calendar {
        Calendar::mainland().unwrap()
    }

    /// Field hand-over after a return on 2026-09-30: last day 2026-10-09 (Friday), due at
    /// 2026-10-10 00:00, and 2026-10-10 is a make-up working Saturday.
    fn national_day_deadline() -> Deadline {
        let rules = DeadlineRules::default_rules().unwrap();
        calendar()
            .deadline(
                rules.get(rule_ids::FIELD_HANDOVER).unwrap(),
                &at("2026-09-30T15:00:00+08:00"),
            )
            .unwrap()
    }

    fn state(handed_over_at: Option<&str>, now: &str) -> HandoverState {
        let handed_over_at = handed_over_at.map(at);
        calendar()
            .classify_handover(&national_day_deadline(), handed_over_at.as_ref(), &at(now))
            .unwrap()
    }

    #[test]
    fn open_deadline_states_over_time() {
        assert_eq!(
            state(None, "2026-10-08T09:00:00+08:00"),
            HandoverState::NotDue
        );
        assert_eq!(
            state(None, "2026-10-09T00:00:00+08:00"),
            HandoverState::DueToday
        );
        assert_eq!(
            state(None, "2026-10-09T23:59:59+08:00"),
            HandoverState::DueToday
        );
        assert_eq!(
            state(None, "2026-10-10T00:00:00+08:00"),
            HandoverState::Overdue
        );
        assert_eq!(
            state(None, "2026-10-20T10:00:00+08:00"),
            HandoverState::Overdue
        );
    }

    #[test]
    fn due_today_uses_shanghai_date_of_now() {
        // 2026-10-08 16:30 UTC is 2026-10-09 00:30 in Shanghai.
        assert_eq!(
            state(None, "2026-10-08T16:30:00+00:00"),
            HandoverState::DueToday
        );
        assert_eq!(
            state(None, "2026-10-08T15:30:00+00:00"),
            HandoverState::NotDue
        );
    }

    #[test]
    fn hand_over_before_due_is_on_time() {
        assert_eq!(
            state(
                Some("2026-10-09T23:59:59+08:00"),
                "2026-11-01T10:00:00+08:00"
            ),
            HandoverState::HandedOverOnTime
        );
        assert_eq!(
            state(
                Some("2026-09-30T16:00:00+08:00"),
                "2026-09-30T16:00:00+08:00"
            ),
            HandoverState::HandedOverOnTime
        );
    }

    #[test]
    fn lateness_counts_working_days_after_last_day() {
        let cases = [
            // 2026-10-10 00:00 is the deadline itself, and that Saturday is a make-up working day.
            ("2026-10-10T00:00:00+08:00", 1),
            ("2026-10-11T10:00:00+08:00", 1),
            ("2026-10-12T10:00:00+08:00", 2),
            ("2026-10-16T17:00:00+08:00", 6),
        ];

        for (handed_over_at, expected) in cases {
            assert_eq!(
                state(Some(handed_over_at), "2026-10-20T09:00:00+08:00"),
                HandoverState::HandedOverLate {
                    working_days_late: expected
                },
                "{handed_over_at}"
            );
        }
    }

    #[test]
    fn late_on_day_off_counts_zero() {
        let rules = DeadlineRules::default_rules().unwrap();
        let calendar = calendar();
        let deadline = calendar
            .deadline(
                rules.get(rule_ids::FIELD_HANDOVER).unwrap(),
                &at("2025-03-05T10:00:00+08:00"),
            )
            .unwrap();
        let saturday = at("2025-03-08T10:00:00+08:00");
        let monday = at("2025-03-10T10:00:00+08:00");

        assert_eq!(
            deadline.last_day,
            chrono::NaiveDate::from_ymd_opt(2025, 3, 7).unwrap()
        );
        assert_eq!(
            calendar.classify_handover(&deadline, Some(&saturday), &monday),
            Ok(HandoverState::HandedOverLate {
                working_days_late: 0
            })
        );
        assert_eq!(
            calendar.classify_handover(&deadline, Some(&monday), &monday),
            Ok(HandoverState::HandedOverLate {
                working_days_late: 1
            })
        );
    }

    #[test]
    fn lateness_into_unloaded_year_fails() {
        let rules = DeadlineRules::default_rules().unwrap();
        let calendar = calendar();
        let deadline = calendar
            .deadline(
                rules.get(rule_ids::FIELD_HANDOVER).unwrap(),
                &at("2026-12-28T10:00:00+08:00"),
            )
            .unwrap();
        let handed_over_at = at("2027-01-05T10:00:00+08:00");

        assert_eq!(
            calendar.classify_handover(&deadline, Some(&handed_over_at), &handed_over_at),
            Err(CalendarError::YearMissing { year: 2027 })
        );
    }

    #[test]
    fn codes_and_labels() {
        let cases = [
            (HandoverState::NotDue, "NOT_DUE", "未到期"),
            (HandoverState::DueToday, "DUE_TODAY", "今日到期"),
            (HandoverState::Overdue, "OVERDUE", "已逾期"),
            (
                HandoverState::HandedOverOnTime,
                "HANDED_OVER_ON_TIME",
                "按时移送",
            ),
            (
                HandoverState::HandedOverLate {
                    working_days_late: 2,
                },
                "HANDED_OVER_LATE",
                "逾期移送",
            ),
        ];

        for (state, code, label) in cases {
            assert_eq!(state.code(), code);
            assert_eq!(state.label_zh(), label);
        }
        assert_eq!(
            HandoverState::HandedOverLate {
                working_days_late: 2
            }
            .describe_zh(),
            "逾期移送（逾期 2 个工作日）"
        );
        assert_eq!(
            HandoverState::HandedOverLate {
                working_days_late: 0
            }
            .describe_zh(),
            "逾期移送（期满后的休息日移送）"
        );
        assert_eq!(HandoverState::DueToday.describe_zh(), "今日到期");
    }
}

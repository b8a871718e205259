//! Properties of deadline counting over many random event times, checked against an independent
//! oracle: the published 2024 to 2026 arrangements typed in here as plain tuples, so a typing
//! mistake in `cn-mainland.toml` or a counting bug in the crate shows up as a mismatch.
//!
//! The random generator is seeded, so every run checks the same cases and a failure repeats.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, Weekday};
use juanzong_calendar::{shanghai_start_of_day, Calendar, CalendarError, DeadlineRule, Period};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SEED: u64 = 20_261_204;
const CASES: usize = 3000;

/// A date as (year, month, day).
type Ymd = (i32, u32, u32);

/// Holiday ranges (inclusive) of the State Council notices for 2024, 2025 and 2026.
const HOLIDAYS: &[(Ymd, Ymd)] = &[
    ((2024, 1, 1), (2024, 1, 1)),
    ((2024, 2, 10), (2024, 2, 17)),
    ((2024, 4, 4), (2024, 4, 6)),
    ((2024, 5, 1), (2024, 5, 5)),
    ((2024, 6, 10), (2024, 6, 10)),
    ((2024, 9, 15), (2024, 9, 17)),
    ((2024, 10, 1), (2024, 10, 7)),
    ((2025, 1, 1), (2025, 1, 1)),
    ((2025, 1, 28), (2025, 2, 4)),
    ((2025, 4, 4), (2025, 4, 6)),
    ((2025, 5, 1), (2025, 5, 5)),
    ((2025, 5, 31), (2025, 6, 2)),
    ((2025, 10, 1), (2025, 10, 8)),
    ((2026, 1, 1), (2026, 1, 3)),
    ((2026, 2, 15), (2026, 2, 23)),
    ((2026, 4, 4), (2026, 4, 6)),
    ((2026, 5, 1), (2026, 5, 5)),
    ((2026, 6, 19), (2026, 6, 21)),
    ((2026, 9, 25), (2026, 9, 27)),
    ((2026, 10, 1), (2026, 10, 7)),
];

/// Make-up working Saturdays and Sundays of the same notices.
const MAKE_UP_WORKDAYS: &[Ymd] = &[
    (2024, 2, 4),
    (2024, 2, 18),
    (2024, 4, 7),
    (2024, 4, 28),
    (2024, 5, 11),
    (2024, 9, 14),
    (2024, 9, 29),
    (2024, 10, 12),
    (2025, 1, 26),
    (2025, 2, 8),
    (2025, 4, 27),
    (2025, 9, 28),
    (2025, 10, 11),
    (2026, 1, 4),
    (2026, 2, 14),
    (2026, 2, 28),
    (2026, 5, 9),
    (2026, 9, 20),
    (2026, 10, 10),
];

fn ymd((year, month, day): Ymd) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn first_day() -> NaiveDate {
    ymd((2024, 1, 1))
}

fn last_loaded_day() -> NaiveDate {
    ymd((2026, 12, 31))
}

fn oracle_is_working_day(date: NaiveDate) -> bool {
    if MAKE_UP_WORKDAYS.iter().any(|day| ymd(*day) == date) {
        return true;
    }
    if HOLIDAYS
        .iter()
        .any(|(first, last)| ymd(*first) <= date && date <= ymd(*last))
    {
        return false;
    }
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Counts oracle working days after `after` up to and including `up_to`.
fn oracle_working_days(after: NaiveDate, up_to: NaiveDate) -> u32 {
    after
        .iter_days()
        .skip(1)
        .take_while(|day| *day <= up_to)
        .filter(|day| oracle_is_working_day(*day))
        .count() as u32
}

fn working_day_rule(days: u32) -> DeadlineRule {
    DeadlineRule {
        id: "test_working_days".to_owned(),
        name: "测试".to_owned(),
        event: "测试事件".to_owned(),
        period: Period::WorkingDays(days),
        binds: vec!["测试岗位".to_owned()],
        source: None,
    }
}

/// Draws a random instant from 2024-01-01 00:00 to 2026-12-31 23:59:59 Shanghai time.
fn random_instant(rng: &mut StdRng) -> DateTime<FixedOffset> {
    let start = shanghai_start_of_day(first_day());
    let span_seconds = (shanghai_start_of_day(ymd((2027, 1, 1))) - start).num_seconds();
    start + TimeDelta::seconds(rng.gen_range(0..span_seconds))
}

#[test]
fn calendar_matches_published_arrangements() {
    let calendar = Calendar::mainland().unwrap();

    for day in first_day()
        .iter_days()
        .take_while(|day| *day <= last_loaded_day())
    {
        assert_eq!(
            calendar.is_working_day(day),
            Ok(oracle_is_working_day(day)),
            "{day}"
        );
    }
}

#[test]
fn deadline_ends_on_nth_working_day() {
    let calendar = Calendar::mainland().unwrap();
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut reached_2027 = 0;

    for _ in 0..CASES {
        let event = random_instant(&mut rng);
        let days = rng.gen_range(1..=15);
        let event_day = event.date_naive();

        match calendar.deadline(&working_day_rule(days), &event) {
            Ok(deadline) => {
                assert!(
                    oracle_is_working_day(deadline.last_day),
                    "{event} + {days}: {}",
                    deadline.last_day
                );
                assert_eq!(
                    oracle_working_days(event_day, deadline.last_day),
                    days,
                    "{event} + {days}"
                );
                assert_eq!(
                    deadline.due,
                    shanghai_start_of_day(deadline.last_day.succ_opt().unwrap()),
                    "{event}"
                );
                assert!(deadline.due > event, "{event}");
            }
            Err(error) => {
                assert_eq!(
                    error,
                    CalendarError::YearMissing { year: 2027 },
                    "{event} + {days}"
                );
                assert!(
                    oracle_working_days(event_day, last_loaded_day()) < days,
                    "{event} + {days}"
                );
                reached_2027 += 1;
            }
        }
    }

    // The seeded cases must exercise both outcomes, or the test proves less than it claims.
    assert!(reached_2027 > 0);
    assert!(reached_2027 < CASES / 10);
}

#[test]
fn later_event_never_gives_earlier_deadline() {
    let calendar = Calendar::mainland().unwrap();
    let mut rng = StdRng::seed_from_u64(SEED + 1);

    for _ in 0..CASES {
        let days = rng.gen_range(1..=10);
        let (first, second) = (random_instant(&mut rng), random_instant(&mut rng));
        let (earlier, later) = if first <= second {
            (first, second)
        } else {
            (second, first)
        };

        let (Ok(earlier_deadline), Ok(later_deadline)) = (
            calendar.deadline(&working_day_rule(days), &earlier),
            calendar.deadline(&working_day_rule(days), &later),
        ) else {
            continue;
        };
        assert!(
            earlier_deadline.due <= later_deadline.due,
            "{earlier} and {later} + {days}"
        );
    }
}

#[test]
fn same_day_events_share_deadline() {
    let calendar = Calendar::mainland().unwrap();
    let mut rng = StdRng::seed_from_u64(SEED + 2);

    for _ in 0..CASES {
        let event = random_instant(&mut rng);
        let start_of_day = shanghai_start_of_day(event.date_naive());

        let at_event = calendar.deadline(&working_day_rule(2), &event);
        let at_midnight = calendar.deadline(&working_day_rule(2), &start_of_day);
        assert_eq!(
            at_event.map(|deadline| deadline.due),
            at_midnight.map(|deadline| deadline.due),
            "{event}"
        );
    }
}

#[test]
fn hour_periods_add_exact_hours() {
    let calendar = Calendar::mainland().unwrap();
    let mut rng = StdRng::seed_from_u64(SEED + 3);

    for _ in 0..CASES {
        let event = random_instant(&mut rng);
        let hours = rng.gen_range(1..=72);
        let rule = DeadlineRule {
            period: Period::ClockHours(hours),
            ..working_day_rule(1)
        };

        let deadline = calendar.deadline(&rule, &event).unwrap();
        assert_eq!(
            deadline.due - event,
            TimeDelta::hours(i64::from(hours)),
            "{event} + {hours} h"
        );
        assert!(deadline.last_day <= deadline.due.date_naive(), "{event}");
    }
}

#[test]
fn lateness_matches_oracle_count() {
    let calendar = Calendar::mainland().unwrap();
    let mut rng = StdRng::seed_from_u64(SEED + 4);

    for _ in 0..CASES {
        let event = random_instant(&mut rng);
        let Ok(deadline) = calendar.deadline(&working_day_rule(2), &event) else {
            continue;
        };
        let handed_over_at = deadline.due + TimeDelta::seconds(rng.gen_range(0..30 * 86_400));
        if handed_over_at.date_naive() > last_loaded_day() {
            continue;
        }

        let state = calendar
            .classify_handover(&deadline, Some(&handed_over_at), &handed_over_at)
            .unwrap();
        let expected = oracle_working_days(deadline.last_day, handed_over_at.date_naive());
        assert_eq!(state.code(), "HANDED_OVER_LATE");
        assert_eq!(
            state,
            juanzong_calendar::HandoverState::HandedOverLate {
                working_days_late: expected
            },
            "{handed_over_at}"
        );
    }
}

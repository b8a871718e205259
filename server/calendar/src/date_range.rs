//! Inclusive ranges of calendar dates.
//!
//! Invariant: `first <= last`, so a range contains at least one day. Construction checks it.

use chrono::NaiveDate;

/// An inclusive range of Shanghai calendar dates, at least one day long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateRange {
    first: NaiveDate,
    last: NaiveDate,
}

impl DateRange {
    /// Creates the range `first..=last`, or returns `None` when `last` is before `first`.
    pub fn new(first: NaiveDate, last: NaiveDate) -> Option<Self> {
        (first <= last).then_some(DateRange { first, last })
    }

    /// Creates a one-day range.
    pub fn single(date: NaiveDate) -> Self {
        DateRange {
            first: date,
            last: date,
        }
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    pub fn last(&self) -> NaiveDate {
        self.last
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// Returns whether the two ranges share at least one day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// Returns the number of days in the range, at least 1.
    pub fn day_count(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// Iterates over the days of the range in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last;
        self.first.iter_days().take_while(move |day| *day <= last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn reversed_range_is_rejected() {
        assert_eq!(DateRange::new(date(2026, 10, 7), date(2026, 10, 1)), None);
    }

    #[test]
    fn range_days_and_count_are_inclusive() {
        let range = DateRange::new(date(2025, 12, 30), date(2026, 1, 2)).unwrap();
        let days: Vec<NaiveDate> = range.days().collect();

        assert_eq!(range.day_count(), 4);
        assert_eq!(
            days,
            vec![
                date(2025, 12, 30),
                date(2025, 12, 31),
                date(2026, 1, 1),
                date(2026, 1, 2)
            ]
        );
        assert!(range.contains(date(2026, 1, 2)));
        assert!(!range.contains(date(2026, 1, 3)));
    }

    #[test]
    fn overlap_includes_shared_end_day() {
        let october = DateRange::new(date(2026, 10, 1), date(2026, 10, 7)).unwrap();

        assert!(october.overlaps(&DateRange::single(date(2026, 10, 7))));
        assert!(!october.overlaps(&DateRange::single(date(2026, 10, 8))));
    }
}

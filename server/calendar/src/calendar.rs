//! The working-day calendar (工作日历): which Shanghai dates are working days.
//!
//! Invariants:
//! - A date is classified only when its year's arrangement is loaded. Otherwise the result is
//!   `CalendarError::YearMissing`, never a guess from ordinary weekends.
//! - A date is a working day when no court closure covers it and it is either a make-up working
//!   day (调休上班日) or a Monday to Friday outside every holiday. A closure wins over a make-up
//!   working day, because the court is shut either way.
//! - Importing a year that is already loaded replaces it whole. A closure with the same first and
//!   last day as a loaded one replaces it too. Each import reports what it added and replaced.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};

use crate::calendar_file::{
    parse_calendar_file, CalendarFile, Closure, YearArrangement, MAINLAND_CALENDAR_TOML,
};
use crate::date_range::DateRange;
use crate::error::CalendarError;

/// Kind of a date in the calendar, with the reason it is or is not a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// A Monday to Friday outside holidays.
    Workday,
    /// A Saturday or Sunday made a working day by the year's notice (调休上班日).
    MakeUpWorkday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A day of a statutory holiday period, with the holiday's name.
    Holiday { name: String },
    /// A day on which the court is closed, with the reason.
    CourtClosed { reason: String },
}

impl DayKind {
    pub fn is_working_day(&self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeUpWorkday)
    }
}

/// Summary of one import: the years and closures it added and those it replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Years that were not loaded before, in ascending order.
    pub years_added: Vec<i32>,
    /// Years whose loaded data was overwritten, in ascending order. A year imported twice in one
    /// `Calendar::from_files` call is in both lists, because its first data was overwritten.
    pub years_replaced: Vec<i32>,
    pub closures_added: usize,
    /// Closures whose first and last day matched a loaded closure, which they replaced.
    pub closures_replaced: usize,
}

impl ImportReport {
    /// Adds another import's figures to this report.
    pub fn merge(&mut self, other: ImportReport) {
        self.years_added.extend(other.years_added);
        self.years_replaced.extend(other.years_replaced);
        self.years_added.sort_unstable();
        self.years_added.dedup();
        self.years_replaced.sort_unstable();
        self.years_replaced.dedup();
        self.closures_added += other.closures_added;
        self.closures_replaced += other.closures_replaced;
    }

    /// Describes the import in one Chinese sentence, e.g.
    /// `新增 2027 年节假日安排；替换 2026 年节假日安排（旧数据已被覆盖）`.
    pub fn summary_zh(&self) -> String {
        let mut parts = Vec::new();
        if !self.years_added.is_empty() {
            parts.push(format!(
                "新增 {} 年节假日安排",
                join_years(&self.years_added)
            ));
        }
        if !self.years_replaced.is_empty() {
            parts.push(format!(
                "替换 {} 年节假日安排（旧数据已被覆盖）",
                join_years(&self.years_replaced)
            ));
        }
        if self.closures_added > 0 {
            parts.push(format!("新增闭院记录 {} 条", self.closures_added));
        }
        if self.closures_replaced > 0 {
            parts.push(format!("替换闭院记录 {} 条", self.closures_replaced));
        }

        if parts.is_empty() {
            "未导入任何数据".to_owned()
        } else {
            parts.join("；")
        }
    }
}

fn join_years(years: &[i32]) -> String {
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join("、")
}

/// A warning for people, with a stable English code and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

/// One loaded year, indexed for lookups.
#[derive(Debug, Clone)]
struct LoadedYear {
    arrangement: YearArrangement,
    make_up_workdays: BTreeSet<NaiveDate>,
}

/// The working-day calendar built from one or more calendar files.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, LoadedYear>,
    closures: BTreeMap<DateRange, Closure>,
}

impl Calendar {
    /// Creates a calendar without any year; every date query fails with `YearMissing`.
    pub fn new() -> Self {
        Calendar::default()
    }

    /// Builds a calendar from files imported in order, so a later file replaces the years and
    /// closures of an earlier one. Returns the calendar and the merged report.
    pub fn from_files(files: impl IntoIterator<Item = CalendarFile>) -> (Calendar, ImportReport) {
        let mut calendar = Calendar::new();
        let mut report = ImportReport::default();
        for file in files {
            report.merge(calendar.import(file));
        }
        (calendar, report)
    }

    /// Builds the calendar from the mainland data shipped with the crate (2024 to 2026).
    pub fn mainland() -> Result<Calendar, CalendarError> {
        let file = parse_calendar_file("cn-mainland.toml", MAINLAND_CALENDAR_TOML)?;
        Ok(Calendar::from_files([file]).0)
    }

    /// Imports a validated file. A year that is already loaded is replaced whole, and a closure
    /// with the same first and last day replaces the loaded one. The report lists both.
    pub fn import(&mut self, file: CalendarFile) -> ImportReport {
        let mut report = ImportReport::default();

        for arrangement in file.years {
            let year = arrangement.year;
            let make_up_workdays = arrangement.make_up_workdays.iter().copied().collect();
            let previous = self.years.insert(
                year,
                LoadedYear {
                    arrangement,
                    make_up_workdays,
                },
            );
            match previous {
                Some(_) => report.years_replaced.push(year),
                None => report.years_added.push(year),
            }
        }

        for closure in file.closures {
            match self.closures.insert(closure.days, closure) {
                Some(_) => report.closures_replaced += 1,
                None => report.closures_added += 1,
            }
        }

        report.years_added.sort_unstable();
        report.years_replaced.sort_unstable();
        report
    }

    /// Returns the loaded years in ascending order.
    pub fn loaded_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Returns the arrangement of a loaded year, with its source notice.
    pub fn arrangement(&self, year: i32) -> Option<&YearArrangement> {
        self.years.get(&year).map(|loaded| &loaded.arrangement)
    }

    /// Returns the loaded court closures, ordered by first day.
    pub fn closures(&self) -> impl Iterator<Item = &Closure> {
        self.closures.values()
    }

    /// Classifies a Shanghai date. Fails with `YearMissing` when its year is not loaded.
    pub fn day_kind(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        let loaded = self
            .years
            .get(&date.year())
            .ok_or(CalendarError::YearMissing { year: date.year() })?;

        if let Some(closure) = self
            .closures
            .values()
            .find(|closure| closure.days.contains(date))
        {
            return Ok(DayKind::CourtClosed {
                reason: closure.reason.clone(),
            });
        }
        if loaded.make_up_workdays.contains(&date) {
            return Ok(DayKind::MakeUpWorkday);
        }
        if let Some(holiday) = loaded
            .arrangement
            .holidays
            .iter()
            .find(|holiday| holiday.days.contains(date))
        {
            return Ok(DayKind::Holiday {
                name: holiday.name.clone(),
            });
        }

        let kind = match date.weekday() {
            Weekday::Sat | Weekday::Sun => DayKind::Weekend,
            _ => DayKind::Workday,
        };
        Ok(kind)
    }

    /// Returns whether a Shanghai date is a working day. Fails with `YearMissing` when its year is
    /// not loaded.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.day_kind(date)?.is_working_day())
    }

    /// Returns the `count`-th working day after `start`, not counting `start` itself.
    ///
    /// `count = 0` returns `start`. Fails with `YearMissing` for the first day reached whose year
    /// is not loaded, so a period that runs into an unloaded year never ends on a guess.
    pub fn add_working_days(
        &self,
        start: NaiveDate,
        count: u32,
    ) -> Result<NaiveDate, CalendarError> {
        let mut day = start;
        let mut counted = 0;

        while counted < count {
            day = day.succ_opt().ok_or(CalendarError::YearMissing {
                year: day.year().saturating_add(1),
            })?;
            if self.is_working_day(day)? {
                counted += 1;
            }
        }
        Ok(day)
    }

    /// Counts the working days after `after` up to and including `up_to`. Returns 0 when `up_to`
    /// is not after `after`.
    pub fn working_days_between(
        &self,
        after: NaiveDate,
        up_to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let mut count = 0;
        for day in after.iter_days().skip(1).take_while(|day| *day <= up_to) {
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// Returns a warning from 1 December when next year's arrangement is not loaded yet.
    ///
    /// `today` is the Shanghai date. From 1 January of that next year every deadline would fail
    /// with `YearMissing`, so an administrator has the month of December to import the notice.
    pub fn missing_next_year_warning(&self, today: NaiveDate) -> Option<Warning> {
        let next_year = today.year() + 1;
        if today.month() != 12 || self.years.contains_key(&next_year) {
            return None;
        }

        let message = format!(
            "尚未导入 {next_year} 年的节假日安排。{next_year} 年 1 月 1 日起将无法计算期限。\
             请在国务院办公厅公布 {next_year} 年节假日安排的通知后，尽快把该年数据写入日历文件并导入。"
        );
        Some(Warning {
            code: "CALENDAR_NEXT_YEAR_MISSING",
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_file::parse_calendar_file;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn mainland() -> Calendar {
        Calendar::mainland().unwrap()
    }

    fn file(text: &str) -> CalendarFile {
        parse_calendar_file("test.toml", text).unwrap()
    }

    const YEAR_2027: &str = r#"
format_version = 1

[[year]]
year = 2027
notice = { title = "测试用 2027 年安排", published = 2026-11-10 }
holidays = [{ name = "元旦", date = 2027-01-01 }]
make_up_workdays = [2027-01-02]
"#;

    /// Checks every listed day against the expected working-day flag.
    fn assert_days(calendar: &Calendar, cases: &[(NaiveDate, bool)]) {
        for (day, expected) in cases {
            assert_eq!(calendar.is_working_day(*day), Ok(*expected), "{day}");
        }
    }

    #[test]
    fn loads_shipped_years() {
        assert_eq!(mainland().loaded_years(), vec![2024, 2025, 2026]);
    }

    #[test]
    fn shipped_notices_name_their_source() {
        let calendar = mainland();
        let notice_2025 = &calendar.arrangement(2025).unwrap().notice;

        assert_eq!(
            notice_2025.document_number.as_deref(),
            Some("国办发明电〔2024〕12号")
        );
        assert_eq!(notice_2025.published, date(2024, 11, 12));
        assert_eq!(
            calendar.arrangement(2026).unwrap().notice.published,
            date(2025, 11, 4)
        );
    }

    #[test]
    fn new_year_days() {
        let calendar = mainland();
        assert_days(
            &calendar,
            &[
                (date(2024, 1, 1), false),
                (date(2024, 1, 2), true),
                (date(2025, 1, 1), false),
                (date(2025, 1, 2), true),
                (date(2026, 1, 1), false),
                (date(2026, 1, 2), false),
                (date(2026, 1, 3), false),
                (date(2026, 1, 4), true),
                (date(2026, 1, 5), true),
            ],
        );
        assert_eq!(
            calendar.day_kind(date(2026, 1, 4)),
            Ok(DayKind::MakeUpWorkday)
        );
    }

    #[test]
    fn spring_festival_with_make_up_days() {
        let calendar = mainland();
        assert_days(
            &calendar,
            &[
                (date(2024, 2, 4), true),
                (date(2024, 2, 9), true),
                (date(2024, 2, 10), false),
                (date(2024, 2, 17), false),
                (date(2024, 2, 18), true),
                (date(2024, 2, 19), true),
                (date(2025, 1, 26), true),
                (date(2025, 1, 27), true),
                (date(2025, 1, 28), false),
                (date(2025, 2, 4), false),
                (date(2025, 2, 5), true),
                (date(2025, 2, 8), true),
                (date(2025, 2, 9), false),
                (date(2026, 2, 14), true),
                (date(2026, 2, 15), false),
                (date(2026, 2, 23), false),
                (date(2026, 2, 24), true),
                (date(2026, 2, 28), true),
                (date(2026, 3, 1), false),
            ],
        );
        assert_eq!(
            calendar.day_kind(date(2025, 1, 30)),
            Ok(DayKind::Holiday {
                name: "春节".to_owned()
            })
        );
    }

    #[test]
    fn qingming_days() {
        assert_days(
            &mainland(),
            &[
                (date(2024, 4, 3), true),
                (date(2024, 4, 4), false),
                (date(2024, 4, 6), false),
                (date(2024, 4, 7), true),
                (date(2025, 4, 3), true),
                (date(2025, 4, 4), false),
                (date(2025, 4, 7), true),
                (date(2026, 4, 3), true),
                (date(2026, 4, 6), false),
                (date(2026, 4, 7), true),
            ],
        );
    }

    #[test]
    fn may_day_days() {
        assert_days(
            &mainland(),
            &[
                (date(2024, 4, 28), true),
                (date(2024, 5, 1), false),
                (date(2024, 5, 5), false),
                (date(2024, 5, 6), true),
                (date(2024, 5, 11), true),
                (date(2025, 4, 27), true),
                (date(2025, 5, 5), false),
                (date(2025, 5, 6), true),
                (date(2026, 5, 5), false),
                (date(2026, 5, 6), true),
                (date(2026, 5, 9), true),
                (date(2026, 5, 10), false),
            ],
        );
    }

    #[test]
    fn dragon_boat_days() {
        assert_days(
            &mainland(),
            &[
                (date(2024, 6, 7), true),
                (date(2024, 6, 10), false),
                (date(2024, 6, 11), true),
                (date(2025, 5, 30), true),
                (date(2025, 5, 31), false),
                (date(2025, 6, 2), false),
                (date(2025, 6, 3), true),
                (date(2026, 6, 18), true),
                (date(2026, 6, 19), false),
                (date(2026, 6, 22), true),
            ],
        );
    }

    #[test]
    fn mid_autumn_and_national_day_days() {
        assert_days(
            &mainland(),
            &[
                (date(2024, 9, 14), true),
                (date(2024, 9, 16), false),
                (date(2024, 9, 18), true),
                (date(2024, 9, 29), true),
                (date(2024, 10, 7), false),
                (date(2024, 10, 8), true),
                (date(2024, 10, 12), true),
                (date(2025, 9, 28), true),
                (date(2025, 10, 6), false),
                (date(2025, 10, 8), false),
                (date(2025, 10, 9), true),
                (date(2025, 10, 11), true),
                (date(2026, 9, 20), true),
                (date(2026, 9, 25), false),
                (date(2026, 9, 28), true),
                (date(2026, 10, 7), false),
                (date(2026, 10, 8), true),
                (date(2026, 10, 10), true),
                (date(2026, 10, 11), false),
            ],
        );
    }

    #[test]
    fn date_in_unloaded_year_is_error() {
        let calendar = mainland();

        assert_eq!(
            calendar.is_working_day(date(2027, 1, 4)),
            Err(CalendarError::YearMissing { year: 2027 })
        );
        assert_eq!(
            calendar.is_working_day(date(2023, 12, 29)),
            Err(CalendarError::YearMissing { year: 2023 })
        );
        assert_eq!(
            Calendar::new().is_working_day(date(2026, 3, 2)),
            Err(CalendarError::YearMissing { year: 2026 })
        );
    }

    #[test]
    fn imported_year_is_used_at_once() {
        let mut calendar = mainland();
        assert!(calendar.is_working_day(date(2027, 1, 4)).is_err());

        let report = calendar.import(file(YEAR_2027));

        assert_eq!(report.years_added, vec![2027]);
        assert!(report.years_replaced.is_empty());
        assert_eq!(calendar.loaded_years(), vec![2024, 2025, 2026, 2027]);
        assert_eq!(calendar.is_working_day(date(2027, 1, 1)), Ok(false));
        assert_eq!(calendar.is_working_day(date(2027, 1, 2)), Ok(true));
        assert_eq!(calendar.is_working_day(date(2027, 1, 4)), Ok(true));
    }

    #[test]
    fn import_of_loaded_year_replaces_and_reports() {
        let mut calendar = mainland();
        let corrected_2026 = r#"
format_version = 1

[[year]]
year = 2026
notice = { title = "更正后的 2026 年安排", published = 2025-12-01 }
holidays = [{ name = "元旦", date = 2026-01-01 }]
"#;

        let report = calendar.import(file(corrected_2026));

        assert_eq!(report.years_replaced, vec![2026]);
        assert!(report.years_added.is_empty());
        assert_eq!(
            report.summary_zh(),
            "替换 2026 年节假日安排（旧数据已被覆盖）"
        );
        assert_eq!(
            calendar.arrangement(2026).unwrap().notice.title,
            "更正后的 2026 年安排"
        );
        assert_eq!(calendar.is_working_day(date(2026, 1, 2)), Ok(true));
        assert_eq!(calendar.is_working_day(date(2026, 10, 1)), Ok(true));
        assert_eq!(calendar.is_working_day(date(2026, 10, 10)), Ok(false));
    }

    #[test]
    fn from_files_merges_years_and_reports() {
        let mainland = parse_calendar_file("cn-mainland.toml", MAINLAND_CALENDAR_TOML).unwrap();

        let (calendar, report) =
            Calendar::from_files([mainland.clone(), file(YEAR_2027), mainland]);

        assert_eq!(calendar.loaded_years(), vec![2024, 2025, 2026, 2027]);
        assert_eq!(report.years_added, vec![2024, 2025, 2026, 2027]);
        assert_eq!(report.years_replaced, vec![2024, 2025, 2026]);
        assert_eq!(
            report.summary_zh(),
            "新增 2024、2025、2026、2027 年节假日安排；替换 2024、2025、2026 年节假日安排（旧数据已被覆盖）"
        );
    }

    #[test]
    fn empty_import_summary() {
        assert_eq!(ImportReport::default().summary_zh(), "未导入任何数据");
    }

    #[test]
    fn court_closure_makes_working_days_off() {
        let mut calendar = mainland();
        let closures = r#"
format_version = 1

[[closure]]
start = 2026-07-20
end = 2026-07-22
reason = "暴雨洪涝，法院闭院"

[[closure]]
date = 2026-10-10
reason = "停电检修"
notice = "院办通知〔2026〕1号"
"#;

        let report = calendar.import(file(closures));

        assert_eq!(report.closures_added, 2);
        assert_eq!(calendar.is_working_day(date(2026, 7, 19)), Ok(false));
        assert_eq!(calendar.is_working_day(date(2026, 7, 20)), Ok(false));
        assert_eq!(calendar.is_working_day(date(2026, 7, 22)), Ok(false));
        assert_eq!(calendar.is_working_day(date(2026, 7, 23)), Ok(true));
        assert_eq!(
            calendar.day_kind(date(2026, 10, 10)),
            Ok(DayKind::CourtClosed {
                reason: "停电检修".to_owned()
            })
        );
    }

    #[test]
    fn closure_with_same_days_replaces() {
        let mut calendar = mainland();
        calendar.import(file(
            "format_version = 1\n[[closure]]\ndate = 2026-07-20\nreason = \"暴雨\"\n",
        ));

        let report = calendar.import(file(
            "format_version = 1\n[[closure]]\ndate = 2026-07-20\nreason = \"洪水\"\n",
        ));

        assert_eq!(report.closures_replaced, 1);
        assert_eq!(report.closures_added, 0);
        assert_eq!(calendar.closures().count(), 1);
        assert_eq!(
            calendar.day_kind(date(2026, 7, 20)),
            Ok(DayKind::CourtClosed {
                reason: "洪水".to_owned()
            })
        );
    }

    #[test]
    fn closure_alone_does_not_load_its_year() {
        let mut calendar = mainland();
        calendar.import(file(
            "format_version = 1\n[[closure]]\ndate = 2027-03-01\nreason = \"洪水\"\n",
        ));

        assert_eq!(
            calendar.is_working_day(date(2027, 3, 2)),
            Err(CalendarError::YearMissing { year: 2027 })
        );
        assert_eq!(calendar.loaded_years(), vec![2024, 2025, 2026]);
    }

    #[test]
    fn next_year_warning_from_first_of_december() {
        let calendar = mainland();

        assert_eq!(calendar.missing_next_year_warning(date(2026, 11, 30)), None);
        assert_eq!(calendar.missing_next_year_warning(date(2025, 12, 1)), None);

        let warning = calendar
            .missing_next_year_warning(date(2026, 12, 1))
            .unwrap();
        assert_eq!(warning.code, "CALENDAR_NEXT_YEAR_MISSING");
        assert!(warning.message.starts_with("尚未导入 2027 年的节假日安排"));
        assert!(calendar
            .missing_next_year_warning(date(2026, 12, 31))
            .is_some());
    }

    #[test]
    fn next_year_warning_stops_after_import() {
        let mut calendar = mainland();
        calendar.import(file(YEAR_2027));

        assert_eq!(calendar.missing_next_year_warning(date(2026, 12, 4)), None);
    }

    #[test]
    fn add_working_days_skips_holiday() {
        let calendar = mainland();

        assert_eq!(
            calendar.add_working_days(date(2025, 9, 30), 1),
            Ok(date(2025, 10, 9))
        );
        assert_eq!(
            calendar.add_working_days(date(2025, 9, 30), 0),
            Ok(date(2025, 9, 30))
        );
        assert_eq!(
            calendar.add_working_days(date(2026, 12, 30), 2),
            Err(CalendarError::YearMissing { year: 2027 })
        );
    }

    #[test]
    fn working_days_between_counts_after_up_to_including() {
        let calendar = mainland();

        assert_eq!(
            calendar.working_days_between(date(2026, 10, 9), date(2026, 10, 9)),
            Ok(0)
        );
        assert_eq!(
            calendar.working_days_between(date(2026, 10, 9), date(2026, 10, 10)),
            Ok(1)
        );
        assert_eq!(
            calendar.working_days_between(date(2026, 10, 9), date(2026, 10, 13)),
            Ok(3)
        );
        assert_eq!(
            calendar.working_days_between(date(2026, 10, 9), date(2026, 10, 1)),
            Ok(0)
        );
    }
}

//! Calendar data files: the State Council's holiday arrangement (节假日安排) per year, and court
//! closures (闭院), parsed from TOML and validated.
//!
//! Invariants of a `CalendarFile` that parsing returns:
//! - every year is in 1992..=9999 and appears once, with a source notice and at least one holiday;
//! - every holiday date and make-up working day (调休上班日) lies inside its section's year;
//! - every make-up working day is a Saturday or Sunday, listed once, and is no holiday;
//! - holiday ranges of a year do not overlap;
//! - every range has `first <= last` and at most `MAX_RANGE_DAYS` days.
//!
//! Closures are not tied to a year section, because a court adds them in its own file.
//! The format is described in `data/calendar/README.md`.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use toml::{Spanned, Value};

use crate::date_range::DateRange;
use crate::error::{CalendarError, IssueKind};
use crate::format::{format_date_zh, weekday_zh};
use crate::shanghai::FIRST_YEAR_WITHOUT_DST;
use crate::toml_fields::{IssueSink, RawField};

/// The format version this crate reads, written as `format_version = 1` at the top of a file.
pub const CALENDAR_FORMAT_VERSION: i64 = 1;

/// Maximum length of a holiday or closure range, in days. A longer range is most likely a
/// mistyped year (2062 for 2026), which would otherwise close the court for decades.
pub const MAX_RANGE_DAYS: i64 = 366;

/// Last calendar year accepted in a file.
pub const LAST_SUPPORTED_YEAR: i32 = 9999;

/// The mainland calendar shipped with the crate (2024 to 2026).
pub const MAINLAND_CALENDAR_TOML: &str = include_str!("../../../data/calendar/cn-mainland.toml");

/// A validated calendar data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFile {
    /// Name used in messages and import reports, usually the file name.
    pub name: String,
    pub years: Vec<YearArrangement>,
    pub closures: Vec<Closure>,
}

/// The holidays and make-up working days of one year, from one State Council notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearArrangement {
    pub year: i32,
    pub notice: Notice,
    pub holidays: Vec<Holiday>,
    /// Saturdays and Sundays that are working days (调休上班日).
    pub make_up_workdays: Vec<NaiveDate>,
}

/// The published notice that a year's arrangement comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    /// Document number (文号), e.g. `国办发明电〔2024〕12号`, when known.
    pub document_number: Option<String>,
    pub published: NaiveDate,
}

/// A named holiday period (放假), every day of which is a day off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub name: String,
    pub days: DateRange,
}

/// Days on which one court is closed (闭院), e.g. by a flood. Every day of the range is a day off,
/// make-up working days included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub days: DateRange,
    pub reason: String,
    /// The court's own notice, when there is one.
    pub notice: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format_version: RawField,
    #[serde(default)]
    year: Vec<Spanned<RawYear>>,
    #[serde(default)]
    closure: Vec<Spanned<RawClosure>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: RawField,
    notice: Option<Spanned<RawNotice>>,
    #[serde(default)]
    holidays: Vec<Spanned<RawHoliday>>,
    #[serde(default)]
    make_up_workdays: Vec<Spanned<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    title: RawField,
    document_number: RawField,
    published: RawField,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: RawField,
    date: RawField,
    start: RawField,
    end: RawField,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    reason: RawField,
    notice: RawField,
    date: RawField,
    start: RawField,
    end: RawField,
}

/// The keys of one day (`date`) or of an inclusive range (`start` and `end`). Serde's `flatten`
/// cannot carry these keys because it drops the positions that `Spanned` needs.
struct RawDays<'a> {
    date: &'a RawField,
    start: &'a RawField,
    end: &'a RawField,
}

/// Parses and validates a calendar data file.
///
/// `name` identifies the file in messages. Returns `CalendarError::InvalidCalendarFile` with every
/// issue found when the file breaks any rule of the format.
pub fn parse_calendar_file(name: &str, text: &str) -> Result<CalendarFile, CalendarError> {
    let mut sink = IssueSink::new(text);
    let parsed = sink
        .deserialize::<RawFile>(text)
        .map(|raw| read_file(&mut sink, name, text, raw));

    match parsed {
        Some(file) if sink.issues.is_empty() => Ok(file),
        _ => Err(CalendarError::InvalidCalendarFile {
            file: name.to_owned(),
            issues: sink.issues,
        }),
    }
}

fn read_file(sink: &mut IssueSink<'_>, name: &str, text: &str, raw: RawFile) -> CalendarFile {
    read_format_version(sink, &raw.format_version, "format_version");

    if raw.year.is_empty() && raw.closure.is_empty() {
        sink.push(
            Some(&(0..text.len())),
            "文件",
            IssueKind::MissingField,
            "文件中没有任何 [[year]] 或 [[closure]]。请至少写一段节假日安排或一条闭院记录。",
        );
    }

    let mut years = Vec::new();
    let mut first_line_of_year: BTreeMap<i32, usize> = BTreeMap::new();
    for (index, raw_year) in raw.year.iter().enumerate() {
        let entry = format!("第 {} 个 [[year]]", index + 1);
        let Some(arrangement) = read_year(sink, &entry, raw_year) else {
            continue;
        };

        let line = sink.line_of(raw_year.span().start);
        if let Some(first_line) = first_line_of_year.get(&arrangement.year) {
            let message = format!(
                "{} 年已在第 {first_line} 行写过一次。同一文件中每年只能有一个 [[year]]，请合并或删除其中一段。",
                arrangement.year
            );
            sink.push(
                Some(&raw_year.span()),
                &entry,
                IssueKind::DuplicateYear,
                message,
            );
            continue;
        }
        first_line_of_year.insert(arrangement.year, line);
        years.push(arrangement);
    }

    let closures = raw
        .closure
        .iter()
        .enumerate()
        .filter_map(|(index, raw_closure)| {
            read_closure(
                sink,
                &format!("第 {} 个 [[closure]]", index + 1),
                raw_closure,
            )
        })
        .collect();

    CalendarFile {
        name: name.to_owned(),
        years,
        closures,
    }
}

/// Checks `format_version`, shared by the calendar and the rule files.
pub(crate) fn read_format_version(sink: &mut IssueSink<'_>, field: &RawField, key: &str) {
    let Some(value) = sink.required(field, key, "文件开头", &(0..0)) else {
        return;
    };
    let Some(version) = sink.integer(value, key, "文件开头") else {
        return;
    };

    if version != CALENDAR_FORMAT_VERSION {
        sink.push(
            Some(&value.span()),
            "文件开头",
            IssueKind::UnsupportedFormatVersion,
            format!("不支持格式版本 {version}。本程序只读取 {key} = {CALENDAR_FORMAT_VERSION}，请按 README 的格式改写该文件。"),
        );
    }
}

fn read_year(
    sink: &mut IssueSink<'_>,
    entry: &str,
    raw: &Spanned<RawYear>,
) -> Option<YearArrangement> {
    let table_span = raw.span();
    let raw = raw.get_ref();

    let year = read_year_number(sink, entry, &raw.year, &table_span);
    let entry = match year {
        Some(year) => format!("{year} 年"),
        None => entry.to_owned(),
    };

    let notice = read_notice(sink, &entry, raw.notice.as_ref(), &table_span);
    let holidays = read_holidays(sink, &entry, year, &raw.holidays, &table_span);
    let make_up_workdays =
        read_make_up_workdays(sink, &entry, year, &raw.make_up_workdays, &holidays);

    Some(YearArrangement {
        year: year?,
        notice: notice?,
        holidays,
        make_up_workdays,
    })
}

fn read_year_number(
    sink: &mut IssueSink<'_>,
    entry: &str,
    field: &RawField,
    table_span: &Range<usize>,
) -> Option<i32> {
    let value = sink.required(field, "year", entry, table_span)?;
    let number = sink.integer(value, "year", entry)?;

    let year = i32::try_from(number)
        .ok()
        .filter(|year| (FIRST_YEAR_WITHOUT_DST..=LAST_SUPPORTED_YEAR).contains(year));
    if year.is_none() {
        sink.push(
            Some(&value.span()),
            entry,
            IssueKind::YearOutOfRange,
            format!("年份 {number} 超出范围。请填写 {FIRST_YEAR_WITHOUT_DST} 到 {LAST_SUPPORTED_YEAR} 之间的四位年份，例如 year = 2027。"),
        );
    }
    year
}

fn read_notice(
    sink: &mut IssueSink<'_>,
    entry: &str,
    raw: Option<&Spanned<RawNotice>>,
    table_span: &Range<usize>,
) -> Option<Notice> {
    let Some(raw) = raw else {
        sink.push(
            Some(table_span),
            entry,
            IssueKind::MissingField,
            "缺少 notice（发布该年安排的通知）。请写 notice = { title = \"…\", document_number = \"…\", published = 2026-11-04 }，文号不知道时可省略 document_number。",
        );
        return None;
    };

    let notice_span = raw.span();
    let raw = raw.get_ref();
    let entry = format!("{entry} notice");

    let title = sink
        .required(&raw.title, "title", &entry, &notice_span)
        .and_then(|value| sink.text(value, "title", &entry));
    let published = sink
        .required(&raw.published, "published", &entry, &notice_span)
        .and_then(|value| sink.date(value, "published", &entry));
    let document_number = match &raw.document_number {
        Some(value) => Some(sink.text(value, "document_number", &entry)?),
        None => None,
    };

    Some(Notice {
        title: title?,
        document_number,
        published: published?,
    })
}

fn read_holidays(
    sink: &mut IssueSink<'_>,
    entry: &str,
    year: Option<i32>,
    raw_holidays: &[Spanned<RawHoliday>],
    table_span: &Range<usize>,
) -> Vec<Holiday> {
    if raw_holidays.is_empty() {
        sink.push(
            Some(table_span),
            entry,
            IssueKind::NoHolidays,
            "没有任何节假日。每年至少有元旦等法定节假日，请按通知写入 holidays；缺少节假日会把假日算成工作日。",
        );
        return Vec::new();
    }

    let mut holidays: Vec<(Holiday, Range<usize>, String)> = Vec::new();
    for (index, raw) in raw_holidays.iter().enumerate() {
        let span = raw.span();
        let fields = raw.get_ref();
        let mut item_entry = format!("{entry} holidays 第 {} 项", index + 1);

        let name = sink
            .required(&fields.name, "name", &item_entry, &span)
            .and_then(|value| sink.text(value, "name", &item_entry));
        if let Some(name) = &name {
            item_entry = format!("{item_entry}（{name}）");
        }

        let Some(days) = read_days(
            sink,
            &item_entry,
            &RawDays {
                date: &fields.date,
                start: &fields.start,
                end: &fields.end,
            },
            &span,
        ) else {
            continue;
        };
        if let Some(year) = year {
            check_inside_year(sink, &item_entry, year, &days, &span);
        }

        if let Some((earlier, _, earlier_entry)) = holidays
            .iter()
            .find(|(holiday, _, _)| holiday.days.overlaps(&days))
        {
            let message = format!(
                "日期与{earlier_entry}（{} 至 {}）重叠。同一天只能写一次，请改正其中一项的日期。",
                earlier.days.first(),
                earlier.days.last()
            );
            sink.push(Some(&span), &item_entry, IssueKind::DuplicateDate, message);
            continue;
        }

        if let Some(name) = name {
            holidays.push((Holiday { name, days }, span, item_entry));
        }
    }

    holidays
        .into_iter()
        .map(|(holiday, _, _)| holiday)
        .collect()
}

fn read_make_up_workdays(
    sink: &mut IssueSink<'_>,
    entry: &str,
    year: Option<i32>,
    raw_days: &[Spanned<Value>],
    holidays: &[Holiday],
) -> Vec<NaiveDate> {
    let mut workdays: Vec<NaiveDate> = Vec::new();

    for (index, raw) in raw_days.iter().enumerate() {
        let span = raw.span();
        let item_entry = format!("{entry} make_up_workdays 第 {} 项", index + 1);
        let Some(date) = sink.date(raw, "make_up_workdays", &item_entry) else {
            continue;
        };
        let item_entry = format!("{item_entry}（{date}）");

        if let Some(year) = year {
            if date.year() != year {
                let message = format!("日期 {date} 不在 {year} 年内。每个 [[year]] 只写本年的日期，请把它移到 {} 年的 [[year]] 中或改正年份。", date.year());
                sink.push(
                    Some(&span),
                    &item_entry,
                    IssueKind::DateOutsideYear,
                    message,
                );
                continue;
            }
        }

        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            let message = format!(
                "{} 是{}，本来就是工作日。make_up_workdays 只写调休上班的星期六或星期日，请核对通知中的日期。",
                format_date_zh(date),
                weekday_zh(date.weekday())
            );
            sink.push(
                Some(&span),
                &item_entry,
                IssueKind::MakeUpDayNotWeekend,
                message,
            );
            continue;
        }

        if let Some(holiday) = holidays.iter().find(|holiday| holiday.days.contains(date)) {
            let message = format!(
                "{date} 同时在节假日“{}”（{} 至 {}）中，一天不能既放假又上班。请核对通知，改正节假日范围或删除这一调休日。",
                holiday.name,
                holiday.days.first(),
                holiday.days.last()
            );
            sink.push(
                Some(&span),
                &item_entry,
                IssueKind::HolidayAndWorkday,
                message,
            );
            continue;
        }

        if workdays.contains(&date) {
            let message = format!("{date} 已经写过一次，请删除重复的一项。");
            sink.push(Some(&span), &item_entry, IssueKind::DuplicateDate, message);
            continue;
        }
        workdays.push(date);
    }

    workdays.sort();
    workdays
}

fn read_closure(
    sink: &mut IssueSink<'_>,
    entry: &str,
    raw: &Spanned<RawClosure>,
) -> Option<Closure> {
    let span = raw.span();
    let fields = raw.get_ref();

    let reason = sink
        .required(&fields.reason, "reason", entry, &span)
        .and_then(|value| sink.text(value, "reason", entry));
    let days = read_days(
        sink,
        entry,
        &RawDays {
            date: &fields.date,
            start: &fields.start,
            end: &fields.end,
        },
        &span,
    );

    let notice = match &fields.notice {
        Some(value) => Some(sink.text(value, "notice", entry)?),
        None => None,
    };

    Some(Closure {
        days: days?,
        reason: reason?,
        notice,
    })
}

/// Reads `date = …` or `start = …` with `end = …` into a range.
fn read_days(
    sink: &mut IssueSink<'_>,
    entry: &str,
    raw: &RawDays<'_>,
    span: &Range<usize>,
) -> Option<DateRange> {
    let days = match (raw.date, raw.start, raw.end) {
        (Some(date), None, None) => DateRange::single(sink.date(date, "date", entry)?),
        (None, Some(start), Some(end)) => {
            let first = sink.date(start, "start", entry);
            let last = sink.date(end, "end", entry);
            let (first, last) = (first?, last?);

            let Some(days) = DateRange::new(first, last) else {
                let message = format!("结束日期 end = {last} 早于开始日期 start = {first}。请交换这两个日期，或改正写错的一个。");
                sink.push(Some(&end.span()), entry, IssueKind::RangeReversed, message);
                return None;
            };
            days
        }
        (None, None, None) => {
            let message = "缺少日期。单日写 date = 2026-07-20，连续多日写 start = 2026-07-20 和 end = 2026-07-22。";
            sink.push(Some(span), entry, IssueKind::MissingField, message);
            return None;
        }
        _ => {
            let message = "日期写法不明确。单日只写 date，连续多日只写 start 和 end，两种写法不能混用，也不能只写 start 或 end。";
            sink.push(Some(span), entry, IssueKind::AmbiguousDateForm, message);
            return None;
        }
    };

    if days.day_count() > MAX_RANGE_DAYS {
        let message = format!(
            "{} 至 {} 共 {} 天，超过上限 {MAX_RANGE_DAYS} 天，很可能年份写错了。请核对 start 和 end。",
            days.first(),
            days.last(),
            days.day_count()
        );
        sink.push(Some(span), entry, IssueKind::RangeTooLong, message);
        return None;
    }
    Some(days)
}

fn check_inside_year(
    sink: &mut IssueSink<'_>,
    entry: &str,
    year: i32,
    days: &DateRange,
    span: &Range<usize>,
) {
    for date in [days.first(), days.last()] {
        if date.year() != year {
            let message = format!(
                "日期 {date} 不在 {year} 年内。每个 [[year]] 只写本年的日期；跨年的假期请拆开，{} 年的部分写到 {} 年的 [[year]] 中。",
                date.year(),
                date.year()
            );
            sink.push(Some(span), entry, IssueKind::DateOutsideYear, message);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FileIssue;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    /// Parses a file that must fail and returns its issues.
    fn issues_of(text: &str) -> Vec<FileIssue> {
        match parse_calendar_file("bad.toml", text) {
            Err(CalendarError::InvalidCalendarFile { file, issues }) => {
                assert_eq!(file, "bad.toml");
                issues
            }
            other => panic!("expected InvalidCalendarFile, got {other:?}"),
        }
    }

    fn only_issue(text: &str) -> FileIssue {
        let issues = issues_of(text);
        assert_eq!(issues.len(), 1, "{issues:#?}");
        issues.into_iter().next().unwrap()
    }

    /// Builds a valid 2027 section with `extra` lines appended inside it.
    fn year_2027_with(extra: &str) -> String {
        format!(
            "format_version = 1\n\n[[year]]\nyear = 2027\nnotice = {{ title = \"通知\", published = 2026-11-10 }}\n{extra}"
        )
    }

    #[test]
    fn shipped_mainland_file_is_valid() {
        let file = parse_calendar_file("cn-mainland.toml", MAINLAND_CALENDAR_TOML).unwrap();
        let years: Vec<i32> = file.years.iter().map(|year| year.year).collect();

        assert_eq!(years, vec![2024, 2025, 2026]);
        assert!(file.closures.is_empty());
        assert_eq!(file.years[2].notice.document_number, None);
        assert_eq!(file.years[1].holidays[5].name, "国庆节、中秋节");
        assert_eq!(
            file.years[1].holidays[5].days,
            DateRange::new(date(2025, 10, 1), date(2025, 10, 8)).unwrap()
        );
    }

    #[test]
    fn valid_new_year_parses() {
        let text = year_2027_with("holidays = [{ name = \"元旦\", date = 2027-01-01 }]\nmake_up_workdays = [\"2027-01-02\"]\n");

        let file = parse_calendar_file("2027.toml", &text).unwrap();

        assert_eq!(file.years[0].year, 2027);
        assert_eq!(file.years[0].make_up_workdays, vec![date(2027, 1, 2)]);
        assert_eq!(
            file.years[0].holidays[0].days,
            DateRange::single(date(2027, 1, 1))
        );
    }

    #[test]
    fn date_outside_declared_year_rejected() {
        let text = year_2027_with(
            "holidays = [{ name = \"元旦\", start = 2026-12-31, end = 2027-01-01 }]\n",
        );

        let issue = only_issue(&text);

        assert_eq!(issue.kind, IssueKind::DateOutsideYear);
        assert_eq!(issue.line, Some(6));
        assert_eq!(issue.entry, "2027 年 holidays 第 1 项（元旦）");
        assert!(
            issue.message.contains("日期 2026-12-31 不在 2027 年内"),
            "{}",
            issue.message
        );
        assert!(
            issue
                .message
                .contains("2026 年的部分写到 2026 年的 [[year]] 中"),
            "{}",
            issue.message
        );
    }

    #[test]
    fn make_up_day_outside_year_rejected() {
        let text = year_2027_with("holidays = [{ name = \"元旦\", date = 2027-01-01 }]\nmake_up_workdays = [2026-12-27]\n");

        let issue = only_issue(&text);

        assert_eq!(issue.kind, IssueKind::DateOutsideYear);
        assert_eq!(issue.line, Some(7));
    }

    #[test]
    fn weekday_make_up_day_rejected() {
        let text = year_2027_with("holidays = [{ name = \"元旦\", date = 2027-01-01 }]\nmake_up_workdays = [\n  2027-01-02,\n  2027-01-05,\n]\n");

        let issue = only_issue(&text);

        assert_eq!(issue.kind, IssueKind::MakeUpDayNotWeekend);
        assert_eq!(issue.line, Some(9));
        assert_eq!(
            issue.entry,
            "2027 年 make_up_workdays 第 2 项（2027-01-05）"
        );
        assert!(
            issue
                .message
                .starts_with("2027年1月5日 是星期二，本来就是工作日"),
            "{}",
            issue.message
        );
    }

    #[test]
    fn reversed_range_rejected() {
        let text = year_2027_with("holidays = [\n  { name = \"元旦\", date = 2027-01-01 },\n  { name = \"春节\", start = 2027-02-12, end = 2027-02-05 },\n]\n");

        let issue = only_issue(&text);

        assert_eq!(issue.kind, IssueKind::RangeReversed);
        assert_eq!(issue.line, Some(8));
        assert_eq!(issue.entry, "2027 年 holidays 第 2 项（春节）");
        assert!(
            issue
                .message
                .contains("end = 2027-02-05 早于开始日期 start = 2027-02-12"),
            "{}",
            issue.message
        );
        assert!(
            issue.message.contains("请交换这两个日期"),
            "{}",
            issue.message
        );
    }

    #[test]
    fn holiday_that_is_also_workday_rejected() {
        let text = year_2027_with("holidays = [{ name = \"春节\", start = 2027-02-05, end = 2027-02-11 }]\nmake_up_workdays = [2027-02-06]\n");

        let issue = only_issue(&text);

        assert_eq!(issue.kind, IssueKind::HolidayAndWorkday);
        assert_eq!(issue.line, Some(7));
        assert!(
            issue
                .message
                .contains("同时在节假日“春节”（2027-02-05 至 2027-02-11）中"),
            "{}",
            issue.message
        );
    }

    #[test]
    fn overlapping_holidays_and_repeated_make_up_day_rejected() {
        let text = year_2027_with(
            "holidays = [\n  { name = \"元旦\", start = 2027-01-01, end = 2027-01-03 },\n  { name = \"重复\", date = 2027-01-03 },\n]\nmake_up_workdays = [2027-01-09, 2027-01-09]\n",
        );

        let issues = issues_of(&text);
        let kinds: Vec<IssueKind> = issues.iter().map(|issue| issue.kind).collect();

        assert_eq!(
            kinds,
            vec![IssueKind::DuplicateDate, IssueKind::DuplicateDate]
        );
        assert_eq!(issues[0].line, Some(8));
        assert!(issues[0]
            .message
            .contains("与2027 年 holidays 第 1 项（元旦）（2027-01-01 至 2027-01-03）重叠"));
        assert_eq!(
            issues[1].entry,
            "2027 年 make_up_workdays 第 2 项（2027-01-09）"
        );
    }

    #[test]
    fn all_issues_of_a_file_reported_together() {
        let text = "format_version = 1\n\n[[year]]\nyear = 2027\nholidays = []\n\n[[year]]\nyear = 1985\nnotice = { title = \"\", published = 2026-11-10 }\nholidays = [{ name = \"元旦\", date = 1985-01-01 }]\n";

        let issues = issues_of(text);
        let kinds: Vec<IssueKind> = issues.iter().map(|issue| issue.kind).collect();

        assert_eq!(
            kinds,
            vec![
                IssueKind::MissingField,
                IssueKind::NoHolidays,
                IssueKind::YearOutOfRange,
                IssueKind::EmptyText
            ]
        );
        assert_eq!(issues[0].line, Some(3));
        assert!(issues[0].message.starts_with("缺少 notice"));
        assert_eq!(issues[2].line, Some(8));
        assert!(issues[2]
            .message
            .contains("请填写 1992 到 9999 之间的四位年份"));
    }

    #[test]
    fn duplicate_year_in_one_file_rejected() {
        let section = "[[year]]\nyear = 2027\nnotice = { title = \"通知\", published = 2026-11-10 }\nholidays = [{ name = \"元旦\", date = 2027-01-01 }]\n";
        let text = format!("format_version = 1\n{section}{section}");

        let issue = only_issue(&text);

        assert_eq!(issue.kind, IssueKind::DuplicateYear);
        assert_eq!(issue.line, Some(6));
        assert!(issue.message.starts_with("2027 年已在第 2 行写过一次"));
    }

    #[test]
    fn misspelt_key_rejected_with_position() {
        let text = year_2027_with(
            "holidays = [{ name = \"元旦\", date = 2027-01-01 }]\nmake_up_workday = [2027-01-02]\n",
        );

        let issue = only_issue(&text);

        assert_eq!(issue.kind, IssueKind::UnknownField);
        assert_eq!(issue.line, Some(7));
        assert!(issue.message.starts_with(
            "未知字段 make_up_workday。这里可用的字段是：year、notice、holidays、make_up_workdays"
        ));
    }

    #[test]
    fn broken_toml_rejected_with_line() {
        let text = year_2027_with("holidays = [{ name = \"元旦\", date = 2027-01-01 }\n");

        let issue = only_issue(&text);

        assert_eq!(issue.kind, IssueKind::Syntax);
        assert!(issue.line.is_some());
        assert!(
            issue.message.starts_with("不是有效的 TOML"),
            "{}",
            issue.message
        );
    }

    #[test]
    fn wrong_format_version_rejected() {
        let issue =
            only_issue("format_version = 2\n[[closure]]\ndate = 2027-03-01\nreason = \"洪水\"\n");

        assert_eq!(issue.kind, IssueKind::UnsupportedFormatVersion);
        assert_eq!(issue.line, Some(1));
    }

    #[test]
    fn missing_format_version_rejected() {
        let issue = only_issue("[[closure]]\ndate = 2027-03-01\nreason = \"洪水\"\n");

        assert_eq!(issue.kind, IssueKind::MissingField);
        assert!(issue.message.starts_with("缺少字段 format_version"));
    }

    #[test]
    fn closure_date_forms_checked() {
        let text = "format_version = 1\n\n[[closure]]\ndate = 2027-03-01\nstart = 2027-03-01\nend = 2027-03-02\nreason = \"洪水\"\n\n[[closure]]\nstart = 2027-03-01\nreason = \"洪水\"\n\n[[closure]]\nreason = \"洪水\"\n\n[[closure]]\nstart = 2027-03-01\nend = 2062-03-01\nreason = \"洪水\"\n\n[[closure]]\ndate = 2027-03-01\n";

        let issues = issues_of(text);
        let kinds: Vec<IssueKind> = issues.iter().map(|issue| issue.kind).collect();

        assert_eq!(
            kinds,
            vec![
                IssueKind::AmbiguousDateForm,
                IssueKind::AmbiguousDateForm,
                IssueKind::MissingField,
                IssueKind::RangeTooLong,
                IssueKind::MissingField,
            ]
        );
        assert_eq!(issues[0].entry, "第 1 个 [[closure]]");
        assert_eq!(issues[0].line, Some(3));
        assert!(issues[3].message.contains("超过上限 366 天"));
        assert!(issues[4].message.starts_with("缺少字段 reason"));
    }

    #[test]
    fn date_with_time_rejected() {
        let issue = only_issue(
            "format_version = 1\n[[closure]]\ndate = 2027-03-01T08:00:00\nreason = \"洪水\"\n",
        );

        assert_eq!(issue.kind, IssueKind::WrongType);
        assert_eq!(issue.line, Some(3));
        assert!(issue.message.contains("请写成 年-月-日"));
    }

    #[test]
    fn impossible_unquoted_date_rejected() {
        let issue =
            only_issue("format_version = 1\n[[closure]]\ndate = 2027-02-30\nreason = \"洪水\"\n");

        assert_eq!(issue.kind, IssueKind::Syntax);
        assert_eq!(issue.line, Some(3));
        assert!(issue.message.starts_with("日期无效"), "{}", issue.message);
        assert!(!issue.message.contains('\n'), "{}", issue.message);
    }

    #[test]
    fn impossible_date_rejected() {
        let issue = only_issue(
            "format_version = 1\n[[closure]]\ndate = \"2027-02-30\"\nreason = \"洪水\"\n",
        );

        assert_eq!(issue.kind, IssueKind::WrongType);
        assert_eq!(issue.line, Some(3));
    }

    #[test]
    fn empty_file_rejected() {
        let issue = only_issue("format_version = 1\n");

        assert_eq!(issue.kind, IssueKind::MissingField);
        assert!(issue
            .message
            .starts_with("文件中没有任何 [[year]] 或 [[closure]]"));
    }

    #[test]
    fn invalid_file_error_has_code_and_lists_lines() {
        let error = parse_calendar_file("bad.toml", &year_2027_with("holidays = [{ name = \"元旦\", date = 2027-01-01 }]\nmake_up_workdays = [2027-01-05]\n"))
            .unwrap_err();

        assert_eq!(error.code(), "CALENDAR_FILE_INVALID");
        assert!(error.to_string().starts_with("日历文件 bad.toml 有 1 处错误，未导入：\n1. 第 7 行，2027 年 make_up_workdays 第 1 项（2027-01-05）："));
    }
}

//! The crate's error type and the issues found in a data file.
//!
//! Invariants: every variant has a stable English code (for logs, the HTTP body and tests) and a
//! Simplified Chinese message for people. A file is validated as a whole, so one
//! `CalendarError::InvalidCalendarFile` or `InvalidRuleFile` carries every issue found, each
//! naming its line and entry and saying how to fix it.

use std::fmt;

/// Errors of the working-day calendar and of deadline counting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A date falls in a year whose holiday arrangement is not loaded. The calendar never falls
    /// back to ordinary weekends, because a missing year would silently give wrong deadlines.
    #[error(
        "缺少 {year} 年的节假日安排数据，无法判断该年的工作日。\
         请在国务院办公厅公布 {year} 年节假日安排的通知后，把该年数据写入日历文件并重新导入。"
    )]
    YearMissing { year: i32 },

    /// A calendar data file failed validation.
    #[error("日历文件 {file} 有 {} 处错误，未导入：\n{}", issues.len(), IssueList(issues))]
    InvalidCalendarFile {
        file: String,
        issues: Vec<FileIssue>,
    },

    /// A deadline rule file failed validation.
    #[error("期限规则文件 {file} 有 {} 处错误，未导入：\n{}", issues.len(), IssueList(issues))]
    InvalidRuleFile {
        file: String,
        issues: Vec<FileIssue>,
    },

    /// No deadline rule has the requested id.
    #[error("没有编号为 {id} 的期限规则。请检查规则编号，或在期限规则文件中添加该规则。")]
    UnknownRule { id: String },

    /// Adding a period to an instant left the range of dates that chrono can represent.
    #[error(
        "计算期限时时间超出可表示的范围（起算时间 {event_time}）。请检查起算时间是否录入有误。"
    )]
    TimeOutOfRange { event_time: String },
}

impl CalendarError {
    /// Returns the stable English code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::YearMissing { .. } => "CALENDAR_YEAR_MISSING",
            CalendarError::InvalidCalendarFile { .. } => "CALENDAR_FILE_INVALID",
            CalendarError::InvalidRuleFile { .. } => "DEADLINE_RULES_INVALID",
            CalendarError::UnknownRule { .. } => "DEADLINE_RULE_UNKNOWN",
            CalendarError::TimeOutOfRange { .. } => "CALENDAR_TIME_OUT_OF_RANGE",
        }
    }
}

/// Kind of a problem found in a data file, with a stable English code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// The text is not valid TOML.
    Syntax,
    /// A key that the format does not define, usually a typo.
    UnknownField,
    /// A required key is absent.
    MissingField,
    /// A value has the wrong type (text where a date belongs, and so on).
    WrongType,
    /// `format_version` is not one this crate reads.
    UnsupportedFormatVersion,
    /// A year outside the supported range.
    YearOutOfRange,
    /// The same year appears twice in one file.
    DuplicateYear,
    /// A date lies outside the year its section declares.
    DateOutsideYear,
    /// A make-up working day (调休上班日) that is not a Saturday or Sunday.
    MakeUpDayNotWeekend,
    /// A range whose end lies before its start.
    RangeReversed,
    /// A range longer than the format allows.
    RangeTooLong,
    /// A date that is both a holiday and a make-up working day.
    HolidayAndWorkday,
    /// A date listed twice, or two overlapping holiday ranges.
    DuplicateDate,
    /// A year section without any holiday.
    NoHolidays,
    /// A date given both as `date` and as `start`/`end`, or only half a range.
    AmbiguousDateForm,
    /// A text field that is empty.
    EmptyText,
    /// A rule id that is not lowercase ASCII snake_case.
    InvalidRuleId,
    /// The same rule id appears twice.
    DuplicateRuleId,
    /// A period whose unit or amount is invalid.
    InvalidPeriod,
}

impl IssueKind {
    /// Returns the stable English code of the issue kind.
    pub fn code(self) -> &'static str {
        match self {
            IssueKind::Syntax => "SYNTAX",
            IssueKind::UnknownField => "UNKNOWN_FIELD",
            IssueKind::MissingField => "MISSING_FIELD",
            IssueKind::WrongType => "WRONG_TYPE",
            IssueKind::UnsupportedFormatVersion => "UNSUPPORTED_FORMAT_VERSION",
            IssueKind::YearOutOfRange => "YEAR_OUT_OF_RANGE",
            IssueKind::DuplicateYear => "DUPLICATE_YEAR",
            IssueKind::DateOutsideYear => "DATE_OUTSIDE_YEAR",
            IssueKind::MakeUpDayNotWeekend => "MAKE_UP_DAY_NOT_WEEKEND",
            IssueKind::RangeReversed => "RANGE_REVERSED",
            IssueKind::RangeTooLong => "RANGE_TOO_LONG",
            IssueKind::HolidayAndWorkday => "HOLIDAY_AND_WORKDAY",
            IssueKind::DuplicateDate => "DUPLICATE_DATE",
            IssueKind::NoHolidays => "NO_HOLIDAYS",
            IssueKind::AmbiguousDateForm => "AMBIGUOUS_DATE_FORM",
            IssueKind::EmptyText => "EMPTY_TEXT",
            IssueKind::InvalidRuleId => "INVALID_RULE_ID",
            IssueKind::DuplicateRuleId => "DUPLICATE_RULE_ID",
            IssueKind::InvalidPeriod => "INVALID_PERIOD",
        }
    }
}

/// One problem in a data file: where it is, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIssue {
    /// 1-based line number in the file, when the parser reported a position.
    pub line: Option<usize>,
    /// The entry in question, in Chinese, e.g. `2026 年 holidays 第 2 项（春节）`.
    pub entry: String,
    pub kind: IssueKind,
    /// Description of the problem and of the fix, in Chinese.
    pub message: String,
}

impl fmt::Display for FileIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "第 {line} 行，{}：{}", self.entry, self.message),
            None => write!(f, "{}：{}", self.entry, self.message),
        }
    }
}

/// Formats issues one per line for the error message.
struct IssueList<'a>(&'a [FileIssue]);

impl fmt::Display for IssueList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, issue) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{}. {issue}", index + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_missing_has_code_and_chinese_message() {
        let error = CalendarError::YearMissing { year: 2027 };

        assert_eq!(error.code(), "CALENDAR_YEAR_MISSING");
        assert!(error
            .to_string()
            .starts_with("缺少 2027 年的节假日安排数据"));
    }

    #[test]
    fn invalid_file_lists_every_issue_with_line() {
        let error = CalendarError::InvalidCalendarFile {
            file: "court.toml".to_owned(),
            issues: vec![
                FileIssue {
                    line: Some(7),
                    entry: "2026 年 make_up_workdays 第 1 项".to_owned(),
                    kind: IssueKind::MakeUpDayNotWeekend,
                    message: "甲".to_owned(),
                },
                FileIssue {
                    line: None,
                    entry: "文件".to_owned(),
                    kind: IssueKind::Syntax,
                    message: "乙".to_owned(),
                },
            ],
        };

        assert_eq!(error.code(), "CALENDAR_FILE_INVALID");
        assert_eq!(
            error.to_string(),
            "日历文件 court.toml 有 2 处错误，未导入：\n1. 第 7 行，2026 年 make_up_workdays 第 1 项：甲\n2. 文件：乙"
        );
    }
}

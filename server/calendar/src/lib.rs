//! Working-day calendar of mainland China (工作日历) and the deadline rules (期限规则) of the
//! case-file center (卷宗管理中心). Pure logic: no HTTP, no database, no clock of its own.
//!
//! Data comes from TOML files in `data/calendar/`. `cn-mainland.toml` contains the State Council's
//! holiday arrangement per year, and a court may add its own closures in the same format.
//! `deadline-rules.toml` contains the rules. Both shipped files are embedded at build time.
//!
//! All dates are Shanghai dates and all returned instants carry the +08:00 offset. A date whose
//! year is not loaded is an error (`CALENDAR_YEAR_MISSING`), never a guess.
//!
//! ```
//! use chrono::DateTime;
//! use juanzong_calendar::{format_deadline_zh, rule_ids, Calendar, DeadlineRules};
//!
//! let calendar = Calendar::mainland()?;
//! let rules = DeadlineRules::default_rules()?;
//! let returned = DateTime::parse_from_rfc3339("2026-09-30T15:00:00+08:00").unwrap();
//!
//! let deadline = calendar.deadline(rules.get(rule_ids::FIELD_HANDOVER)?, &returned)?;
//! assert_eq!(format_deadline_zh(&deadline), "2026年10月9日 24:00（星期五）");
//! # Ok::<(), juanzong_calendar::CalendarError>(())
//! ```

mod calendar;
mod calendar_file;
mod date_range;
mod deadline;
mod error;
mod format;
mod handover;
mod rules;
mod shanghai;
mod toml_fields;

pub use calendar::{Calendar, DayKind, ImportReport, Warning};
pub use calendar_file::{
    parse_calendar_file, CalendarFile, Closure, Holiday, Notice, YearArrangement,
    CALENDAR_FORMAT_VERSION, LAST_SUPPORTED_YEAR, MAINLAND_CALENDAR_TOML, MAX_RANGE_DAYS,
};
pub use date_range::DateRange;
pub use deadline::Deadline;
pub use error::{CalendarError, FileIssue, IssueKind};
pub use format::{format_date_zh, format_deadline_zh, weekday_zh};
pub use handover::HandoverState;
pub use rules::{
    rule_ids, ClockTime, DeadlineRule, DeadlineRules, Period, DEFAULT_RULES_TOML, MAX_CLOCK_HOURS,
    MAX_WORKING_DAYS,
};
pub use shanghai::{
    shanghai_date, shanghai_instant, shanghai_start_of_day, to_shanghai, FIRST_YEAR_WITHOUT_DST,
    SHANGHAI, SHANGHAI_OFFSET_SECONDS,
};

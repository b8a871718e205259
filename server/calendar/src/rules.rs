//! Deadline rules (期限规则) as data: which event starts a period, how long it runs, whom it binds.
//!
//! Invariants of a parsed `DeadlineRules`:
//! - ids are unique lowercase ASCII snake_case;
//! - names, events and parties are non-empty text;
//! - every period is valid for its unit: 1 to `MAX_WORKING_DAYS` working days, 1 to
//!   `MAX_CLOCK_HOURS` hours, or a clock time from 00:00 to 24:00.
//!
//! The default set is `data/calendar/deadline-rules.toml`, embedded at build time, and a test
//! checks that it parses.

use std::fmt;
use std::ops::Range;

use chrono::NaiveTime;
use serde::Deserialize;
use toml::Spanned;

use crate::calendar_file::read_format_version;
use crate::error::{CalendarError, IssueKind};
use crate::toml_fields::{IssueSink, RawField};

/// The default rule set, from the court's workflow standard.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../../data/calendar/deadline-rules.toml");

/// Ids of the rules in the default set.
pub mod rule_ids {
    /// Field enforcement and asset-disposal teams hand paper to the center.
    pub const FIELD_HANDOVER: &str = "field_handover";
    /// A party notified by phone brings missing filing paper.
    pub const MISSING_FILING_PAPER: &str = "missing_filing_paper";
    /// The judicial support center hands the day's paper service receipts to the center.
    pub const SERVICE_RECEIPT_TRANSFER: &str = "service_receipt_transfer";
    /// The center sorts service receipts into their cases.
    pub const SERVICE_RECEIPT_FILING: &str = "service_receipt_filing";
    /// The filing hall hands the day's new case files to the center.
    pub const NEW_CASE_TRANSFER: &str = "new_case_transfer";
    /// The center signs for and shelves the day's new case files.
    pub const NEW_CASE_SHELVING: &str = "new_case_shelving";
    /// Everything the center receives is processed the day it arrives (日清日结).
    pub const DAILY_CLEARANCE: &str = "daily_clearance";
}

/// Maximum period in working days that a rule may set.
pub const MAX_WORKING_DAYS: u32 = 366;

/// Maximum period in clock hours that a rule may set (one leap year).
pub const MAX_CLOCK_HOURS: u32 = 8784;

/// A wall-clock time from 00:00 to 24:00 in Shanghai time. 24:00 is the end of the day, the time
/// at which a day-based period ends in Chinese law (民法典 art. 203).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime {
    minutes_after_midnight: u16,
}

impl ClockTime {
    /// The end of the day, 24:00.
    pub const END_OF_DAY: ClockTime = ClockTime {
        minutes_after_midnight: 24 * 60,
    };

    /// Creates a clock time, or `None` unless `hour:minute` is between 00:00 and 24:00.
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        let minutes = u16::from(hour) * 60 + u16::from(minute);
        (minute < 60 && minutes <= 24 * 60).then_some(ClockTime {
            minutes_after_midnight: minutes,
        })
    }

    /// Parses `HH:MM`, e.g. `16:30` or `24:00`.
    pub fn parse(text: &str) -> Option<Self> {
        let (hour, minute) = text.trim().split_once(':')?;
        if hour.len() != 2 || minute.len() != 2 {
            return None;
        }
        ClockTime::new(hour.parse().ok()?, minute.parse().ok()?)
    }

    pub fn hour(&self) -> u8 {
        (self.minutes_after_midnight / 60) as u8
    }

    pub fn minute(&self) -> u8 {
        (self.minutes_after_midnight % 60) as u8
    }

    /// Returns the time of day, or `None` for 24:00, which is the next day's 00:00.
    pub fn time_of_day(&self) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(u32::from(self.hour()), u32::from(self.minute()), 0)
            .filter(|_| *self != ClockTime::END_OF_DAY)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

/// How long a period runs after its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Ends at 24:00 Shanghai time on the N-th working day after the event's day.
    WorkingDays(u32),
    /// Ends N clock hours (3600 s each) after the event, across nights, weekends and holidays.
    /// The starting hour is not rounded up to the next full hour as 民事诉讼法 art. 85 does for
    /// statutory periods, because the center's 24-hour rule is an internal standard of elapsed time.
    ClockHours(u32),
    /// Ends at this clock time on the event's own Shanghai date.
    SameDayBy(ClockTime),
}

impl Period {
    /// Describes the period in Chinese, e.g. `2 个工作日内`.
    pub fn describe_zh(&self) -> String {
        match self {
            Period::WorkingDays(days) => format!("{days} 个工作日内"),
            Period::ClockHours(hours) => format!("{hours} 小时内"),
            Period::SameDayBy(time) => format!("当日 {time} 前"),
        }
    }
}

/// One deadline rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRule {
    /// Stable ASCII id, e.g. `field_handover`.
    pub id: String,
    /// Chinese name for people.
    pub name: String,
    /// The event that starts the period, in Chinese, e.g. `返回单位`.
    pub event: String,
    pub period: Period,
    /// Parties that must act within the period, in Chinese.
    pub binds: Vec<String>,
    /// Source of the rule, e.g. the court's workflow standard and its section.
    pub source: Option<String>,
}

/// A validated set of deadline rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRules {
    rules: Vec<DeadlineRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleFile {
    format_version: RawField,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: RawField,
    name: RawField,
    event: RawField,
    period: Option<Spanned<RawPeriod>>,
    binds: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    source: RawField,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    unit: RawField,
    amount: RawField,
    time: RawField,
}

impl DeadlineRules {
    /// Parses the default rule set embedded in the crate.
    pub fn default_rules() -> Result<Self, CalendarError> {
        DeadlineRules::parse("deadline-rules.toml", DEFAULT_RULES_TOML)
    }

    /// Parses and validates a rule file. `name` identifies the file in messages.
    pub fn parse(name: &str, text: &str) -> Result<Self, CalendarError> {
        let mut sink = IssueSink::new(text);
        let rules = sink
            .deserialize::<RawRuleFile>(text)
            .map(|raw| read_rules(&mut sink, text, raw));

        match rules {
            Some(rules) if sink.issues.is_empty() => Ok(DeadlineRules { rules }),
            _ => Err(CalendarError::InvalidRuleFile {
                file: name.to_owned(),
                issues: sink.issues,
            }),
        }
    }

    /// Returns the rule with this id, or `CalendarError::UnknownRule`.
    pub fn get(&self, id: &str) -> Result<&DeadlineRule, CalendarError> {
        self.rules
            .iter()
            .find(|rule| rule.id == id)
            .ok_or_else(|| CalendarError::UnknownRule { id: id.to_owned() })
    }

    /// Iterates over the rules in file order.
    pub fn iter(&self) -> impl Iterator<Item = &DeadlineRule> {
        self.rules.iter()
    }
}

fn read_rules(sink: &mut IssueSink<'_>, text: &str, raw: RawRuleFile) -> Vec<DeadlineRule> {
    read_format_version(sink, &raw.format_version, "format_version");
    if raw.rule.is_empty() {
        sink.push(
            Some(&(0..text.len())),
            "文件",
            IssueKind::MissingField,
            "文件中没有任何 [[rule]]。请至少写一条期限规则。",
        );
    }

    let mut rules: Vec<DeadlineRule> = Vec::new();
    for (index, raw_rule) in raw.rule.iter().enumerate() {
        let entry = format!("第 {} 个 [[rule]]", index + 1);
        let Some(rule) = read_rule(sink, &entry, raw_rule) else {
            continue;
        };

        if rules.iter().any(|earlier| earlier.id == rule.id) {
            let message = format!(
                "规则编号 {} 重复。每条规则的 id 必须唯一，请改用另一个编号。",
                rule.id
            );
            sink.push(
                Some(&raw_rule.span()),
                &entry,
                IssueKind::DuplicateRuleId,
                message,
            );
            continue;
        }
        rules.push(rule);
    }
    rules
}

fn read_rule(
    sink: &mut IssueSink<'_>,
    entry: &str,
    raw: &Spanned<RawRule>,
) -> Option<DeadlineRule> {
    let span = raw.span();
    let fields = raw.get_ref();

    let id = sink
        .required(&fields.id, "id", entry, &span)
        .and_then(|value| read_rule_id(sink, entry, value));
    let entry = match &id {
        Some(id) => format!("{entry}（{id}）"),
        None => entry.to_owned(),
    };

    let name = sink
        .required(&fields.name, "name", &entry, &span)
        .and_then(|value| sink.text(value, "name", &entry));
    let event = sink
        .required(&fields.event, "event", &entry, &span)
        .and_then(|value| sink.text(value, "event", &entry));
    let period = read_period(sink, &entry, fields.period.as_ref(), &span);
    let binds = read_binds(sink, &entry, fields.binds.as_ref(), &span);
    let source = match &fields.source {
        Some(value) => Some(sink.text(value, "source", &entry)?),
        None => None,
    };

    Some(DeadlineRule {
        id: id?,
        name: name?,
        event: event?,
        period: period?,
        binds: binds?,
        source,
    })
}

fn read_rule_id(
    sink: &mut IssueSink<'_>,
    entry: &str,
    value: &Spanned<toml::Value>,
) -> Option<String> {
    let id = sink.text(value, "id", entry)?;
    let starts_with_letter = id.starts_with(|c: char| c.is_ascii_lowercase());
    let snake_case = id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');

    if !(starts_with_letter && snake_case) {
        let message = format!(
            "规则编号 {id} 无效。id 只能用小写英文字母、数字和下划线，并以字母开头，例如 id = \"field_handover\"。"
        );
        sink.push(
            Some(&value.span()),
            entry,
            IssueKind::InvalidRuleId,
            message,
        );
        return None;
    }
    Some(id)
}

fn read_binds(
    sink: &mut IssueSink<'_>,
    entry: &str,
    raw: Option<&Spanned<Vec<Spanned<toml::Value>>>>,
    span: &Range<usize>,
) -> Option<Vec<String>> {
    let missing =
        "缺少 binds（受期限约束的部门或人员）。请写成列表，例如 binds = [\"执行实施团队\"]。";
    let Some(raw) = raw else {
        sink.push(Some(span), entry, IssueKind::MissingField, missing);
        return None;
    };
    if raw.get_ref().is_empty() {
        sink.push(Some(&raw.span()), entry, IssueKind::EmptyText, missing);
        return None;
    }

    let parties: Vec<Option<String>> = raw
        .get_ref()
        .iter()
        .map(|value| sink.text(value, "binds", entry))
        .collect();
    parties.into_iter().collect()
}

fn read_period(
    sink: &mut IssueSink<'_>,
    entry: &str,
    raw: Option<&Spanned<RawPeriod>>,
    span: &Range<usize>,
) -> Option<Period> {
    let Some(raw) = raw else {
        let message = "缺少 period。请写 period = { unit = \"working_days\", amount = 2 }、\
                       { unit = \"hours\", amount = 24 } 或 { unit = \"same_day_by\", time = \"18:00\" }。";
        sink.push(Some(span), entry, IssueKind::MissingField, message);
        return None;
    };
    let period_span = raw.span();
    let fields = raw.get_ref();

    let unit_value = sink.required(&fields.unit, "unit", entry, &period_span)?;
    let unit = sink.text(unit_value, "unit", entry)?;
    match unit.as_str() {
        "working_days" => read_amount(sink, entry, fields, &period_span, MAX_WORKING_DAYS)
            .map(Period::WorkingDays),
        "hours" => {
            read_amount(sink, entry, fields, &period_span, MAX_CLOCK_HOURS).map(Period::ClockHours)
        }
        "same_day_by" => read_clock_time(sink, entry, fields, &period_span).map(Period::SameDayBy),
        other => {
            let message = format!("不认识的期限单位 {other}。unit 只能是 working_days（工作日）、hours（小时）或 same_day_by（当日某时前）。");
            sink.push(
                Some(&unit_value.span()),
                entry,
                IssueKind::InvalidPeriod,
                message,
            );
            None
        }
    }
}

fn read_amount(
    sink: &mut IssueSink<'_>,
    entry: &str,
    fields: &RawPeriod,
    period_span: &Range<usize>,
    max: u32,
) -> Option<u32> {
    if let Some(time) = &fields.time {
        sink.push(
            Some(&time.span()),
            entry,
            IssueKind::InvalidPeriod,
            "按工作日或小时计算的期限不用 time，请删除 time，只写 amount。",
        );
        return None;
    }
    let value = sink.required(&fields.amount, "amount", entry, period_span)?;
    let amount = sink.integer(value, "amount", entry)?;

    let valid = u32::try_from(amount)
        .ok()
        .filter(|amount| (1..=max).contains(amount));
    if valid.is_none() {
        let message = format!("期限长度 {amount} 无效。amount 须是 1 到 {max} 之间的整数。");
        sink.push(
            Some(&value.span()),
            entry,
            IssueKind::InvalidPeriod,
            message,
        );
    }
    valid
}

fn read_clock_time(
    sink: &mut IssueSink<'_>,
    entry: &str,
    fields: &RawPeriod,
    period_span: &Range<usize>,
) -> Option<ClockTime> {
    if let Some(amount) = &fields.amount {
        sink.push(
            Some(&amount.span()),
            entry,
            IssueKind::InvalidPeriod,
            "当日某时前的期限不用 amount，请删除 amount，只写 time。",
        );
        return None;
    }
    let value = sink.required(&fields.time, "time", entry, period_span)?;
    let text = sink.text(value, "time", entry)?;

    let time = ClockTime::parse(&text);
    if time.is_none() {
        let message = format!("时间 {text} 无效。请写成两位小时和两位分钟，从 00:00 到 24:00，例如 time = \"16:30\"。");
        sink.push(
            Some(&value.span()),
            entry,
            IssueKind::InvalidPeriod,
            message,
        );
    }
    time
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FileIssue;

    fn issues_of(text: &str) -> Vec<FileIssue> {
        match DeadlineRules::parse("rules.toml", text) {
            Err(CalendarError::InvalidRuleFile { issues, .. }) => issues,
            other => panic!("expected InvalidRuleFile, got {other:?}"),
        }
    }

    fn rule_with_period(period: &str) -> String {
        format!(
            "format_version = 1\n\n[[rule]]\nid = \"test_rule\"\nname = \"测试\"\nevent = \"事件\"\nbinds = [\"某岗位\"]\nperiod = {period}\n"
        )
    }

    #[test]
    fn default_rules_have_expected_periods() {
        let rules = DeadlineRules::default_rules().unwrap();
        let period_of = |id: &str| rules.get(id).unwrap().period;

        assert_eq!(period_of(rule_ids::FIELD_HANDOVER), Period::WorkingDays(2));
        assert_eq!(
            period_of(rule_ids::MISSING_FILING_PAPER),
            Period::WorkingDays(10)
        );
        assert_eq!(
            period_of(rule_ids::SERVICE_RECEIPT_FILING),
            Period::ClockHours(24)
        );
        assert_eq!(
            period_of(rule_ids::SERVICE_RECEIPT_TRANSFER),
            Period::SameDayBy(ClockTime::new(16, 30).unwrap())
        );
        assert_eq!(
            period_of(rule_ids::NEW_CASE_TRANSFER),
            Period::SameDayBy(ClockTime::new(18, 0).unwrap())
        );
        assert_eq!(
            period_of(rule_ids::NEW_CASE_SHELVING),
            Period::SameDayBy(ClockTime::END_OF_DAY)
        );
        assert_eq!(
            period_of(rule_ids::DAILY_CLEARANCE),
            Period::SameDayBy(ClockTime::END_OF_DAY)
        );
        assert_eq!(rules.iter().count(), 7);
    }

    #[test]
    fn field_handover_binds_both_teams() {
        let rules = DeadlineRules::default_rules().unwrap();
        let rule = rules.get(rule_ids::FIELD_HANDOVER).unwrap();

        assert_eq!(
            rule.binds,
            vec!["执行实施团队".to_owned(), "财产处置团队".to_owned()]
        );
        assert_eq!(rule.name, "执行实施团队、财产处置团队移送纸质材料");
        assert!(rule.event.contains("返回单位"));
        assert_eq!(rule.period.describe_zh(), "2 个工作日内");
    }

    #[test]
    fn unknown_rule_id_is_error() {
        let rules = DeadlineRules::default_rules().unwrap();
        let error = rules.get("field_hand_over").unwrap_err();

        assert_eq!(
            error,
            CalendarError::UnknownRule {
                id: "field_hand_over".to_owned()
            }
        );
        assert_eq!(error.code(), "DEADLINE_RULE_UNKNOWN");
    }

    #[test]
    fn clock_time_parsing() {
        assert_eq!(ClockTime::parse("16:30"), ClockTime::new(16, 30));
        assert_eq!(ClockTime::parse("24:00"), Some(ClockTime::END_OF_DAY));
        assert_eq!(ClockTime::END_OF_DAY.time_of_day(), None);
        assert_eq!(ClockTime::parse("18:00").unwrap().to_string(), "18:00");
        assert_eq!(ClockTime::parse("24:01"), None);
        assert_eq!(ClockTime::parse("9:00"), None);
        assert_eq!(ClockTime::parse("12:60"), None);
    }

    #[test]
    fn invalid_periods_rejected() {
        let cases = [
            ("{ unit = \"days\", amount = 2 }", "不认识的期限单位 days"),
            ("{ unit = \"working_days\", amount = 0 }", "期限长度 0 无效"),
            ("{ unit = \"hours\", amount = 9000 }", "期限长度 9000 无效"),
            (
                "{ unit = \"same_day_by\", time = \"25:00\" }",
                "时间 25:00 无效",
            ),
            (
                "{ unit = \"same_day_by\", amount = 1 }",
                "当日某时前的期限不用 amount",
            ),
            (
                "{ unit = \"working_days\", amount = 2, time = \"18:00\" }",
                "不用 time",
            ),
        ];

        for (period, expected) in cases {
            let issues = issues_of(&rule_with_period(period));
            assert_eq!(issues.len(), 1, "{period}: {issues:#?}");
            assert_eq!(issues[0].kind, IssueKind::InvalidPeriod, "{period}");
            assert_eq!(issues[0].line, Some(8), "{period}");
            assert!(
                issues[0].message.starts_with(expected) || issues[0].message.contains(expected),
                "{period}: {}",
                issues[0].message
            );
        }
    }

    #[test]
    fn bad_ids_and_missing_fields_rejected() {
        let text = "format_version = 1\n\n[[rule]]\nid = \"Field-Handover\"\nname = \"甲\"\nevent = \"乙\"\nbinds = [\"丙\"]\nperiod = { unit = \"hours\", amount = 24 }\n\n[[rule]]\nid = \"ok_rule\"\nevent = \"乙\"\nbinds = []\nperiod = { unit = \"hours\", amount = 24 }\n";

        let issues = issues_of(text);
        let kinds: Vec<IssueKind> = issues.iter().map(|issue| issue.kind).collect();

        assert_eq!(
            kinds,
            vec![
                IssueKind::InvalidRuleId,
                IssueKind::MissingField,
                IssueKind::EmptyText
            ]
        );
        assert_eq!(issues[0].line, Some(4));
        assert!(issues[0]
            .message
            .starts_with("规则编号 Field-Handover 无效"));
        assert_eq!(issues[1].entry, "第 2 个 [[rule]]（ok_rule）");
        assert!(issues[1].message.starts_with("缺少字段 name"));
        assert_eq!(issues[2].line, Some(13));
    }

    #[test]
    fn duplicate_rule_id_rejected() {
        let rule = "[[rule]]\nid = \"same\"\nname = \"甲\"\nevent = \"乙\"\nbinds = [\"丙\"]\nperiod = { unit = \"hours\", amount = 24 }\n";
        let error =
            DeadlineRules::parse("rules.toml", &format!("format_version = 1\n{rule}{rule}"))
                .unwrap_err();

        assert_eq!(error.code(), "DEADLINE_RULES_INVALID");
        let CalendarError::InvalidRuleFile { issues, .. } = error else {
            panic!("wrong variant")
        };
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::DuplicateRuleId);
        assert_eq!(issues[0].line, Some(8));
    }
}

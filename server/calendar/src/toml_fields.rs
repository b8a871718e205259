//! Reading data files: TOML values with their positions, turned into typed values or issues.
//!
//! Invariant: nothing here fails on bad input. Every problem becomes a `FileIssue` with the
//! 1-based line of the offending value and a Chinese message that explains the fix. The caller
//! then continues, so one pass reports all problems of a file.

use std::ops::Range;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use toml::{Spanned, Value};

use crate::error::{FileIssue, IssueKind};

/// A key of a TOML table, absent when the file leaves it out.
pub(crate) type RawField = Option<Spanned<Value>>;

/// Collects the issues of one file and maps byte offsets to line numbers.
pub(crate) struct IssueSink<'t> {
    text: &'t str,
    pub(crate) issues: Vec<FileIssue>,
}

impl<'t> IssueSink<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        IssueSink {
            text,
            issues: Vec::new(),
        }
    }

    /// Returns the 1-based line that contains a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|byte| **byte == b'\n')
            .count()
            + 1
    }

    pub(crate) fn push(
        &mut self,
        span: Option<&Range<usize>>,
        entry: &str,
        kind: IssueKind,
        message: impl Into<String>,
    ) {
        let line = span.map(|span| self.line_of(span.start));
        self.issues.push(FileIssue {
            line,
            entry: entry.to_owned(),
            kind,
            message: message.into(),
        });
    }

    /// Parses the whole text into the raw structure, or records the parser's error.
    pub(crate) fn deserialize<T: DeserializeOwned>(&mut self, text: &str) -> Option<T> {
        match toml::from_str::<T>(text) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                let (kind, message) = translate_parser_message(error.message());
                self.push(error.span().as_ref(), "文件", kind, message);
                None
            }
        }
    }

    /// Returns a required field, or records that it is missing from the table at `table_span`.
    pub(crate) fn required<'v>(
        &mut self,
        field: &'v RawField,
        key: &str,
        entry: &str,
        table_span: &Range<usize>,
    ) -> Option<&'v Spanned<Value>> {
        if field.is_none() {
            self.push(
                Some(table_span),
                entry,
                IssueKind::MissingField,
                format!("缺少字段 {key}。请在该项中补上 {key}，格式见数据目录下的 README。"),
            );
        }
        field.as_ref()
    }

    /// Reads a date written as a TOML local date (`2026-10-01`) or as the same text in quotes.
    pub(crate) fn date(
        &mut self,
        value: &Spanned<Value>,
        key: &str,
        entry: &str,
    ) -> Option<NaiveDate> {
        let parsed = match value.get_ref() {
            Value::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
                (Some(date), None, None) => NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                ),
                _ => None,
            },
            Value::String(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok(),
            _ => None,
        };

        if parsed.is_none() {
            self.push(
                Some(&value.span()),
                entry,
                IssueKind::WrongType,
                format!(
                    "{key} 的值 {} 不是日期。请写成 年-月-日，例如 2026-10-01，不带时间。",
                    value.get_ref()
                ),
            );
        }
        parsed
    }

    /// Reads a non-empty text, trimmed.
    pub(crate) fn text(
        &mut self,
        value: &Spanned<Value>,
        key: &str,
        entry: &str,
    ) -> Option<String> {
        let Value::String(text) = value.get_ref() else {
            self.push(
                Some(&value.span()),
                entry,
                IssueKind::WrongType,
                format!(
                    "{key} 的值 {} 不是文字。请用英文双引号括起来，例如 {key} = \"春节\"。",
                    value.get_ref()
                ),
            );
            return None;
        };

        let trimmed = text.trim();
        if trimmed.is_empty() {
            self.push(
                Some(&value.span()),
                entry,
                IssueKind::EmptyText,
                format!("{key} 不能为空。请填写内容或删除该字段（仅限可省略的字段）。"),
            );
            return None;
        }
        Some(trimmed.to_owned())
    }

    /// Reads an integer.
    pub(crate) fn integer(
        &mut self,
        value: &Spanned<Value>,
        key: &str,
        entry: &str,
    ) -> Option<i64> {
        match value.get_ref() {
            Value::Integer(number) => Some(*number),
            other => {
                self.push(
                    Some(&value.span()),
                    entry,
                    IssueKind::WrongType,
                    format!("{key} 的值 {other} 不是整数。请写不带引号的整数，例如 {key} = 2。"),
                );
                None
            }
        }
    }
}

/// Turns a TOML parser message into an issue kind and a Chinese message.
///
/// The parser's own English text is kept in brackets when it is not recognised, so that no detail
/// is lost. The patterns follow serde's wording for unknown fields and wrong types.
fn translate_parser_message(message: &str) -> (IssueKind, String) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let message = if expected.is_empty() {
            format!("未知字段 {name}。请检查拼写，或删除该字段。")
        } else {
            format!(
                "未知字段 {name}。这里可用的字段是：{}。请检查拼写。",
                expected.join("、")
            )
        };
        return (IssueKind::UnknownField, message);
    }

    if message.starts_with("invalid type") {
        let message = format!(
            "值的类型不对（解析器说明：{}）。例如 holidays 须是列表 [...]，每个节假日是 {{ ... }}。请对照数据目录下的 README 修改。",
            one_line(message)
        );
        return (IssueKind::WrongType, message);
    }

    let detail = one_line(message);
    let message = if message.starts_with("invalid date-time") {
        format!("日期无效（解析器说明：{detail}）。请检查该日期是否存在，例如 2 月没有 30 日，日期写成 2026-10-01。")
    } else {
        format!("不是有效的 TOML（解析器说明：{detail}）。请检查该行的引号、括号、逗号和等号，日期写成 2026-10-01。")
    };
    (IssueKind::Syntax, message)
}

/// Joins the lines of a parser message with "; " so that each issue stays on one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_newlines_before_offset() {
        let sink = IssueSink::new("a = 1\nb = 2\nc = 3\n");

        assert_eq!(sink.line_of(0), 1);
        assert_eq!(sink.line_of(6), 2);
        assert_eq!(sink.line_of(13), 3);
        assert_eq!(sink.line_of(10_000), 4);
    }

    #[test]
    fn unknown_field_message_lists_expected_fields() {
        let (kind, message) =
            translate_parser_message("unknown field `yaer`, expected one of `year`, `holidays`");

        assert_eq!(kind, IssueKind::UnknownField);
        assert_eq!(
            message,
            "未知字段 yaer。这里可用的字段是：year、holidays。请检查拼写。"
        );
    }

    #[test]
    fn syntax_message_stays_on_one_line() {
        let (kind, message) =
            translate_parser_message("invalid table header\nexpected `.`, `]]`\n");

        assert_eq!(kind, IssueKind::Syntax);
        assert_eq!(
            message,
            "不是有效的 TOML（解析器说明：invalid table header; expected `.`, `]]`）。请检查该行的引号、括号、逗号和等号，日期写成 2026-10-01。"
        );
    }

    #[test]
    fn date_accepts_toml_date_and_quoted_text() {
        let mut sink = IssueSink::new("");
        let native = Spanned::new(0..10, Value::Datetime("2026-10-01".parse().unwrap()));
        let quoted = Spanned::new(0..12, Value::String("2026-10-02".to_owned()));

        assert_eq!(
            sink.date(&native, "start", "项"),
            NaiveDate::from_ymd_opt(2026, 10, 1)
        );
        assert_eq!(
            sink.date(&quoted, "start", "项"),
            NaiveDate::from_ymd_opt(2026, 10, 2)
        );
        assert!(sink.issues.is_empty());
    }

    #[test]
    fn date_rejects_date_time_and_number() {
        let mut sink = IssueSink::new("");
        let with_time = Spanned::new(
            0..19,
            Value::Datetime("2026-10-01T08:00:00".parse().unwrap()),
        );
        let number = Spanned::new(0..8, Value::Integer(20261001));

        assert_eq!(sink.date(&with_time, "start", "项"), None);
        assert_eq!(sink.date(&number, "start", "项"), None);
        assert_eq!(sink.issues.len(), 2);
        assert!(sink
            .issues
            .iter()
            .all(|issue| issue.kind == IssueKind::WrongType));
        assert!(sink.issues[0].message.contains("请写成 年-月-日"));
    }
}

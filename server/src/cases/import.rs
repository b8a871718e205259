//! Parsing of case-list CSV files exported by court systems.
//!
//! Court exports are often GBK, so a file that is not valid UTF-8 is decoded as GB18030 (a
//! superset of GBK). The first row is a header; columns are found by name, in Chinese or
//! English: 案号 (case_number), 承办法官 (judge), 执行团队 or 团队 (team), and optionally 当事人
//! (parties) and 立案日期 (filed_on). Every bad row is reported with its line number and reason;
//! the caller imports nothing when any row is bad.

use chrono::NaiveDate;
use encoding_rs::GB18030;

use juanzong_sync::CaseNumber;

/// One valid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    /// Line number in the file, counting the header as line 1.
    pub line: u64,
    pub case_number: CaseNumber,
    pub judge_name: String,
    pub team_name: String,
    pub parties: Option<String>,
    pub filed_on: Option<NaiveDate>,
}

/// A bad row: its line number and a Chinese reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

/// The text encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gbk,
}

/// The result of parsing a whole file.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub encoding: Encoding,
    pub rows: Vec<CaseRow>,
    pub errors: Vec<RowError>,
}

/// A problem with the file as a whole, before rows can be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("文件既不是有效的 UTF-8 编码，也不是有效的 GBK 编码，请另存为 UTF-8 或 GBK 后重试。")]
    UnknownEncoding,
    #[error("文件为空，至少需要一行表头。")]
    Empty,
    #[error("表头缺少“{0}”列。表头应包含：案号、承办法官、执行团队，可选：当事人、立案日期。")]
    MissingColumn(&'static str),
    #[error("无法读取表头：{0}")]
    BadHeader(String),
}

/// Decodes the bytes as UTF-8 (with or without a byte-order mark) or, failing that, GBK.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), FileError> {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(without_bom) {
        return Ok((text.to_string(), Encoding::Utf8));
    }
    GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), Encoding::Gbk))
        .ok_or(FileError::UnknownEncoding)
}

struct Columns {
    case_number: usize,
    judge: usize,
    team: usize,
    parties: Option<usize>,
    filed_on: Option<usize>,
}

fn find_column(header: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|cell| names.iter().any(|name| cell.trim() == *name))
}

fn columns(header: &csv::StringRecord) -> Result<Columns, FileError> {
    Ok(Columns {
        case_number: find_column(header, &["案号", "case_number"])
            .ok_or(FileError::MissingColumn("案号"))?,
        judge: find_column(header, &["承办法官", "承办人", "judge"])
            .ok_or(FileError::MissingColumn("承办法官"))?,
        team: find_column(header, &["执行团队", "团队", "team"])
            .ok_or(FileError::MissingColumn("执行团队"))?,
        parties: find_column(header, &["当事人", "parties"]),
        filed_on: find_column(header, &["立案日期", "filed_on"]),
    })
}

/// Parses a date written as 2026-03-05, 2026/3/5 or 2026年3月5日.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let normalized: String = text
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_string();
    NaiveDate::parse_from_str(&normalized, "%Y-%m-%d").ok()
}

/// Parses the file, checking each row's case number against `court_code`.
pub fn parse(bytes: &[u8], court_code: &str) -> Result<ParsedFile, FileError> {
    let (text, encoding) = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| FileError::BadHeader(error.to_string()))?
        .clone();
    let columns = columns(&header)?;

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: Vec<(String, u64)> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or(0);
                errors.push(RowError {
                    line,
                    reason: format!("无法读取此行：{error}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        match parse_row(&record, &columns, court_code, line) {
            Ok(row) => {
                let key = row.case_number.normal_form();
                if let Some((_, first_line)) = seen.iter().find(|(seen_key, _)| *seen_key == key) {
                    errors.push(RowError {
                        line,
                        reason: format!("案号 {key} 与第 {first_line} 行重复。"),
                    });
                } else {
                    seen.push((key, line));
                    rows.push(row);
                }
            }
            Err(reason) => errors.push(RowError { line, reason }),
        }
    }
    Ok(ParsedFile {
        encoding,
        rows,
        errors,
    })
}

fn cell(record: &csv::StringRecord, index: usize) -> &str {
    record.get(index).map(str::trim).unwrap_or("")
}

fn parse_row(
    record: &csv::StringRecord,
    columns: &Columns,
    court_code: &str,
    line: u64,
) -> Result<CaseRow, String> {
    let raw_number = cell(record, columns.case_number);
    let case_number =
        CaseNumber::parse(raw_number).map_err(|error| format!("案号“{raw_number}”无效：{error}"))?;
    if case_number.court_code() != court_code {
        return Err(format!(
            "案号 {} 的法院代字是 {}，与本院代字 {court_code} 不符。",
            case_number.normal_form(),
            case_number.court_code()
        ));
    }
    let judge_name = cell(record, columns.judge);
    if judge_name.is_empty() {
        return Err("承办法官不能为空。".to_string());
    }
    let team_name = cell(record, columns.team);
    if team_name.is_empty() {
        return Err("执行团队不能为空。".to_string());
    }
    let parties = columns
        .parties
        .map(|index| cell(record, index))
        .filter(|text| !text.is_empty())
        .map(str::to_string);
    let filed_on = match columns.filed_on.map(|index| cell(record, index)) {
        Some(text) if !text.is_empty() => Some(
            parse_date(text)
                .ok_or_else(|| format!("立案日期“{text}”无效，应为 2026-03-05 或 2026年3月5日。"))?,
        ),
        _ => None,
    };
    Ok(CaseRow {
        line,
        case_number,
        judge_name: judge_name.to_string(),
        team_name: team_name.to_string(),
        parties,
        filed_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "案号,承办法官,执行团队,当事人,立案日期\n\
        （2026）豫13执1号,李法官,执行一团队,张某 诉 王某,2026-01-05\n\
        (2026)豫13执恢2号,李法官,执行一团队,,2026年2月3日\n";

    #[test]
    fn utf8_file_parses() {
        let parsed = parse(GOOD.as_bytes(), "豫13").unwrap();
        assert_eq!(parsed.encoding, Encoding::Utf8);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[1].case_number.normal_form(), "（2026）豫13执恢2号");
        assert_eq!(parsed.rows[1].filed_on, NaiveDate::from_ymd_opt(2026, 2, 3));
        assert_eq!(parsed.rows[0].parties.as_deref(), Some("张某 诉 王某"));
        assert_eq!(parsed.rows[1].line, 3);
    }

    #[test]
    fn gbk_file_parses() {
        let (bytes, _, had_errors) = GB18030.encode(GOOD);
        assert!(!had_errors);
        assert!(std::str::from_utf8(&bytes).is_err(), "test data must not be valid UTF-8");
        let parsed = parse(&bytes, "豫13").unwrap();
        assert_eq!(parsed.encoding, Encoding::Gbk);
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].judge_name, "李法官");
    }

    #[test]
    fn bom_is_ignored() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(GOOD.as_bytes());
        let parsed = parse(&bytes, "豫13").unwrap();
        assert_eq!(parsed.rows.len(), 2);
    }

    #[test]
    fn bad_rows_are_reported_with_lines() {
        let text = "案号,承办法官,执行团队\n\
            （2026）豫13执1号,李法官,执行一团队\n\
            （2026）豫13民2号,李法官,执行一团队\n\
            （2026）豫14执3号,李法官,执行一团队\n\
            （2026）豫13执4号,,执行一团队\n\
            （2026）豫13执1号,王法官,执行一团队\n";
        let parsed = parse(text.as_bytes(), "豫13").unwrap();
        let lines: Vec<u64> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
        assert!(parsed.errors[0].reason.contains("类型代字"), "{}", parsed.errors[0].reason);
        assert!(parsed.errors[1].reason.contains("豫14"));
        assert!(parsed.errors[2].reason.contains("承办法官"));
        assert!(parsed.errors[3].reason.contains("第 2 行重复"));
    }

    #[test]
    fn missing_column_is_a_file_error() {
        let error = parse("案号,执行团队\n".as_bytes(), "豫13").unwrap_err();
        assert_eq!(error, FileError::MissingColumn("承办法官"));
    }

    #[test]
    fn invalid_bytes_are_rejected() {
        assert_eq!(decode(&[0xFF, 0xFF, 0xFE]).unwrap_err(), FileError::UnknownEncoding);
    }

    #[test]
    fn dates_in_several_forms() {
        let expected = NaiveDate::from_ymd_opt(2026, 3, 5);
        assert_eq!(parse_date("2026-03-05"), expected);
        assert_eq!(parse_date("2026/3/5"), expected);
        assert_eq!(parse_date("2026年3月5日"), expected);
        assert_eq!(parse_date("5.3.2026"), None);
    }
}

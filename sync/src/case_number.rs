//! Case numbers (案号) of enforcement cases (执行案件).
//!
//! The standard form is `（2026）豫13执123号`: the year the case was filed in brackets, the court code
//! (a province abbreviation followed by up to four digits), the case-type word and the serial
//! number followed by 号. Phones, OCR and court exports write the brackets half-width or
//! full-width and sometimes use full-width digits, so parsing accepts all of these and
//! [`CaseNumber::normal_form`] always returns the full-width form, which is the form stored.
//!
//! Invariants of a parsed [`CaseNumber`]: the year is within [`MIN_YEAR`]..=[`MAX_YEAR`], the court
//! code starts with a known province abbreviation, the case-type word is one of [`CaseType`], and
//! the serial is positive with no leading zero.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Earliest filing year accepted. The bracketed form has been in use since 2016, and no older
/// case is expected to reach the case-file center through this system.
pub const MIN_YEAR: u16 = 2000;
/// Latest filing year accepted.
pub const MAX_YEAR: u16 = 2099;

/// Province-level abbreviations that begin a court code, plus 兵 for the Xinjiang Production and
/// Construction Corps courts.
const PROVINCES: &str = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新兵";

/// Case-type words (类型代字) of enforcement cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseType {
    /// 执: first enforcement.
    Enforcement,
    /// 执恢: resumed enforcement.
    Resumed,
    /// 执保: preservation.
    Preservation,
    /// 执异: objection to enforcement.
    Objection,
    /// 执复: review of enforcement.
    Review,
    /// 执监: enforcement supervision.
    Supervision,
    /// 执协: enforcement assistance.
    Assistance,
    /// 执他: other enforcement matters.
    Other,
}

impl CaseType {
    /// All case types, longest word first so that parsing tries `执恢` before `执`.
    pub const ALL: [CaseType; 8] = [
        CaseType::Resumed,
        CaseType::Preservation,
        CaseType::Objection,
        CaseType::Review,
        CaseType::Supervision,
        CaseType::Assistance,
        CaseType::Other,
        CaseType::Enforcement,
    ];

    /// Returns the Chinese case-type word as written in a case number.
    pub fn word(self) -> &'static str {
        match self {
            CaseType::Enforcement => "执",
            CaseType::Resumed => "执恢",
            CaseType::Preservation => "执保",
            CaseType::Objection => "执异",
            CaseType::Review => "执复",
            CaseType::Supervision => "执监",
            CaseType::Assistance => "执协",
            CaseType::Other => "执他",
        }
    }
}

/// A validated enforcement case number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseNumber {
    year: u16,
    court_code: String,
    case_type: CaseType,
    serial: u32,
}

/// Reasons a text is not a valid case number. Each message is shown to users as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseNumberError {
    #[error("案号为空")]
    Empty,
    #[error("案号应以括号中的年份开头，例如（2026）豫13执123号")]
    MissingYear,
    #[error("案号中的年份“{0}”无效，应为 {MIN_YEAR} 至 {MAX_YEAR} 之间的四位数字")]
    InvalidYear(String),
    #[error("案号中的法院代字无效，应为省份简称加数字，例如 豫13")]
    InvalidCourtCode,
    #[error("案号中的类型代字无效，执行案件应为 执、执恢、执保、执异、执复、执监、执协 或 执他")]
    InvalidCaseType,
    #[error("案号中的序号无效，应为不以 0 开头的数字")]
    InvalidSerial,
    #[error("案号应以“号”结尾")]
    MissingSuffix,
}

impl CaseNumber {
    /// Parses a case number written with half-width or full-width brackets and digits.
    pub fn parse(text: &str) -> Result<CaseNumber, CaseNumberError> {
        let normalized = normalize_width(text.trim());
        if normalized.is_empty() {
            return Err(CaseNumberError::Empty);
        }

        let rest = normalized
            .strip_prefix('(')
            .ok_or(CaseNumberError::MissingYear)?;
        let (year_text, rest) = rest.split_once(')').ok_or(CaseNumberError::MissingYear)?;
        let year = parse_year(year_text)?;

        let (court_code, rest) = split_court_code(rest)?;
        let (case_type, rest) = split_case_type(rest)?;

        let serial_text = rest
            .strip_suffix('号')
            .ok_or(CaseNumberError::MissingSuffix)?;
        let serial = parse_serial(serial_text)?;

        Ok(CaseNumber {
            year,
            court_code,
            case_type,
            serial,
        })
    }

    /// Returns the stored form, with full-width brackets: `（2026）豫13执123号`.
    pub fn normal_form(&self) -> String {
        format!(
            "（{}）{}{}{}号",
            self.year,
            self.court_code,
            self.case_type.word(),
            self.serial
        )
    }

    /// Returns the year the case was filed in.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Returns the court code, such as `豫13`.
    pub fn court_code(&self) -> &str {
        &self.court_code
    }

    /// Returns the case-type word.
    pub fn case_type(&self) -> CaseType {
        self.case_type
    }

    /// Returns the serial number within the year, court and case type.
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// Finds every case number in a free text, such as OCR output, in order of appearance.
    ///
    /// OCR puts spaces between Chinese characters and reads brackets loosely, so spaces are
    /// removed before searching and any bracket style is accepted.
    pub fn find_all(text: &str) -> Vec<CaseNumber> {
        let compact: String = normalize_width(text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut found = Vec::new();
        for (start, _) in compact.match_indices('(') {
            let candidate = &compact[start..];
            let Some(end) = candidate.find('号') else {
                continue;
            };
            let slice = &candidate[..end + '号'.len_utf8()];
            if let Ok(number) = CaseNumber::parse(slice) {
                if !found.contains(&number) {
                    found.push(number);
                }
            }
        }
        found
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normal_form())
    }
}

impl FromStr for CaseNumber {
    type Err = CaseNumberError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        CaseNumber::parse(text)
    }
}

impl Serialize for CaseNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.normal_form())
    }
}

impl<'de> Deserialize<'de> for CaseNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CaseNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Maps full-width digits and every bracket style to half-width ASCII, so the parser sees one form.
fn normalize_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '（' | '〔' | '[' | '【' | '［' => '(',
            '）' | '〕' | ']' | '】' | '］' => ')',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            other => other,
        })
        .collect()
}

fn parse_year(text: &str) -> Result<u16, CaseNumberError> {
    let invalid = || CaseNumberError::InvalidYear(text.to_string());
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let year: u16 = text.parse().map_err(|_| invalid())?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(invalid());
    }
    Ok(year)
}

/// Splits `豫13执123号` into `豫13` and `执123号`.
fn split_court_code(text: &str) -> Result<(String, &str), CaseNumberError> {
    let mut chars = text.char_indices();
    let (_, province) = chars.next().ok_or(CaseNumberError::InvalidCourtCode)?;
    if !PROVINCES.contains(province) {
        return Err(CaseNumberError::InvalidCourtCode);
    }
    let digits_start = province.len_utf8();
    let digits_len = text[digits_start..]
        .bytes()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits_len > 4 {
        return Err(CaseNumberError::InvalidCourtCode);
    }
    let end = digits_start + digits_len;
    Ok((text[..end].to_string(), &text[end..]))
}

fn split_case_type(text: &str) -> Result<(CaseType, &str), CaseNumberError> {
    for case_type in CaseType::ALL {
        if let Some(rest) = text.strip_prefix(case_type.word()) {
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Ok((case_type, rest));
            }
        }
    }
    Err(CaseNumberError::InvalidCaseType)
}

fn parse_serial(text: &str) -> Result<u32, CaseNumberError> {
    if text.is_empty() || text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CaseNumberError::InvalidSerial);
    }
    text.parse().map_err(|_| CaseNumberError::InvalidSerial)
}

/// Checks that a court code has the shape of one (province abbreviation plus up to four digits).
pub fn is_valid_court_code(code: &str) -> bool {
    matches!(split_court_code(code), Ok((_, rest)) if rest.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_forms_normalize_to_full_width() {
        let cases = [
            ("（2026）豫13执123号", "（2026）豫13执123号"),
            ("(2026)豫13执123号", "（2026）豫13执123号"),
            ("(2026）豫13执123号", "（2026）豫13执123号"),
            ("  （２０２６）豫１３执１２３号 ", "（2026）豫13执123号"),
            ("〔2025〕豫1302执恢7号", "（2025）豫1302执恢7号"),
            ("(2024)京执保1号", "（2024）京执保1号"),
            ("(2024)沪01执异45号", "（2024）沪01执异45号"),
            ("(2024)粤03执复9号", "（2024）粤03执复9号"),
            ("(2024)川执监2号", "（2024）川执监2号"),
            ("(2024)浙0102执协30号", "（2024）浙0102执协30号"),
            ("(2024)豫13执他88号", "（2024）豫13执他88号"),
            ("(2023)兵07执100号", "（2023）兵07执100号"),
        ];
        for (input, expected) in cases {
            let parsed = CaseNumber::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(parsed.normal_form(), expected, "input {input}");
        }
    }

    #[test]
    fn parts_are_exposed() {
        let number = CaseNumber::parse("(2026)豫13执恢123号").unwrap();
        assert_eq!(number.year(), 2026);
        assert_eq!(number.court_code(), "豫13");
        assert_eq!(number.case_type(), CaseType::Resumed);
        assert_eq!(number.serial(), 123);
    }

    #[test]
    fn invalid_forms_are_rejected_with_reason() {
        let cases = [
            ("", CaseNumberError::Empty),
            ("2026豫13执123号", CaseNumberError::MissingYear),
            ("（2026豫13执123号", CaseNumberError::MissingYear),
            (
                "（26）豫13执123号",
                CaseNumberError::InvalidYear("26".into()),
            ),
            (
                "（1999）豫13执123号",
                CaseNumberError::InvalidYear("1999".into()),
            ),
            ("（2026）X13执123号", CaseNumberError::InvalidCourtCode),
            ("（2026）豫13001执123号", CaseNumberError::InvalidCourtCode),
            ("（2026）豫13民123号", CaseNumberError::InvalidCaseType),
            ("（2026）豫13执破123号", CaseNumberError::InvalidCaseType),
            ("（2026）豫13执号", CaseNumberError::InvalidCaseType),
            ("（2026）豫13执0123号", CaseNumberError::InvalidSerial),
            ("（2026）豫13执12a3号", CaseNumberError::InvalidSerial),
            ("（2026）豫13执123", CaseNumberError::MissingSuffix),
            (
                "（2026）豫13执99999999999号",
                CaseNumberError::InvalidSerial,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(CaseNumber::parse(input), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn find_all_reads_ocr_text() {
        let text = "河南省南阳市中级人民法院\n执 行 裁 定 书\n( 2026 ) 豫 13 执 123 号\n另见（2025）豫1302执恢7号。";
        let found: Vec<String> = CaseNumber::find_all(text)
            .iter()
            .map(CaseNumber::normal_form)
            .collect();
        assert_eq!(found, vec!["（2026）豫13执123号", "（2025）豫1302执恢7号"]);
    }

    #[test]
    fn serde_uses_normal_form() {
        let number: CaseNumber = serde_json::from_str("\"(2026)豫13执5号\"").unwrap();
        assert_eq!(
            serde_json::to_string(&number).unwrap(),
            "\"（2026）豫13执5号\""
        );
        assert!(serde_json::from_str::<CaseNumber>("\"豫13执5号\"").is_err());
    }

    #[test]
    fn court_code_shape() {
        assert!(is_valid_court_code("豫13"));
        assert!(is_valid_court_code("豫"));
        assert!(is_valid_court_code("豫1302"));
        assert!(!is_valid_court_code("豫13执"));
        assert!(!is_valid_court_code("13"));
        assert!(!is_valid_court_code(""));
    }
}

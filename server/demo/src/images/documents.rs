//! The text of the court papers a field day produces: the seizure ruling (查封裁定书), the seizure
//! record (查封笔录), the posted seal (封条), proofs of service (送达回证), the asset-disposal
//! team's site survey record (现场勘验笔录), and from a second trip the land registry's receipt of
//! the assistance notice (协助执行通知书回执) and the record of a revisit (执行笔录). Parties appear
//! masked (张某), as in published papers.

use chrono::{Datelike, NaiveDate};

/// Facts of one case and one day of field work that the papers print.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    /// Case number in normal form, such as （2026）豫13执123号.
    pub case_number: String,
    /// Full court name, such as 河南省南阳市中级人民法院.
    pub court_name: String,
    /// 申请执行人, masked.
    pub applicant: String,
    /// 被执行人, masked.
    pub respondent: String,
    /// 案由, such as 买卖合同纠纷.
    pub cause: String,
    /// The judgment enforced, such as （2025）豫13民初456号民事判决书.
    pub basis: String,
    /// Place of the field work.
    pub place: String,
    /// The property seized or surveyed.
    pub property: String,
    /// Day of the field work; the ruling is dated the working day before.
    pub field_day: NaiveDate,
    /// Day the ruling was signed.
    pub ruling_day: NaiveDate,
    /// Officers present, by display name.
    pub officers: Vec<String>,
}

/// The kinds of paper the demo prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    SeizureRuling,
    SeizureRecord,
    Seal,
    ServiceReceipt,
    SiteSurveyRecord,
    AssistanceReceipt,
    EnforcementRecord,
}

impl DocumentKind {
    /// Returns the material type code of the built-in catalogue that lists this paper.
    pub fn material_type(self) -> &'static str {
        match self {
            DocumentKind::SeizureRuling => "seizure_ruling",
            DocumentKind::SeizureRecord => "seizure_record",
            DocumentKind::Seal => "seal_photo",
            DocumentKind::ServiceReceipt => "service_receipt",
            DocumentKind::SiteSurveyRecord => "property_inspection_record",
            DocumentKind::AssistanceReceipt => "assistance_notice",
            DocumentKind::EnforcementRecord => "enforcement_record",
        }
    }
}

/// The sheet a paper is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// A4 portrait.
    A4,
    /// A long seal strip, photographed where it is posted.
    SealStrip,
}

/// One block of a page, laid out top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Large bold line, centred.
    Title(String),
    /// Body-size line, centred.
    Centered(String),
    /// Body-size line, right-aligned.
    Right(String),
    /// Wrapped body text; `indent` starts the first line two characters in.
    Paragraph { text: String, indent: bool },
    /// A ruled two-column form: label and value per row.
    Table(Vec<(String, String)>),
    /// Vertical space, in body lines.
    Gap(f32),
    /// The court's red seal, stamped over the lines above it.
    Stamp,
}

/// A paper ready to print.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: DocumentKind,
    /// Case number printed on the paper.
    pub case_number: String,
    pub sheet: Sheet,
    /// Printed on lined record paper (笔录纸): a rule under every body line.
    pub ruled: bool,
    pub blocks: Vec<Block>,
}

/// Writes a case number as the court's case system prints it, with half-width brackets:
/// (2026)豫13执123号. The full-width bracket's wide side bearing leaves a gap that made Tesseract
/// read the rest of the number as a separate Latin word on the demo's photos.
pub fn printed_case_number(case_number: &str) -> String {
    case_number.replace('（', "(").replace('）', ")")
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph {
        text: text.into(),
        indent: true,
    }
}

fn field(text: impl Into<String>) -> Block {
    Block::Paragraph {
        text: text.into(),
        indent: false,
    }
}

/// Writes a date in Chinese numerals, as a ruling is dated: 二〇二六年十二月一日.
pub fn date_in_words(date: NaiveDate) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let year: String = date
        .year()
        .to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect();
    format!(
        "{year}年{}月{}日",
        number_in_words(date.month()),
        number_in_words(date.day())
    )
}

/// Writes 1 to 31 in Chinese numerals: 十二, 二十一.
fn number_in_words(number: u32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match number {
        0..=9 => DIGITS[number as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[(number % 10) as usize]),
        _ => format!(
            "{}十{}",
            DIGITS[(number / 10) as usize],
            DIGITS[(number % 10) as usize]
        ),
    }
}

/// Writes a date in Arabic numerals, as forms are filled in: 2026年12月2日.
pub fn date_in_digits(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

impl Document {
    /// Writes the seizure ruling (执行裁定书) that orders the property sealed.
    pub fn seizure_ruling(facts: &CaseFacts) -> Document {
        let blocks = vec![
            Block::Title(facts.court_name.clone()),
            Block::Title("执 行 裁 定 书".to_string()),
            Block::Right(printed_case_number(&facts.case_number)),
            Block::Gap(0.3),
            field(format!("申请执行人：{}，男，汉族，住河南省南阳市宛城区。", facts.applicant)),
            field(format!("被执行人：{}，男，汉族，住河南省南阳市卧龙区。", facts.respondent)),
            paragraph(format!(
                "本院在执行申请执行人{}与被执行人{}{}一案中，依据已经发生法律效力的{}，被执行人未按执行通知履行法律文书确定的义务。依照《中华人民共和国民事诉讼法》第二百五十五条规定，裁定如下：",
                facts.applicant, facts.respondent, facts.cause, facts.basis
            )),
            paragraph(format!("查封被执行人{}所有的位于{}的{}，查封期限为三年。", facts.respondent, facts.place, facts.property)),
            paragraph("本裁定立即执行。"),
            Block::Gap(1.0),
            Block::Right("审判长　王某".to_string()),
            Block::Right("审判员　刘某".to_string()),
            Block::Right("审判员　陈某".to_string()),
            Block::Right(date_in_words(facts.ruling_day)),
            Block::Stamp,
            Block::Right("书记员　赵某".to_string()),
        ];
        Document {
            kind: DocumentKind::SeizureRuling,
            case_number: facts.case_number.clone(),
            sheet: Sheet::A4,
            ruled: false,
            blocks,
        }
    }

    /// Writes the record (查封笔录) the officers make on site, signed by those present.
    pub fn seizure_record(facts: &CaseFacts) -> Document {
        let officers = facts.officers.join("、");
        let blocks = vec![
            Block::Title("查 封 笔 录".to_string()),
            Block::Gap(0.3),
            field(format!("案号：{}", printed_case_number(&facts.case_number))),
            field(format!("时间：{}9时30分至10时40分", date_in_digits(facts.field_day))),
            field(format!("地点：{}", facts.place)),
            field(format!("执行人员：{officers}")),
            field(format!("被执行人：{}（到场）", facts.respondent)),
            field("见证人：社区居委会工作人员周某"),
            paragraph(format!(
                "执行人员出示工作证件，向被执行人送达并宣读执行裁定书，告知查封的财产、期限及擅自处分被查封财产的法律后果。经现场查看，{}现由被执行人使用。",
                facts.property
            )),
            paragraph("执行人员在入户门张贴封条一张、查封公告一份，并全程录音录像。"),
            paragraph("被执行人对查封无异议，表示将与申请执行人协商履行。以上笔录经到场人员阅读，确认无误。"),
            Block::Gap(0.6),
            field(format!("被执行人（签名）：{}", facts.respondent)),
            field("见证人（签名）：周某"),
            field(format!("执行人员（签名）：{officers}")),
        ];
        Document {
            kind: DocumentKind::SeizureRecord,
            case_number: facts.case_number.clone(),
            sheet: Sheet::A4,
            ruled: true,
            blocks,
        }
    }

    /// Writes the seal strip (封条) posted on the door of the sealed property.
    pub fn seal(facts: &CaseFacts) -> Document {
        let blocks = vec![
            Block::Title(facts.court_name.clone()),
            Block::Title("封　　条".to_string()),
            Block::Centered(format!("案号：{}", printed_case_number(&facts.case_number))),
            // The seal over the date is 42 mm wide. Without the gap its ring ran through the
            // case number line whenever a long date moved it left, and OCR then skipped that
            // line as part of a picture.
            Block::Gap(1.2),
            Block::Right(format!("{}封", date_in_words(facts.field_day))),
            Block::Stamp,
        ];
        Document {
            kind: DocumentKind::Seal,
            case_number: facts.case_number.clone(),
            sheet: Sheet::SealStrip,
            ruled: false,
            blocks,
        }
    }

    /// Writes a proof of service (送达回证) of the ruling, signed by `recipient`.
    pub fn service_receipt(facts: &CaseFacts, recipient: &str, address: &str) -> Document {
        let officers = facts.officers.join("、");
        let day = date_in_digits(facts.field_day);
        let rows = vec![
            ("案由".to_string(), format!("{}执行", facts.cause)),
            ("受送达人".to_string(), recipient.to_string()),
            ("送达地址".to_string(), address.to_string()),
            ("送达文书".to_string(), "执行裁定书一份".to_string()),
            ("送达方式".to_string(), "直接送达".to_string()),
            ("受送达人签收".to_string(), format!("{recipient}　{day}")),
            ("送达人".to_string(), officers),
            ("备注".to_string(), String::new()),
        ];
        let blocks = vec![
            Block::Title(facts.court_name.clone()),
            Block::Title("送 达 回 证".to_string()),
            Block::Gap(0.3),
            field(format!("案号：{}", printed_case_number(&facts.case_number))),
            Block::Table(rows),
            Block::Gap(0.5),
            Block::Stamp,
        ];
        Document {
            kind: DocumentKind::ServiceReceipt,
            case_number: facts.case_number.clone(),
            sheet: Sheet::A4,
            ruled: false,
            blocks,
        }
    }

    /// Writes the asset-disposal team's site survey record (现场勘验笔录).
    pub fn site_survey_record(facts: &CaseFacts) -> Document {
        let officers = facts.officers.join("、");
        let blocks = vec![
            Block::Title("现场勘验笔录".to_string()),
            Block::Centered("（财产现状调查笔录）".to_string()),
            Block::Gap(0.3),
            field(format!("案号：{}", printed_case_number(&facts.case_number))),
            field(format!("勘验时间：{}14时至16时", date_in_digits(facts.field_day))),
            field(format!("勘验地点：{}", facts.place)),
            field(format!("勘验人员：{officers}")),
            field(format!("被执行人：{}（法定代表人孙某到场）", facts.respondent)),
            paragraph(format!(
                "勘验情况：{}，钢结构，外观完好，现由被执行人使用。厂房内有数控机床六台，未见他人占用或租赁。",
                facts.property
            )),
            paragraph("现场拍摄照片三十六张、视频两段，作为拍卖财产文字说明的依据。"),
            paragraph("以上笔录经到场人员阅读，确认无误。"),
            Block::Gap(0.6),
            field("到场人（签名）：孙某"),
            field(format!("勘验人员（签名）：{officers}")),
        ];
        Document {
            kind: DocumentKind::SiteSurveyRecord,
            case_number: facts.case_number.clone(),
            sheet: Sheet::A4,
            ruled: true,
            blocks,
        }
    }
}

impl Document {
    /// Writes the receipt (协助执行通知书回执) that the land registry `registry` returns after
    /// it registered the seizure, dated `day`.
    pub fn assistance_receipt(facts: &CaseFacts, registry: &str, day: NaiveDate) -> Document {
        let rows = vec![
            ("协助执行单位".to_string(), registry.to_string()),
            (
                "协助执行事项".to_string(),
                format!("查封被执行人{}名下的{}", facts.respondent, facts.property),
            ),
            ("不动产坐落".to_string(), facts.place.clone()),
            ("查封期限".to_string(), format!("三年，自{}起", date_in_digits(day))),
            ("办理结果".to_string(), "已办理查封登记".to_string()),
            ("经办人".to_string(), "孙某".to_string()),
        ];
        let blocks = vec![
            Block::Title(facts.court_name.clone()),
            Block::Title("协助执行通知书（回执）".to_string()),
            Block::Gap(0.3),
            field(format!("案号：{}", printed_case_number(&facts.case_number))),
            Block::Table(rows),
            Block::Gap(1.0),
            Block::Right(format!("{registry}（盖章）")),
            Block::Right(date_in_digits(day)),
            Block::Stamp,
        ];
        Document {
            kind: DocumentKind::AssistanceReceipt,
            case_number: facts.case_number.clone(),
            sheet: Sheet::A4,
            ruled: false,
            blocks,
        }
    }

    /// Writes the record (执行笔录) of the officers' revisit to the sealed property on `day`.
    pub fn revisit_record(facts: &CaseFacts, day: NaiveDate) -> Document {
        let officers = facts.officers.join("、");
        let blocks = vec![
            Block::Title("执 行 笔 录".to_string()),
            Block::Gap(0.3),
            field(format!("案号：{}", printed_case_number(&facts.case_number))),
            field(format!("时间：{}8时40分至9时10分", date_in_digits(day))),
            field(format!("地点：{}", facts.place)),
            field(format!("执行人员：{officers}")),
            field(format!("被执行人：{}（未到场）", facts.respondent)),
            paragraph(format!(
                "执行人员到查封现场复查。入户门上{}张贴的封条完好，查封公告仍在原处，未发现擅自处分被查封财产的情况。",
                date_in_digits(facts.field_day)
            )),
            paragraph("执行人员拍摄现场照片两张，随后前往不动产登记中心取回协助执行通知书回执。"),
            Block::Gap(0.6),
            field(format!("执行人员（签名）：{officers}")),
        ];
        Document {
            kind: DocumentKind::EnforcementRecord,
            case_number: facts.case_number.clone(),
            sheet: Sheet::A4,
            ruled: true,
            blocks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_words() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date_in_words(day(2026, 12, 1)), "二〇二六年十二月一日");
        assert_eq!(date_in_words(day(2026, 10, 21)), "二〇二六年十月二十一日");
        assert_eq!(date_in_words(day(2027, 3, 30)), "二〇二七年三月三十日");
        assert_eq!(date_in_digits(day(2026, 12, 2)), "2026年12月2日");
    }
}

//! Standard names of filed materials, such as `查封笔录-张某`: the material's name, a hyphen, and
//! the party it concerns, with a person's given name masked as 某 the way the court writes it.
//!
//! The material's name comes from the item's title when the team wrote one, else from its
//! material type. The party comes from the title when it already ends in `-<party>`, else from
//! the OCR text: the name after a label such as 被执行人 or 被询问人.

use serde::{Deserialize, Serialize};

/// Labels that introduce the party a document concerns, in order of preference.
const PARTY_LABELS: [&str; 8] = [
    "被执行人",
    "被申请人",
    "被询问人",
    "被调查人",
    "被搜查人",
    "当事人",
    "申请执行人",
    "申请人",
];

/// Two-character surnames, which keep both characters when the given name is masked.
const COMPOUND_SURNAMES: [&str; 20] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟", "公孙",
    "长孙", "宇文", "端木", "南宫", "西门", "独孤", "轩辕", "澹台",
];

/// Words that end the name of an organisation, which is written in full.
const ORGANISATION_SUFFIXES: [&str; 10] = [
    "公司",
    "银行",
    "厂",
    "合作社",
    "中心",
    "事务所",
    "委员会",
    "医院",
    "学校",
    "商行",
];

/// Maximum length of a party name taken from OCR text, in characters.
const MAX_PARTY_CHARS: usize = 30;

/// A suggested standard name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameSuggestion {
    /// The whole name, such as `查封笔录-张某`, or only the material's name when no party is known.
    pub name: String,
    /// The material's name, such as `查封笔录`.
    pub material: String,
    /// The party as written in the name, such as `张某`.
    pub party: Option<String>,
}

/// Suggests the standard name of a material from its type's name, the team's title and the OCR
/// text of its photos (empty when there is none).
pub fn suggest_name(type_name: &str, title: &str, ocr_text: &str) -> NameSuggestion {
    let title = title.trim();
    let (title_material, title_party) = match title.rsplit_once(['-', '－']) {
        Some((material, party)) if !material.trim().is_empty() && !party.trim().is_empty() => {
            (material.trim(), Some(party.trim().to_string()))
        }
        _ => (title, None),
    };
    let material = if title_material.is_empty() {
        type_name.trim()
    } else {
        title_material
    };
    let party = title_party.or_else(|| party_from_text(ocr_text));
    let name = match &party {
        Some(party) => format!("{material}-{party}"),
        None => material.to_string(),
    };
    NameSuggestion {
        name,
        material: material.to_string(),
        party,
    }
}

/// Finds the party in OCR text and returns it as the court writes it: a person's given name
/// masked (`张某`), an organisation in full. `None` when no label is followed by a name.
pub fn party_from_text(text: &str) -> Option<String> {
    for label in PARTY_LABELS {
        let mut rest = text;
        while let Some(at) = rest.find(label) {
            let after = &rest[at + label.len()..];
            if let Some(name) = name_after_label(after) {
                return Some(mask_party(&name));
            }
            rest = after;
        }
    }
    None
}

/// Reads the name after a label: skips a bracketed note such as （姓名/名称） and a colon, then
/// takes Chinese characters up to the first delimiter.
fn name_after_label(after: &str) -> Option<String> {
    let mut text = after.trim_start();
    if let Some(stripped) = text.strip_prefix(['（', '(']) {
        let close = stripped.find(['）', ')'])?;
        text = &stripped[close + stripped[close..].chars().next()?.len_utf8()..];
    }
    let text = text.trim_start_matches([':', '：', ' ', '\u{3000}', '\t']);
    let name: String = text
        .chars()
        .take_while(|&c| is_name_char(c))
        .take(MAX_PARTY_CHARS + 1)
        .collect();
    let length = name.chars().count();
    if !(2..=MAX_PARTY_CHARS).contains(&length) {
        return None;
    }
    Some(name)
}

fn is_name_char(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·' || c == '（' || c == '）'
}

/// Writes a party as the court does: an organisation in full, a person as surname + 某.
pub fn mask_party(name: &str) -> String {
    let name = name.trim();
    if ORGANISATION_SUFFIXES
        .iter()
        .any(|suffix| name.ends_with(suffix))
    {
        return name.to_string();
    }
    // A person's name is two to four characters; a trailing 男 or 女 is the next field of a form.
    let name = name.trim_end_matches(['男', '女']);
    let surname = COMPOUND_SURNAMES
        .iter()
        .find(|surname| name.starts_with(*surname) && name.chars().count() > 2)
        .map(|surname| surname.to_string())
        .unwrap_or_else(|| name.chars().take(1).collect());
    format!("{surname}某")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEIZURE_RECORD_OCR: &str =
        "查封笔录\n时间：2026年12月2日9时30分\n地点：南阳市宛城区仲景路18号\n\
        执行人员：张警官、李警官\n被执行人：王建国，男，1975年3月出生\n\
        执行人员向被执行人宣读了（2026）豫13执123号执行裁定书……";

    #[test]
    fn name_from_title_and_ocr_party() {
        let suggestion = suggest_name("查封、扣押、冻结笔录", "查封笔录", SEIZURE_RECORD_OCR);
        assert_eq!(suggestion.name, "查封笔录-王某");
        assert_eq!(suggestion.material, "查封笔录");
        assert_eq!(suggestion.party.as_deref(), Some("王某"));
    }

    #[test]
    fn title_party_wins_over_ocr() {
        let suggestion = suggest_name("送达地址确认书", "送达地址确认书-张某", SEIZURE_RECORD_OCR);
        assert_eq!(suggestion.name, "送达地址确认书-张某");
    }

    #[test]
    fn type_name_is_used_without_title() {
        let suggestion = suggest_name("执行通知书", " ", "");
        assert_eq!(suggestion.name, "执行通知书");
        assert_eq!(suggestion.party, None);
    }

    #[test]
    fn parties_are_masked_as_the_court_writes_them() {
        assert_eq!(mask_party("张三"), "张某");
        assert_eq!(mask_party("欧阳娜娜"), "欧阳某");
        assert_eq!(mask_party("欧阳"), "欧某");
        assert_eq!(
            mask_party("南阳市宏达建材有限公司"),
            "南阳市宏达建材有限公司"
        );
    }

    #[test]
    fn party_labels_in_real_looking_text() {
        assert_eq!(
            party_from_text("被执行人（姓名/名称）：李红梅  身份证号码：……").as_deref(),
            Some("李某")
        );
        assert_eq!(
            party_from_text("申请执行人：赵六\n被执行人：南阳市宏达建材有限公司，住所地……")
                .as_deref(),
            Some("南阳市宏达建材有限公司")
        );
        assert_eq!(
            party_from_text("被询问人：刘德华男，汉族").as_deref(),
            Some("刘某")
        );
        assert_eq!(
            party_from_text("申请执行人：赵六，住南阳市").as_deref(),
            Some("赵某")
        );
        assert_eq!(party_from_text("本笔录共两页，经核对无误。"), None);
        assert_eq!(party_from_text("被执行人：\n"), None);
    }
}

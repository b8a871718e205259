//! Checking a handover (移送) against the team's material list (材料清单).
//!
//! The intake clerk (卷宗管理中心接收岗) records exactly one result for each item that is expected:
//! every live item of the list for a first receipt, or the items still outstanding for a
//! supplement (补交). Paper handed over that is not on the list is recorded as extra paper.
//! [`validate`] checks a whole check and returns its counts, or every problem found.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest 修改意见 accepted, in characters.
pub const MAX_CORRECTION_CHARS: usize = 500;
/// Maximum length of an extra paper's title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// Category of a 不规范 result, for the data manager's figures. The written 修改意见 gives the
/// detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// 缺少签名或盖章.
    MissingSignature,
    /// 内容不完整.
    Incomplete,
    /// 字迹或图像不清.
    Illegible,
    /// 应为原件.
    NotOriginal,
    /// 日期或案号错误.
    WrongDateOrNumber,
    /// 其他.
    Other,
}

impl RejectReason {
    /// Every reason, in the order figures list them.
    pub const ALL: [RejectReason; 6] = [
        RejectReason::MissingSignature,
        RejectReason::Incomplete,
        RejectReason::Illegible,
        RejectReason::NotOriginal,
        RejectReason::WrongDateOrNumber,
        RejectReason::Other,
    ];

    /// Returns the stable code used on the wire and in the database.
    pub fn code(self) -> &'static str {
        match self {
            RejectReason::MissingSignature => "missing_signature",
            RejectReason::Incomplete => "incomplete",
            RejectReason::Illegible => "illegible",
            RejectReason::NotOriginal => "not_original",
            RejectReason::WrongDateOrNumber => "wrong_date_or_number",
            RejectReason::Other => "other",
        }
    }

    /// Parses a stored code; `None` for an unknown code.
    pub fn from_code(code: &str) -> Option<RejectReason> {
        RejectReason::ALL
            .into_iter()
            .find(|reason| reason.code() == code)
    }

    /// Returns the Chinese name shown to people.
    pub fn name_zh(self) -> &'static str {
        match self {
            RejectReason::MissingSignature => "缺少签名或盖章",
            RejectReason::Incomplete => "内容不完整",
            RejectReason::Illegible => "字迹或图像不清",
            RejectReason::NotOriginal => "应为原件",
            RejectReason::WrongDateOrNumber => "日期或案号错误",
            RejectReason::Other => "其他",
        }
    }
}

/// The result of checking one listed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ItemResult {
    /// 已收: handed over as listed.
    Received,
    /// 缺失: listed but not handed over.
    Missing,
    /// 页数不符: handed over with another page count than listed.
    PageMismatch { counted_pages: i64 },
    /// 不规范: does not meet the standard; not signed for, returned with a 修改意见.
    Rejected {
        reason: RejectReason,
        correction: String,
    },
}

impl ItemResult {
    /// Returns the stable code of the result.
    pub fn code(&self) -> &'static str {
        match self {
            ItemResult::Received => "received",
            ItemResult::Missing => "missing",
            ItemResult::PageMismatch { .. } => "page_mismatch",
            ItemResult::Rejected { .. } => "rejected",
        }
    }

    /// Returns the Chinese name: 已收, 缺失, 页数不符 or 不规范.
    pub fn name_zh(&self) -> &'static str {
        match self {
            ItemResult::Received => "已收",
            ItemResult::Missing => "缺失",
            ItemResult::PageMismatch { .. } => "页数不符",
            ItemResult::Rejected { .. } => "不规范",
        }
    }

    /// Tells whether the center keeps the paper: received, possibly with another page count.
    pub fn is_kept(&self) -> bool {
        matches!(self, ItemResult::Received | ItemResult::PageMismatch { .. })
    }

    /// Tells whether the team still owes paper for the item: missing or rejected.
    pub fn is_outstanding(&self) -> bool {
        matches!(self, ItemResult::Missing | ItemResult::Rejected { .. })
    }
}

/// The result for one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCheck {
    pub item_id: Uuid,
    #[serde(flatten)]
    pub result: ItemResult,
}

/// Paper handed over that is not on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraPaper {
    /// Id made by the clerk's client.
    pub id: Uuid,
    pub title: String,
    /// Material type code, if the clerk chose one.
    pub material_type: Option<String>,
    pub page_count: i64,
}

/// A whole check of one handover.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HandoverCheck {
    pub items: Vec<ItemCheck>,
    #[serde(default)]
    pub extras: Vec<ExtraPaper>,
}

/// An item the check must cover: its id and its listed page count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedItem {
    pub item_id: Uuid,
    pub page_count: i64,
}

/// A problem in a check. Messages are Chinese, for the clerk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckProblem {
    #[error("材料 {0} 没有核对结果，每项材料都须记录一个结果")]
    NotChecked(Uuid),
    #[error("材料 {0} 记录了多个核对结果，每项材料只能有一个结果")]
    CheckedTwice(Uuid),
    #[error("材料 {0} 不在本次应核对的材料中")]
    NotExpected(Uuid),
    #[error("材料 {0} 标记为不规范，但没有填写修改意见")]
    CorrectionMissing(Uuid),
    #[error("材料 {0} 的修改意见超过 {MAX_CORRECTION_CHARS} 字")]
    CorrectionTooLong(Uuid),
    #[error("材料 {item_id} 的清点页数 {counted} 无效，应为 1 至 {MAX_PAGES}")]
    CountedPagesInvalid { item_id: Uuid, counted: i64 },
    #[error("材料 {0} 的清点页数与清单相同，应记为已收")]
    CountedPagesEqual(Uuid),
    #[error("清单外材料 {0} 没有标题")]
    ExtraTitleMissing(Uuid),
    #[error("清单外材料 {0} 的标题超过 {MAX_TITLE_CHARS} 字")]
    ExtraTitleTooLong(Uuid),
    #[error("清单外材料 {id} 的页数 {pages} 无效，应为 1 至 {MAX_PAGES}")]
    ExtraPagesInvalid { id: Uuid, pages: i64 },
    #[error("清单外材料 {id} 的材料类型“{material_type}”不在材料类型目录中")]
    ExtraTypeUnknown { id: Uuid, material_type: String },
    #[error("清单外材料编号 {0} 重复，或与清单内材料相同")]
    ExtraIdDuplicate(Uuid),
    #[error("本次核对没有任何材料")]
    Empty,
    #[error("清单外材料超过 {MAX_EXTRAS} 项，请分次登记")]
    TooManyExtras,
    #[error("材料 {0} 的修改意见或标题含有控制字符，请删除后重试")]
    ControlCharacter(Uuid),
}

/// Most pages one document may have, as for list items.
pub const MAX_PAGES: i64 = 10_000;

/// Most extra papers one check may record.
pub const MAX_EXTRAS: usize = 500;

/// Tells whether `text` contains a control character other than a line break or tab. PostgreSQL
/// cannot store NUL in text, and no other control character belongs in a court document's text.
pub fn has_control_character(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

impl CheckProblem {
    /// Returns the stable English code of the problem.
    pub fn code(&self) -> &'static str {
        match self {
            CheckProblem::NotChecked(_) => "CHECK_ITEM_NOT_CHECKED",
            CheckProblem::CheckedTwice(_) => "CHECK_ITEM_TWICE",
            CheckProblem::NotExpected(_) => "CHECK_ITEM_NOT_EXPECTED",
            CheckProblem::CorrectionMissing(_) => "CHECK_CORRECTION_MISSING",
            CheckProblem::CorrectionTooLong(_) => "CHECK_CORRECTION_TOO_LONG",
            CheckProblem::CountedPagesInvalid { .. } => "CHECK_COUNTED_PAGES_INVALID",
            CheckProblem::CountedPagesEqual(_) => "CHECK_COUNTED_PAGES_EQUAL",
            CheckProblem::ExtraTitleMissing(_) => "CHECK_EXTRA_TITLE_MISSING",
            CheckProblem::ExtraTitleTooLong(_) => "CHECK_EXTRA_TITLE_TOO_LONG",
            CheckProblem::ExtraPagesInvalid { .. } => "CHECK_EXTRA_PAGES_INVALID",
            CheckProblem::ExtraTypeUnknown { .. } => "CHECK_EXTRA_TYPE_UNKNOWN",
            CheckProblem::ExtraIdDuplicate(_) => "CHECK_EXTRA_ID_DUPLICATE",
            CheckProblem::Empty => "CHECK_EMPTY",
            CheckProblem::TooManyExtras => "CHECK_TOO_MANY_EXTRAS",
            CheckProblem::ControlCharacter(_) => "CHECK_CONTROL_CHARACTER",
        }
    }
}

/// Counts of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckCounts {
    /// 已收.
    pub received: u32,
    /// 缺失.
    pub missing: u32,
    /// 页数不符; the paper is kept.
    pub page_mismatch: u32,
    /// 不规范; the paper goes back to the team.
    pub rejected: u32,
    /// Paper not on the list.
    pub extra: u32,
}

impl CheckCounts {
    /// Counts the results and extras of a check, valid or not.
    pub fn of(check: &HandoverCheck) -> CheckCounts {
        let mut counts = CheckCounts {
            extra: check.extras.len() as u32,
            ..CheckCounts::default()
        };
        for item in &check.items {
            match item.result {
                ItemResult::Received => counts.received += 1,
                ItemResult::Missing => counts.missing += 1,
                ItemResult::PageMismatch { .. } => counts.page_mismatch += 1,
                ItemResult::Rejected { .. } => counts.rejected += 1,
            }
        }
        counts
    }

    /// Returns the number of documents the center keeps: received, mismatched and extra.
    pub fn kept(&self) -> u32 {
        self.received + self.page_mismatch + self.extra
    }
}

/// Checks a whole check against the expected items. `is_known_type` returns whether a material
/// type code exists. Returns the counts, or every problem found.
pub fn validate(
    expected: &[ExpectedItem],
    check: &HandoverCheck,
    is_known_type: impl Fn(&str) -> bool,
) -> Result<CheckCounts, Vec<CheckProblem>> {
    let mut problems = Vec::new();
    if check.items.is_empty() && check.extras.is_empty() {
        problems.push(CheckProblem::Empty);
    }

    let listed: BTreeMap<Uuid, i64> = expected
        .iter()
        .map(|item| (item.item_id, item.page_count))
        .collect();
    let mut seen = BTreeSet::new();
    for item in &check.items {
        if !seen.insert(item.item_id) {
            problems.push(CheckProblem::CheckedTwice(item.item_id));
            continue;
        }
        let Some(&listed_pages) = listed.get(&item.item_id) else {
            problems.push(CheckProblem::NotExpected(item.item_id));
            continue;
        };
        problems.extend(result_problem(item.item_id, &item.result, listed_pages));
    }
    for item in expected {
        if !seen.contains(&item.item_id) {
            problems.push(CheckProblem::NotChecked(item.item_id));
        }
    }

    if check.extras.len() > MAX_EXTRAS {
        problems.push(CheckProblem::TooManyExtras);
    }
    let mut extra_ids = BTreeSet::new();
    for extra in &check.extras {
        let texts = [Some(extra.title.as_str()), extra.material_type.as_deref()];
        if texts.into_iter().flatten().any(has_control_character) {
            problems.push(CheckProblem::ControlCharacter(extra.id));
        }
        if listed.contains_key(&extra.id) || !extra_ids.insert(extra.id) {
            problems.push(CheckProblem::ExtraIdDuplicate(extra.id));
        }
        let title = extra.title.trim();
        if title.is_empty() {
            problems.push(CheckProblem::ExtraTitleMissing(extra.id));
        } else if title.chars().count() > MAX_TITLE_CHARS {
            problems.push(CheckProblem::ExtraTitleTooLong(extra.id));
        }
        if !(1..=MAX_PAGES).contains(&extra.page_count) {
            problems.push(CheckProblem::ExtraPagesInvalid {
                id: extra.id,
                pages: extra.page_count,
            });
        }
        if let Some(material_type) = &extra.material_type {
            if !is_known_type(material_type) {
                problems.push(CheckProblem::ExtraTypeUnknown {
                    id: extra.id,
                    material_type: material_type.clone(),
                });
            }
        }
    }

    if problems.is_empty() {
        Ok(CheckCounts::of(check))
    } else {
        Err(problems)
    }
}

fn result_problem(item_id: Uuid, result: &ItemResult, listed_pages: i64) -> Option<CheckProblem> {
    match result {
        ItemResult::Received | ItemResult::Missing => None,
        ItemResult::PageMismatch { counted_pages } if !(1..=MAX_PAGES).contains(counted_pages) => {
            Some(CheckProblem::CountedPagesInvalid {
                item_id,
                counted: *counted_pages,
            })
        }
        ItemResult::PageMismatch { counted_pages } if *counted_pages == listed_pages => {
            Some(CheckProblem::CountedPagesEqual(item_id))
        }
        ItemResult::PageMismatch { .. } => None,
        ItemResult::Rejected { correction, .. } if correction.trim().is_empty() => {
            Some(CheckProblem::CorrectionMissing(item_id))
        }
        ItemResult::Rejected { correction, .. } if has_control_character(correction) => {
            Some(CheckProblem::ControlCharacter(item_id))
        }
        ItemResult::Rejected { correction, .. }
            if correction.trim().chars().count() > MAX_CORRECTION_CHARS =>
        {
            Some(CheckProblem::CorrectionTooLong(item_id))
        }
        ItemResult::Rejected { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn expected() -> Vec<ExpectedItem> {
        (1..=4)
            .map(|n| ExpectedItem {
                item_id: id(n),
                page_count: 3,
            })
            .collect()
    }

    fn known(code: &str) -> bool {
        code == "other" || code == "seizure_record"
    }

    fn full_check() -> HandoverCheck {
        HandoverCheck {
            items: vec![
                ItemCheck {
                    item_id: id(1),
                    result: ItemResult::Received,
                },
                ItemCheck {
                    item_id: id(2),
                    result: ItemResult::Missing,
                },
                ItemCheck {
                    item_id: id(3),
                    result: ItemResult::PageMismatch { counted_pages: 2 },
                },
                ItemCheck {
                    item_id: id(4),
                    result: ItemResult::Rejected {
                        reason: RejectReason::MissingSignature,
                        correction: "笔录末页缺少被执行人签名，请补签后重新移送".to_string(),
                    },
                },
            ],
            extras: vec![ExtraPaper {
                id: id(10),
                title: "情况说明".to_string(),
                material_type: Some("other".to_string()),
                page_count: 1,
            }],
        }
    }

    #[test]
    fn valid_check_is_counted() {
        let counts = validate(&expected(), &full_check(), known).expect("valid");
        assert_eq!(
            counts,
            CheckCounts {
                received: 1,
                missing: 1,
                page_mismatch: 1,
                rejected: 1,
                extra: 1
            }
        );
        assert_eq!(counts.kept(), 3);
    }

    fn codes(check: &HandoverCheck) -> Vec<&'static str> {
        let problems = validate(&expected(), check, known).expect_err("invalid");
        problems.iter().map(CheckProblem::code).collect()
    }

    #[test]
    fn unchecked_and_twice_checked_items_are_reported() {
        let mut check = full_check();
        check.items.remove(0);
        check.items.push(ItemCheck {
            item_id: id(2),
            result: ItemResult::Received,
        });
        check.items.push(ItemCheck {
            item_id: id(99),
            result: ItemResult::Received,
        });
        assert_eq!(
            codes(&check),
            [
                "CHECK_ITEM_TWICE",
                "CHECK_ITEM_NOT_EXPECTED",
                "CHECK_ITEM_NOT_CHECKED"
            ]
        );
    }

    #[test]
    fn rejection_needs_a_correction() {
        let mut check = full_check();
        check.items[3].result = ItemResult::Rejected {
            reason: RejectReason::Other,
            correction: "  ".into(),
        };
        assert_eq!(codes(&check), ["CHECK_CORRECTION_MISSING"]);
        check.items[3].result = ItemResult::Rejected {
            reason: RejectReason::Other,
            correction: "改".repeat(MAX_CORRECTION_CHARS + 1),
        };
        assert_eq!(codes(&check), ["CHECK_CORRECTION_TOO_LONG"]);
    }

    #[test]
    fn counted_pages_must_differ_and_be_positive() {
        let mut check = full_check();
        check.items[2].result = ItemResult::PageMismatch { counted_pages: 0 };
        assert_eq!(codes(&check), ["CHECK_COUNTED_PAGES_INVALID"]);
        check.items[2].result = ItemResult::PageMismatch { counted_pages: 3 };
        assert_eq!(codes(&check), ["CHECK_COUNTED_PAGES_EQUAL"]);
        check.items[2].result = ItemResult::PageMismatch { counted_pages: MAX_PAGES + 1 };
        assert_eq!(codes(&check), ["CHECK_COUNTED_PAGES_INVALID"]);
        check.items[2].result = ItemResult::PageMismatch { counted_pages: i64::MAX };
        assert_eq!(codes(&check), ["CHECK_COUNTED_PAGES_INVALID"]);
    }

    #[test]
    fn control_characters_and_too_many_extras_are_rejected() {
        let mut check = full_check();
        check.extras = (0..=MAX_EXTRAS as u128)
            .map(|n| ExtraPaper {
                id: id(1000 + n),
                title: "情况说明".into(),
                material_type: None,
                page_count: 1,
            })
            .collect();
        assert_eq!(codes(&check), ["CHECK_TOO_MANY_EXTRAS"]);

        check.extras.truncate(1);
        check.extras[0].title = "情况\u{0}说明".into();
        assert_eq!(codes(&check), ["CHECK_CONTROL_CHARACTER"]);
        check.extras[0].title = "情况说明\n第二行".into();
        assert!(validate(&expected(), &check, known).is_ok());
    }

    #[test]
    fn extras_are_checked() {
        let mut check = full_check();
        check.extras.push(ExtraPaper {
            id: id(10),
            title: " ".into(),
            material_type: Some("nope".into()),
            page_count: 0,
        });
        check.extras.push(ExtraPaper {
            id: id(1),
            title: "x".into(),
            material_type: None,
            page_count: 1,
        });
        assert_eq!(
            codes(&check),
            [
                "CHECK_EXTRA_ID_DUPLICATE",
                "CHECK_EXTRA_TITLE_MISSING",
                "CHECK_EXTRA_PAGES_INVALID",
                "CHECK_EXTRA_TYPE_UNKNOWN",
                "CHECK_EXTRA_ID_DUPLICATE",
            ]
        );
    }

    #[test]
    fn empty_check_is_rejected() {
        let problems = validate(&[], &HandoverCheck::default(), known).expect_err("empty");
        assert_eq!(problems, vec![CheckProblem::Empty]);
    }

    #[test]
    fn result_reads_from_json() {
        let json = r#"{"item_id":"00000000-0000-0000-0000-000000000003","result":"page_mismatch","counted_pages":5}"#;
        let check: ItemCheck = serde_json::from_str(json).expect("parses");
        assert_eq!(check.result, ItemResult::PageMismatch { counted_pages: 5 });
        assert!(check.result.is_kept());
        assert!(!check.result.is_outstanding());
        assert_eq!(
            RejectReason::from_code("not_original"),
            Some(RejectReason::NotOriginal)
        );
    }
}

//! The center's register (登记簿) of received paper.
//!
//! Every registration is an entry with a number unique per court and year, written like
//! `2026-接-000123`. The register is append-only:
//! - a receipt (接收) records the first check of a handed-over list;
//! - a supplement (补交) records the check of corrected or missing paper the team hands over
//!   later for the same list, and refers to the entry it completes;
//! - a correction (更正) replaces the check of an earlier entry and refers to it. An entry is
//!   corrected at most once, so corrections form a chain; the last entry of the chain contains the
//!   check that counts.
//!
//! A team may dispute a 修改意见 (requested correction); the director (执行局长) decides. A decision
//! that overturns the 修改意见 makes the item count as received.
//!
//! [`current_results`] folds a list's entries and decisions into the result that counts for each
//! item, which is what the team's tasks, the catalogue and the figures are built from.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::check::{CheckCounts, ExpectedItem, ExtraPaper, HandoverCheck, ItemResult};

/// The word in a receipt register number, 接 (received).
pub const RECEIPT_WORD: &str = "接";
/// Digits the serial is padded to.
pub const SERIAL_DIGITS: usize = 6;

/// A register number: year and serial, unique per court.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegisterNumber {
    pub year: i32,
    /// From 1 within the court and year.
    pub serial: u32,
}

impl fmt::Display for RegisterNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{RECEIPT_WORD}-{:0width$}",
            self.year,
            self.serial,
            width = SERIAL_DIGITS
        )
    }
}

/// A register number text that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("登记号“{0}”格式无效，应为 年份-接-六位序号，例如 2026-接-000123")]
pub struct RegisterNumberError(pub String);

impl FromStr for RegisterNumber {
    type Err = RegisterNumberError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || RegisterNumberError(text.to_string());
        let mut parts = text.trim().split('-');
        let (Some(year), Some(word), Some(serial), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if word != RECEIPT_WORD
            || year.len() != 4
            || !digits(year)
            || serial.len() < SERIAL_DIGITS
            || !digits(serial)
        {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let serial: u32 = serial.parse().map_err(|_| invalid())?;
        if serial == 0 {
            return Err(invalid());
        }
        Ok(RegisterNumber { year, serial })
    }
}

/// Whether a handover met its deadline. The deadline itself is computed by the server's
/// deadline code from the working-day calendar; this is its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Timeliness {
    /// 按时移送.
    OnTime,
    /// 逾期移送, with the working days after the last day of the period.
    Late { working_days_late: u32 },
    /// No deadline is known, for example because no return time was declared.
    NoDeadline,
}

impl Timeliness {
    /// Returns the Chinese description, such as 逾期移送（逾期 2 个工作日）.
    pub fn describe_zh(&self) -> String {
        match self {
            Timeliness::OnTime => "按时移送".to_string(),
            // The same wording as the hand-over deadline's state in `juanzong-calendar`.
            Timeliness::Late { working_days_late: 0 } => "逾期移送（期满后的休息日移送）".to_string(),
            Timeliness::Late { working_days_late } => {
                format!("逾期移送（逾期 {working_days_late} 个工作日）")
            }
            Timeliness::NoDeadline => "无移送期限".to_string(),
        }
    }

    /// Returns the working days late; 0 unless late.
    pub fn working_days_late(&self) -> u32 {
        match self {
            Timeliness::Late { working_days_late } => *working_days_late,
            _ => 0,
        }
    }
}

/// Kind of a register entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// 接收: the first check of a handed-over list.
    Receipt,
    /// 补交: paper handed over later for the same list.
    Supplement,
    /// 更正: replaces the check of an earlier entry.
    Correction,
}

impl EntryKind {
    /// Returns the stable code.
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Receipt => "receipt",
            EntryKind::Supplement => "supplement",
            EntryKind::Correction => "correction",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<EntryKind> {
        match code {
            "receipt" => Some(EntryKind::Receipt),
            "supplement" => Some(EntryKind::Supplement),
            "correction" => Some(EntryKind::Correction),
            _ => None,
        }
    }

    /// Returns the Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            EntryKind::Receipt => "接收",
            EntryKind::Supplement => "补交",
            EntryKind::Correction => "更正",
        }
    }
}

/// One entry of one list, as input to [`current_results`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub number: RegisterNumber,
    pub kind: EntryKind,
    /// The entry a supplement completes or a correction replaces.
    pub refers_to: Option<RegisterNumber>,
    pub check: HandoverCheck,
}

/// The director's decision on a disputed 修改意见.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisputeDecision {
    /// The entry whose 不规范 result was disputed.
    pub entry: RegisterNumber,
    pub item_id: Uuid,
    /// True when the 修改意见 remains in force; false when it is overturned.
    pub upheld: bool,
}

/// The result that counts for one item after all entries and decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentItem {
    pub result: ItemResult,
    /// The receipt or supplement whose check gave the result (the first entry of its chain).
    pub entry: RegisterNumber,
    /// True when the director overturned a 修改意见 and the item counts as received.
    pub overturned: bool,
}

/// A register entry that does not fit the entries before it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    #[error("登记簿中没有登记号 {0}")]
    EntryNotFound(RegisterNumber),
    #[error("登记 {0} 已被更正，请更正最新的那条更正登记")]
    AlreadyCorrected(RegisterNumber),
    #[error("此清单尚未登记接收，不能登记补交或更正")]
    NoReceipt,
    #[error("此清单已登记接收（{0}），请登记补交或更正")]
    AlreadyReceived(RegisterNumber),
    #[error("此清单没有缺失或不规范的材料，无需补交")]
    NothingOutstanding,
    #[error("登记 {0} 属于另一份清单")]
    OtherList(RegisterNumber),
}

impl RegisterError {
    /// Returns the stable English code.
    pub fn code(&self) -> &'static str {
        match self {
            RegisterError::EntryNotFound(_) => "REGISTER_ENTRY_NOT_FOUND",
            RegisterError::AlreadyCorrected(_) => "REGISTER_ENTRY_ALREADY_CORRECTED",
            RegisterError::NoReceipt => "REGISTER_NO_RECEIPT",
            RegisterError::AlreadyReceived(_) => "REGISTER_ALREADY_RECEIVED",
            RegisterError::NothingOutstanding => "REGISTER_NOTHING_OUTSTANDING",
            RegisterError::OtherList(_) => "REGISTER_OTHER_LIST",
        }
    }
}

/// Returns, for each receipt or supplement in `entries`, the check that counts: its own, or that
/// of the last correction in its chain. Entries must be in register order.
pub fn effective_checks(entries: &[EntryRecord]) -> Vec<(RegisterNumber, &HandoverCheck)> {
    let corrected_by: BTreeMap<RegisterNumber, &EntryRecord> = entries
        .iter()
        .filter(|entry| entry.kind == EntryKind::Correction)
        .filter_map(|entry| entry.refers_to.map(|target| (target, entry)))
        .collect();
    entries
        .iter()
        .filter(|entry| entry.kind != EntryKind::Correction)
        .map(|root| {
            let mut last = root;
            while let Some(next) = corrected_by.get(&last.number) {
                last = next;
            }
            (root.number, &last.check)
        })
        .collect()
}

/// Folds a list's entries (in register order) and the director's decisions into the result that
/// counts for each item. A later supplement's result replaces an earlier one.
pub fn current_results(
    entries: &[EntryRecord],
    decisions: &[DisputeDecision],
) -> BTreeMap<Uuid, CurrentItem> {
    let roots: BTreeMap<RegisterNumber, RegisterNumber> = chain_roots(entries);
    let mut current = BTreeMap::new();
    for (root, check) in effective_checks(entries) {
        for item in &check.items {
            current.insert(
                item.item_id,
                CurrentItem {
                    result: item.result.clone(),
                    entry: root,
                    overturned: false,
                },
            );
        }
    }
    for decision in decisions.iter().filter(|decision| !decision.upheld) {
        let root = roots
            .get(&decision.entry)
            .copied()
            .unwrap_or(decision.entry);
        if let Some(item) = current.get_mut(&decision.item_id) {
            if item.entry == root && matches!(item.result, ItemResult::Rejected { .. }) {
                item.result = ItemResult::Received;
                item.overturned = true;
            }
        }
    }
    current
}

/// Returns the extra papers that count: those of every receipt's and supplement's effective check.
pub fn current_extras(entries: &[EntryRecord]) -> Vec<&ExtraPaper> {
    effective_checks(entries)
        .into_iter()
        .flat_map(|(_, check)| check.extras.iter())
        .collect()
}

/// Counts what a list's register entries amount to now.
pub fn current_counts(entries: &[EntryRecord], decisions: &[DisputeDecision]) -> CheckCounts {
    let items: Vec<_> = current_results(entries, decisions)
        .into_iter()
        .map(|(item_id, current)| crate::check::ItemCheck {
            item_id,
            result: current.result,
        })
        .collect();
    let extras = current_extras(entries).into_iter().cloned().collect();
    CheckCounts::of(&HandoverCheck { items, extras })
}

/// Maps every entry number to the first entry of its correction chain.
fn chain_roots(entries: &[EntryRecord]) -> BTreeMap<RegisterNumber, RegisterNumber> {
    let mut roots = BTreeMap::new();
    for entry in entries {
        let root = match (entry.kind, entry.refers_to) {
            (EntryKind::Correction, Some(target)) => roots.get(&target).copied().unwrap_or(target),
            _ => entry.number,
        };
        roots.insert(entry.number, root);
    }
    roots
}

/// Returns the items a first receipt must check: every live item of the list.
pub fn expected_for_receipt(
    entries: &[EntryRecord],
    listed: &[ExpectedItem],
) -> Result<Vec<ExpectedItem>, RegisterError> {
    if let Some(receipt) = entries
        .iter()
        .find(|entry| entry.kind == EntryKind::Receipt)
    {
        return Err(RegisterError::AlreadyReceived(receipt.number));
    }
    Ok(listed.to_vec())
}

/// Returns the items a supplement must check: those still missing or rejected, after decisions.
pub fn expected_for_supplement(
    entries: &[EntryRecord],
    decisions: &[DisputeDecision],
    listed: &[ExpectedItem],
) -> Result<Vec<ExpectedItem>, RegisterError> {
    if !entries.iter().any(|entry| entry.kind == EntryKind::Receipt) {
        return Err(RegisterError::NoReceipt);
    }
    let current = current_results(entries, decisions);
    let outstanding: Vec<ExpectedItem> = listed
        .iter()
        .filter(|item| {
            current
                .get(&item.item_id)
                .is_some_and(|c| c.result.is_outstanding())
        })
        .copied()
        .collect();
    if outstanding.is_empty() {
        return Err(RegisterError::NothingOutstanding);
    }
    Ok(outstanding)
}

/// Returns the items a correction of `target` must check: the items the target's chain checked.
/// Fails when the target is unknown or already corrected.
pub fn expected_for_correction(
    entries: &[EntryRecord],
    target: RegisterNumber,
    listed: &[ExpectedItem],
) -> Result<Vec<ExpectedItem>, RegisterError> {
    let entry = entries
        .iter()
        .find(|entry| entry.number == target)
        .ok_or(RegisterError::EntryNotFound(target))?;
    let corrected = entries
        .iter()
        .any(|other| other.kind == EntryKind::Correction && other.refers_to == Some(target));
    if corrected {
        return Err(RegisterError::AlreadyCorrected(target));
    }
    let pages: BTreeMap<Uuid, i64> = listed
        .iter()
        .map(|item| (item.item_id, item.page_count))
        .collect();
    Ok(entry
        .check
        .items
        .iter()
        .map(|item| ExpectedItem {
            item_id: item.item_id,
            page_count: pages.get(&item.item_id).copied().unwrap_or(0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{ItemCheck, RejectReason};

    fn number(serial: u32) -> RegisterNumber {
        RegisterNumber { year: 2026, serial }
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn rejected() -> ItemResult {
        ItemResult::Rejected {
            reason: RejectReason::MissingSignature,
            correction: "缺少被执行人签名".to_string(),
        }
    }

    fn entry(
        serial: u32,
        kind: EntryKind,
        refers_to: Option<u32>,
        items: Vec<(u128, ItemResult)>,
    ) -> EntryRecord {
        EntryRecord {
            number: number(serial),
            kind,
            refers_to: refers_to.map(number),
            check: HandoverCheck {
                items: items
                    .into_iter()
                    .map(|(n, result)| ItemCheck {
                        item_id: id(n),
                        result,
                    })
                    .collect(),
                extras: Vec::new(),
            },
        }
    }

    fn listed() -> Vec<ExpectedItem> {
        (1..=3)
            .map(|n| ExpectedItem {
                item_id: id(n),
                page_count: 2,
            })
            .collect()
    }

    #[test]
    fn number_formats_and_parses() {
        assert_eq!(number(123).to_string(), "2026-接-000123");
        assert_eq!("2026-接-000123".parse(), Ok(number(123)));
        assert_eq!("2026-接-1234567".parse(), Ok(number(1_234_567)));
        for bad in [
            "2026-收-000123",
            "26-接-000123",
            "2026-接-123",
            "2026-接-000000",
            "2026-接-00012a",
            "2026-接-000123-1",
        ] {
            assert!(bad.parse::<RegisterNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn timeliness_describes_itself() {
        assert_eq!(
            Timeliness::Late {
                working_days_late: 2
            }
            .describe_zh(),
            "逾期移送（逾期 2 个工作日）"
        );
        assert_eq!(Timeliness::OnTime.working_days_late(), 0);
    }

    #[test]
    fn supplement_replaces_outstanding_results() {
        let entries = vec![
            entry(
                1,
                EntryKind::Receipt,
                None,
                vec![
                    (1, ItemResult::Received),
                    (2, ItemResult::Missing),
                    (3, rejected()),
                ],
            ),
            entry(
                4,
                EntryKind::Supplement,
                Some(1),
                vec![(2, ItemResult::Received), (3, ItemResult::Received)],
            ),
        ];
        let current = current_results(&entries, &[]);
        assert!(current.values().all(|c| c.result == ItemResult::Received));
        assert_eq!(current[&id(2)].entry, number(4));
        let error = expected_for_supplement(&entries, &[], &listed()).expect_err("nothing left");
        assert_eq!(error, RegisterError::NothingOutstanding);
    }

    #[test]
    fn supplement_expects_only_outstanding_items() {
        let entries = vec![entry(
            1,
            EntryKind::Receipt,
            None,
            vec![
                (1, ItemResult::Received),
                (2, ItemResult::Missing),
                (3, rejected()),
            ],
        )];
        let expected = expected_for_supplement(&entries, &[], &listed()).expect("outstanding");
        let ids: Vec<Uuid> = expected.iter().map(|item| item.item_id).collect();
        assert_eq!(ids, [id(2), id(3)]);
        assert_eq!(
            expected_for_supplement(&[], &[], &listed()),
            Err(RegisterError::NoReceipt)
        );
        assert_eq!(
            expected_for_receipt(&entries, &listed()),
            Err(RegisterError::AlreadyReceived(number(1)))
        );
    }

    #[test]
    fn correction_chain_counts_its_last_entry() {
        let entries = vec![
            entry(
                1,
                EntryKind::Receipt,
                None,
                vec![(1, ItemResult::Received), (2, ItemResult::Missing)],
            ),
            entry(
                2,
                EntryKind::Correction,
                Some(1),
                vec![
                    (1, ItemResult::Received),
                    (2, ItemResult::PageMismatch { counted_pages: 3 }),
                ],
            ),
            entry(
                3,
                EntryKind::Correction,
                Some(2),
                vec![(1, ItemResult::Received), (2, ItemResult::Received)],
            ),
        ];
        let current = current_results(&entries, &[]);
        assert_eq!(current[&id(2)].result, ItemResult::Received);
        assert_eq!(current[&id(2)].entry, number(1));
        assert_eq!(
            expected_for_correction(&entries, number(1), &listed()),
            Err(RegisterError::AlreadyCorrected(number(1)))
        );
        let expected = expected_for_correction(&entries, number(3), &listed())
            .expect("latest may be corrected");
        assert_eq!(expected.len(), 2);
        assert_eq!(
            expected_for_correction(&entries, number(9), &listed()),
            Err(RegisterError::EntryNotFound(number(9)))
        );
    }

    #[test]
    fn correction_before_supplement_keeps_supplement_result() {
        let entries = vec![
            entry(
                1,
                EntryKind::Receipt,
                None,
                vec![(1, ItemResult::Received), (2, ItemResult::Missing)],
            ),
            entry(
                2,
                EntryKind::Supplement,
                Some(1),
                vec![(2, ItemResult::Received)],
            ),
            entry(
                3,
                EntryKind::Correction,
                Some(1),
                vec![
                    (1, ItemResult::PageMismatch { counted_pages: 1 }),
                    (2, ItemResult::Missing),
                ],
            ),
        ];
        let current = current_results(&entries, &[]);
        assert_eq!(
            current[&id(1)].result,
            ItemResult::PageMismatch { counted_pages: 1 }
        );
        assert_eq!(
            current[&id(2)].result,
            ItemResult::Received,
            "the supplement came later in filing order"
        );
    }

    #[test]
    fn overturned_dispute_counts_as_received() {
        let entries = vec![entry(
            1,
            EntryKind::Receipt,
            None,
            vec![(1, rejected()), (2, rejected())],
        )];
        let decisions = [
            DisputeDecision {
                entry: number(1),
                item_id: id(1),
                upheld: false,
            },
            DisputeDecision {
                entry: number(1),
                item_id: id(2),
                upheld: true,
            },
        ];
        let current = current_results(&entries, &decisions);
        assert_eq!(current[&id(1)].result, ItemResult::Received);
        assert!(current[&id(1)].overturned);
        assert_eq!(current[&id(2)].result, rejected());
        let counts = current_counts(&entries, &decisions);
        assert_eq!(counts.received, 1);
        assert_eq!(counts.rejected, 1);
    }
}

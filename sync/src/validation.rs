//! The rules for material lists, shared by the server and the phone client so both reject the same
//! things with the same codes.
//!
//! Two kinds of rule, both pure functions over snapshots:
//! - [`validate_list`] checks one list on its own (is it complete and well-formed for its stage?)
//!   and returns every violation, for the phone to show and for the hand-over check.
//! - [`review_change`] compares the server's snapshot before a device's edits with the snapshot
//!   after them, returns the edits that no device may make, and the state that undoes them while
//!   keeping every other edit ([`check_change`] returns the violations only).
//!
//! Every [`Violation`] has a stable English code and a Chinese message shown to users as it is.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case_number::CaseNumber;
use crate::materials::Catalogue;
use crate::model::{Item, ItemField, ListField, MaterialList, Status};

/// Maximum page count of one material. No single paper document of an enforcement case comes near
/// it, so a larger count is a typing error.
pub const MAX_PAGE_COUNT: i64 = 10_000;

/// Role of the device that sent an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A field team's device (执行实施团队 or 财产处置团队).
    Field,
    /// A device or user of the case-file center (卷宗管理中心).
    Center,
}

/// Stable codes of the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleCode {
    // Rules of one list.
    CaseNumberInvalid,
    TeamIdMissing,
    TripDateMissing,
    TripPlaceMissing,
    ParticipantsMissing,
    ReturnTimeMissing,
    ReturnTimeBeforeTrip,
    ItemsEmpty,
    HandOverRecordMissing,
    ReceiptRecordMissing,
    MaterialTypeUnknown,
    MaterialTypeWrongTeam,
    PageCountOutOfRange,
    PhotoHashInvalid,
    PhotoDuplicate,
    TitleMissing,
    ProducedOnMissing,
    ProducedOnAfterTrip,
    CatalogueUnavailable,
    // Rules of a change.
    ListFrozen,
    StatusBackwards,
    CenterOnly,
    ImmutableField,
    RemovalPermanent,
    ItemDeleted,
    HandOverInvalid,
}

impl RuleCode {
    /// Returns the code as written in JSON bodies and logs, such as `LIST_FROZEN`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCode::CaseNumberInvalid => "CASE_NUMBER_INVALID",
            RuleCode::TeamIdMissing => "TEAM_ID_MISSING",
            RuleCode::TripDateMissing => "TRIP_DATE_MISSING",
            RuleCode::TripPlaceMissing => "TRIP_PLACE_MISSING",
            RuleCode::ParticipantsMissing => "PARTICIPANTS_MISSING",
            RuleCode::ReturnTimeMissing => "RETURN_TIME_MISSING",
            RuleCode::ReturnTimeBeforeTrip => "RETURN_TIME_BEFORE_TRIP",
            RuleCode::ItemsEmpty => "ITEMS_EMPTY",
            RuleCode::HandOverRecordMissing => "HAND_OVER_RECORD_MISSING",
            RuleCode::ReceiptRecordMissing => "RECEIPT_RECORD_MISSING",
            RuleCode::MaterialTypeUnknown => "MATERIAL_TYPE_UNKNOWN",
            RuleCode::MaterialTypeWrongTeam => "MATERIAL_TYPE_WRONG_TEAM",
            RuleCode::PageCountOutOfRange => "PAGE_COUNT_OUT_OF_RANGE",
            RuleCode::PhotoHashInvalid => "PHOTO_HASH_INVALID",
            RuleCode::PhotoDuplicate => "PHOTO_DUPLICATE",
            RuleCode::TitleMissing => "TITLE_MISSING",
            RuleCode::ProducedOnMissing => "PRODUCED_ON_MISSING",
            RuleCode::ProducedOnAfterTrip => "PRODUCED_ON_AFTER_TRIP",
            RuleCode::CatalogueUnavailable => "CATALOGUE_UNAVAILABLE",
            RuleCode::ListFrozen => "LIST_FROZEN",
            RuleCode::StatusBackwards => "STATUS_BACKWARDS",
            RuleCode::CenterOnly => "CENTER_ONLY",
            RuleCode::ImmutableField => "IMMUTABLE_FIELD",
            RuleCode::RemovalPermanent => "REMOVAL_PERMANENT",
            RuleCode::ItemDeleted => "ITEM_DELETED",
            RuleCode::HandOverInvalid => "HAND_OVER_INVALID",
        }
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub code: RuleCode,
    /// Chinese message shown to users as it is.
    pub message: String,
    /// Item the rule is about, if any.
    pub item_id: Option<Uuid>,
}

impl Violation {
    fn new(code: RuleCode, message: impl Into<String>) -> Violation {
        Violation {
            code,
            message: message.into(),
            item_id: None,
        }
    }

    fn item(code: RuleCode, item: &Item, message: impl Into<String>) -> Violation {
        Violation {
            code,
            message: message.into(),
            item_id: Some(item.id),
        }
    }
}

/// Tells whether a text is a SHA-256 hash written as 64 lowercase hexadecimal characters.
pub fn is_photo_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks one list against the embedded catalogue; see [`validate_list`].
pub fn validate_with_builtin(list: &MaterialList) -> Vec<Violation> {
    match Catalogue::builtin() {
        Ok(catalogue) => validate_list(list, catalogue),
        Err(error) => vec![Violation::new(
            RuleCode::CatalogueUnavailable,
            format!("材料类型目录无法读取：{error}"),
        )],
    }
}

/// Checks one list on its own and returns every violation, in a stable order: list rules first,
/// then item rules by item id.
///
/// Which rules apply depends on the stage. Always: a valid case number, a team, and for every item
/// not removed a known material type of the list's team kind, a title, a page count within
/// 1..=[`MAX_PAGE_COUNT`] and well-formed, distinct photo hashes. From 已返回单位 on: the trip
/// date, place and participants, the declared return time (not before the trip date) and each
/// item's production date (not after the return time). From 已移送 on: at least one item and the
/// hand-over record. At 已接收: the receipt record. Removed items are not checked.
pub fn validate_list(list: &MaterialList, catalogue: &Catalogue) -> Vec<Violation> {
    let mut violations = Vec::new();
    check_header(list, &mut violations);
    if list.status >= Status::Returned {
        check_return(list, &mut violations);
    }
    if list.status >= Status::HandedOver {
        check_hand_over(list, &mut violations);
    }
    for item in list.items.values().filter(|item| !item.is_removed()) {
        check_item(list, item, catalogue, &mut violations);
    }
    violations
}

fn check_header(list: &MaterialList, violations: &mut Vec<Violation>) {
    if let Err(error) = CaseNumber::parse(&list.case_number) {
        violations.push(Violation::new(
            RuleCode::CaseNumberInvalid,
            error.to_string(),
        ));
    }
    if list.team_id.trim().is_empty() {
        violations.push(Violation::new(
            RuleCode::TeamIdMissing,
            "清单未填写所属团队",
        ));
    }
}

fn check_return(list: &MaterialList, violations: &mut Vec<Violation>) {
    if list.trip.date.is_none() {
        violations.push(Violation::new(RuleCode::TripDateMissing, "未填写外出日期"));
    }
    if list.trip.place.trim().is_empty() {
        violations.push(Violation::new(RuleCode::TripPlaceMissing, "未填写外出地点"));
    }
    if list.trip.participants.iter().all(|p| p.trim().is_empty()) {
        violations.push(Violation::new(
            RuleCode::ParticipantsMissing,
            "未填写参与人员",
        ));
    }
    match (list.declared_return_at, list.trip.date) {
        (None, _) => violations.push(Violation::new(
            RuleCode::ReturnTimeMissing,
            "未填写返回单位时间",
        )),
        (Some(returned), Some(trip)) if returned.date_naive() < trip => violations.push(
            Violation::new(RuleCode::ReturnTimeBeforeTrip, "返回单位时间早于外出日期"),
        ),
        _ => {}
    }
}

fn check_hand_over(list: &MaterialList, violations: &mut Vec<Violation>) {
    if list.live_items().is_empty() {
        violations.push(Violation::new(RuleCode::ItemsEmpty, "清单中没有材料"));
    }
    if list.handed_over_by.is_none() || list.handed_over_at.is_none() {
        violations.push(Violation::new(
            RuleCode::HandOverRecordMissing,
            "清单已移送，但缺少移送人或移送时间",
        ));
    }
    if list.status == Status::Received && (list.received_by.is_none() || list.received_at.is_none())
    {
        violations.push(Violation::new(
            RuleCode::ReceiptRecordMissing,
            "清单已接收，但缺少接收人或接收时间",
        ));
    }
}

fn check_item(
    list: &MaterialList,
    item: &Item,
    catalogue: &Catalogue,
    violations: &mut Vec<Violation>,
) {
    let label = item_label(item);
    match catalogue.get(&item.material_type) {
        None => violations.push(Violation::item(
            RuleCode::MaterialTypeUnknown,
            item,
            format!("{label}的材料类型“{}”不存在", item.material_type),
        )),
        Some(material_type) if !material_type.is_produced_by(list.kind) => {
            violations.push(Violation::item(
                RuleCode::MaterialTypeWrongTeam,
                item,
                format!(
                    "{label}的材料类型“{}”不属于{}团队",
                    material_type.name,
                    list.kind.name_zh()
                ),
            ))
        }
        Some(_) => {}
    }
    if item.title.trim().is_empty() {
        violations.push(Violation::item(
            RuleCode::TitleMissing,
            item,
            format!("{label}未填写标题"),
        ));
    }
    if !(1..=MAX_PAGE_COUNT).contains(&item.page_count) {
        violations.push(Violation::item(
            RuleCode::PageCountOutOfRange,
            item,
            format!(
                "{label}的页数 {} 无效，应为 1 至 {MAX_PAGE_COUNT}",
                item.page_count
            ),
        ));
    }
    check_photos(item, &label, violations);
    if list.status >= Status::Returned {
        check_produced_on(list, item, &label, violations);
    }
}

fn check_photos(item: &Item, label: &str, violations: &mut Vec<Violation>) {
    let mut seen = BTreeSet::new();
    for (index, hash) in item.photos.iter().enumerate() {
        let page = index + 1;
        if !is_photo_hash(hash) {
            violations.push(Violation::item(
                RuleCode::PhotoHashInvalid,
                item,
                format!("{label}第 {page} 页照片的哈希“{hash}”无效，应为 64 位小写十六进制"),
            ));
        } else if !seen.insert(hash.as_str()) {
            violations.push(Violation::item(
                RuleCode::PhotoDuplicate,
                item,
                format!("{label}第 {page} 页照片与前面的照片重复"),
            ));
        }
    }
}

fn check_produced_on(
    list: &MaterialList,
    item: &Item,
    label: &str,
    violations: &mut Vec<Violation>,
) {
    let Some(produced_on) = item.produced_on else {
        violations.push(Violation::item(
            RuleCode::ProducedOnMissing,
            item,
            format!("{label}未填写形成日期"),
        ));
        return;
    };
    let latest: Option<NaiveDate> = list.declared_return_at.map(|t| t.date_naive());
    if latest.is_some_and(|latest| produced_on > latest) {
        violations.push(Violation::item(
            RuleCode::ProducedOnAfterTrip,
            item,
            format!("{label}的形成日期晚于返回单位时间"),
        ));
    }
}

/// Names an item in messages by its title, or by its id when it has none.
fn item_label(item: &Item) -> String {
    if item.title.trim().is_empty() {
        format!("材料 {}", item.id)
    } else {
        format!("材料“{}”", item.title)
    }
}

/// Result of [`review_change`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeReview {
    /// Rule-breaking edits, in a stable order: status rules, list fields, then items by id.
    pub violations: Vec<Violation>,
    /// `after` with every rule-breaking edit undone and every allowed edit kept. Equal to `after`
    /// when there is no violation.
    pub allowed: MaterialList,
}

/// Finds the edits between two snapshots of one list that `role` may not make; see
/// [`review_change`] for the rules.
pub fn check_change(
    before: &MaterialList,
    after: &MaterialList,
    role: Role,
    catalogue: &Catalogue,
) -> Vec<Violation> {
    review_change(before, after, role, catalogue).violations
}

/// Finds the edits between two snapshots of one list that `role` may not make, and the state that
/// keeps every other edit. `before` is the server's snapshot, `after` the one with the device's
/// changes merged in.
///
/// Rules:
/// - `STATUS_BACKWARDS`: the status never moves back.
/// - `CENTER_ONLY`: only the center sets 已接收 and the receipt record. A field device that
///   handed a list over and marked it received in one go keeps the hand-over.
/// - `IMMUTABLE_FIELD`: these never change: the list id, team, team kind, creation record and each
///   item's adding record. The case number and the hand-over record are fixed from 已移送 on, and
///   the receipt record from 已接收 on.
/// - `LIST_FROZEN`: once `before` is 已移送 or 已接收, no item may be added, changed or removed and
///   the trip and declared return time may not change. The center is bound too, because it
///   requests corrections in writing (修改意见) instead of editing a received list.
/// - `REMOVAL_PERMANENT`: a removed item stays removed, with the same removal record.
/// - `ITEM_DELETED`: an item is never erased from the list, only marked removed.
/// - `HAND_OVER_INVALID`: a list that reaches 已移送 must pass [`validate_list`]; otherwise it goes
///   back to the status it had in `before`.
pub fn review_change(
    before: &MaterialList,
    after: &MaterialList,
    role: Role,
    catalogue: &Catalogue,
) -> ChangeReview {
    let mut review = ChangeReview {
        violations: Vec::new(),
        allowed: after.clone(),
    };
    review_status(before, after, role, &mut review);
    review_immutable_fields(before, after, &mut review);
    if before.status.is_frozen() {
        review_frozen(before, after, &mut review);
    } else {
        review_items(before, after, &mut review);
    }
    review_hand_over(before, catalogue, &mut review);
    review
}

impl ChangeReview {
    fn push(&mut self, code: RuleCode, message: String, item_id: Option<Uuid>) {
        self.violations.push(Violation {
            code,
            message,
            item_id,
        });
    }

    /// Sets list fields of `allowed` back to their values in `source`.
    fn restore_fields(&mut self, source: &MaterialList, fields: &[ListField]) {
        for field in fields {
            copy_list_field(source, &mut self.allowed, *field);
        }
    }
}

/// Copies one list field from `source` to `target`.
fn copy_list_field(source: &MaterialList, target: &mut MaterialList, field: ListField) {
    match field {
        ListField::ListId => target.list_id = source.list_id,
        ListField::CaseNumber => target.case_number.clone_from(&source.case_number),
        ListField::TeamId => target.team_id.clone_from(&source.team_id),
        ListField::Kind => target.kind = source.kind,
        ListField::TripDate => target.trip.date = source.trip.date,
        ListField::TripPlace => target.trip.place.clone_from(&source.trip.place),
        ListField::TripParticipants => target
            .trip
            .participants
            .clone_from(&source.trip.participants),
        ListField::Status => target.status = source.status,
        ListField::DeclaredReturnAt => target.declared_return_at = source.declared_return_at,
        ListField::HandedOverBy => target.handed_over_by.clone_from(&source.handed_over_by),
        ListField::HandedOverAt => target.handed_over_at = source.handed_over_at,
        ListField::ReceivedBy => target.received_by.clone_from(&source.received_by),
        ListField::ReceivedAt => target.received_at = source.received_at,
        ListField::CreatedBy => target.created_by.clone_from(&source.created_by),
        ListField::CreatedAt => target.created_at = source.created_at,
    }
}

const HAND_OVER_RECORD: [ListField; 2] = [ListField::HandedOverBy, ListField::HandedOverAt];
const RECEIPT_RECORD: [ListField; 2] = [ListField::ReceivedBy, ListField::ReceivedAt];

fn changed(before: &MaterialList, after: &MaterialList, fields: &[ListField]) -> bool {
    fields.iter().any(|field| !field.is_equal(before, after))
}

fn review_status(
    before: &MaterialList,
    after: &MaterialList,
    role: Role,
    review: &mut ChangeReview,
) {
    if after.status < before.status {
        review.push(
            RuleCode::StatusBackwards,
            format!(
                "清单状态不能从“{}”退回“{}”，已恢复为“{}”",
                before.status, after.status, before.status
            ),
            None,
        );
        review.restore_fields(before, &[ListField::Status]);
        review.restore_fields(before, &HAND_OVER_RECORD);
        review.restore_fields(before, &RECEIPT_RECORD);
        return;
    }

    let receipt_changed = changed(before, after, &RECEIPT_RECORD);
    let received_now = after.status == Status::Received && before.status != Status::Received;
    if role == Role::Field && (received_now || receipt_changed) {
        review.push(
            RuleCode::CenterOnly,
            "只有卷宗管理中心可以将清单标记为已接收".to_string(),
            None,
        );
        review.restore_fields(before, &RECEIPT_RECORD);
        if received_now {
            review.allowed.status = before.status.max(Status::HandedOver);
        }
    } else if before.status == Status::Received && receipt_changed {
        review.push(
            RuleCode::ImmutableField,
            "接收人和接收时间不能修改，已恢复原值".to_string(),
            None,
        );
        review.restore_fields(before, &RECEIPT_RECORD);
    }

    if before.status.is_frozen() && changed(before, after, &HAND_OVER_RECORD) {
        review.push(
            RuleCode::ImmutableField,
            "移送人和移送时间不能修改，已恢复原值".to_string(),
            None,
        );
        review.restore_fields(before, &HAND_OVER_RECORD);
    }
}

fn review_immutable_fields(before: &MaterialList, after: &MaterialList, review: &mut ChangeReview) {
    let mut fixed = vec![
        ListField::ListId,
        ListField::TeamId,
        ListField::Kind,
        ListField::CreatedBy,
        ListField::CreatedAt,
    ];
    if before.status.is_frozen() {
        fixed.push(ListField::CaseNumber);
    }
    for field in fixed {
        if field.is_equal(before, after) {
            continue;
        }
        let message = if field == ListField::CaseNumber {
            format!("清单{}，案号不能再修改，已恢复原值", before.status)
        } else {
            format!("{}不能修改，已恢复原值", field.name_zh())
        };
        review.push(RuleCode::ImmutableField, message, None);
        review.restore_fields(before, &[field]);
    }
}

fn review_frozen(before: &MaterialList, after: &MaterialList, review: &mut ChangeReview) {
    let frozen_message = format!("清单{}，不能再修改", before.status);
    let content = [
        ListField::TripDate,
        ListField::TripPlace,
        ListField::TripParticipants,
        ListField::DeclaredReturnAt,
    ];
    let changed_fields: Vec<ListField> = content
        .into_iter()
        .filter(|field| !field.is_equal(before, after))
        .collect();
    if !changed_fields.is_empty() {
        review.push(RuleCode::ListFrozen, frozen_message.clone(), None);
        review.restore_fields(before, &changed_fields);
    }

    let ids: BTreeSet<Uuid> = before
        .items
        .keys()
        .chain(after.items.keys())
        .copied()
        .collect();
    for id in ids {
        let (old, new) = (before.items.get(&id), after.items.get(&id));
        let what = match (old, new) {
            (Some(old), Some(new)) if old == new => continue,
            (None, Some(item)) => format!("新增的{}已撤销", item_label(item)),
            (Some(item), None) => format!("{}已恢复", item_label(item)),
            (Some(item), Some(_)) => format!("对{}的修改已撤销", item_label(item)),
            (None, None) => continue,
        };
        review.push(
            RuleCode::ListFrozen,
            format!("{frozen_message}，{what}"),
            Some(id),
        );
        match old {
            Some(item) => review.allowed.items.insert(id, item.clone()),
            None => review.allowed.items.remove(&id),
        };
    }
}

/// Checks item edits of a list that is not frozen.
fn review_items(before: &MaterialList, after: &MaterialList, review: &mut ChangeReview) {
    for (id, old) in &before.items {
        let Some(new) = after.items.get(id) else {
            review.push(
                RuleCode::ItemDeleted,
                format!("{}只能标记删除，不能从清单中抹去，已恢复", item_label(old)),
                Some(*id),
            );
            review.allowed.items.insert(*id, old.clone());
            continue;
        };
        let Some(allowed) = review.allowed.items.get_mut(id) else {
            continue;
        };

        let adding_changed =
            !ItemField::AddedBy.is_equal(old, new) || !ItemField::AddedAt.is_equal(old, new);
        if adding_changed {
            allowed.added_by.clone_from(&old.added_by);
            allowed.added_at = old.added_at;
            review.violations.push(Violation {
                code: RuleCode::ImmutableField,
                message: format!("{}的添加人和添加时间不能修改，已恢复原值", item_label(old)),
                item_id: Some(*id),
            });
        }

        let removal_changed =
            !ItemField::RemovedBy.is_equal(old, new) || !ItemField::RemovedAt.is_equal(old, new);
        if old.is_removed() && removal_changed {
            allowed.removed_by.clone_from(&old.removed_by);
            allowed.removed_at = old.removed_at;
            review.violations.push(Violation {
                code: RuleCode::RemovalPermanent,
                message: format!("{}已删除，不能恢复；如仍需要，请重新添加", item_label(old)),
                item_id: Some(*id),
            });
        }
    }
}

/// Sends a list that reaches 已移送 without passing [`validate_list`] back to its old status.
fn review_hand_over(before: &MaterialList, catalogue: &Catalogue, review: &mut ChangeReview) {
    if before.status.is_frozen() || !review.allowed.status.is_frozen() {
        return;
    }
    let problems = validate_list(&review.allowed, catalogue);
    let Some(first) = problems.first() else {
        return;
    };
    let message = format!(
        "清单未通过检查，已退回为“{}”：{}",
        before.status, first.message
    );
    review.push(RuleCode::HandOverInvalid, message, None);
    review.restore_fields(before, &[ListField::Status]);
    review.restore_fields(before, &HAND_OVER_RECORD);
    review.restore_fields(before, &RECEIPT_RECORD);
}

#[cfg(test)]
mod tests;

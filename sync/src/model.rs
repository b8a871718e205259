//! Plain-Rust snapshot of one material list (材料清单), read from its Automerge document.
//!
//! A [`MaterialList`] is what the server turns into relational rows and what both sides show as
//! JSON. It is a faithful copy of the document, not a validated value. A wrong value a device wrote
//! (a page count of 0, a malformed photo hash, an unknown material type) is kept as it is, so that
//! [`crate::validation`] can report it. Only values of the wrong Automerge type or unparseable
//! dates fail to read.
//!
//! Invariants: `items` is keyed by the item id stored inside each [`Item`], and an item removed by
//! a user stays in `items` with `removed_by` and `removed_at` set (a tombstone).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case_number::{CaseNumber, CaseNumberError};

/// Kind of team that keeps a list: 执行实施团队 (field enforcement) or 财产处置团队 (asset disposal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamKind {
    /// 执行实施团队.
    Enforcement,
    /// 财产处置团队.
    AssetDisposal,
}

impl TeamKind {
    /// Returns the stable code stored in documents and data files.
    pub fn code(self) -> &'static str {
        match self {
            TeamKind::Enforcement => "enforcement",
            TeamKind::AssetDisposal => "asset_disposal",
        }
    }

    /// Parses a stored code; `None` for an unknown code.
    pub fn from_code(code: &str) -> Option<TeamKind> {
        match code {
            "enforcement" => Some(TeamKind::Enforcement),
            "asset_disposal" => Some(TeamKind::AssetDisposal),
            _ => None,
        }
    }

    /// Returns the Chinese name shown to users.
    pub fn name_zh(self) -> &'static str {
        match self {
            TeamKind::Enforcement => "执行实施",
            TeamKind::AssetDisposal => "财产处置",
        }
    }
}

/// Stage of a list. The order of the variants is the only allowed direction of travel:
/// 草稿 → 已返回单位 → 已移送 → 已接收.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 草稿: the team is still in the field or still writing the list.
    Draft,
    /// 已返回单位: the team is back at the court and has declared its return time.
    Returned,
    /// 已移送: the paper and the list were handed over to the case-file center (卷宗管理中心).
    HandedOver,
    /// 已接收: the center received the paper against signature. Only the center sets it.
    Received,
}

impl Status {
    /// Returns the stable code stored in documents.
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Returned => "returned",
            Status::HandedOver => "handed_over",
            Status::Received => "received",
        }
    }

    /// Parses a stored code; `None` for an unknown code.
    pub fn from_code(code: &str) -> Option<Status> {
        match code {
            "draft" => Some(Status::Draft),
            "returned" => Some(Status::Returned),
            "handed_over" => Some(Status::HandedOver),
            "received" => Some(Status::Received),
            _ => None,
        }
    }

    /// Returns the Chinese name shown to users.
    pub fn name_zh(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Returned => "已返回单位",
            Status::HandedOver => "已移送",
            Status::Received => "已接收",
        }
    }

    /// Tells whether the list content may no longer change: true from 已移送 on.
    pub fn is_frozen(self) -> bool {
        self >= Status::HandedOver
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_zh())
    }
}

/// Whether a material is the original (原件) or a copy (复印件).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Originality {
    /// 原件.
    Original,
    /// 复印件.
    Copy,
}

impl Originality {
    /// Returns the stable code stored in documents.
    pub fn code(self) -> &'static str {
        match self {
            Originality::Original => "original",
            Originality::Copy => "copy",
        }
    }

    /// Parses a stored code; `None` for an unknown code.
    pub fn from_code(code: &str) -> Option<Originality> {
        match code {
            "original" => Some(Originality::Original),
            "copy" => Some(Originality::Copy),
            _ => None,
        }
    }

    /// Returns the Chinese name shown to users.
    pub fn name_zh(self) -> &'static str {
        match self {
            Originality::Original => "原件",
            Originality::Copy => "复印件",
        }
    }
}

/// The field trip (外出执行) during which the materials were produced.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Trip {
    /// Day of the trip, if already entered.
    pub date: Option<NaiveDate>,
    /// Place visited, free text; empty when not yet entered.
    pub place: String,
    /// Names of the people present, in the order they were added.
    pub participants: Vec<String>,
}

/// One material (one paper document, or one set of photos or recordings) in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Id made on the phone that added the item.
    pub id: Uuid,
    /// Code of a material type in [`crate::materials::Catalogue`], such as `seizure_record`.
    pub material_type: String,
    /// Title as it will appear in the table of contents (卷内目录), such as `送达地址确认书-张某`.
    pub title: String,
    /// Number of pages. Stored as written, so an invalid count stays visible to validation.
    pub page_count: i64,
    /// Original or copy.
    pub originality: Originality,
    /// Day the material was produced (形成日期), if entered.
    pub produced_on: Option<NaiveDate>,
    /// Person or office that produced the material; empty when not entered.
    pub produced_by: String,
    /// Free-text remarks (备注); empty when none.
    pub notes: String,
    /// SHA-256 content hashes (64 lowercase hex characters) of the photos, in page order.
    pub photos: Vec<String>,
    /// The material was already uploaded through the mobile case-handling system (移动办案系统).
    pub uploaded_via_mobile_system: bool,
    /// User who added the item.
    pub added_by: String,
    /// Time the item was added.
    pub added_at: DateTime<Utc>,
    /// User who removed the item; `None` while the item is part of the list.
    pub removed_by: Option<String>,
    /// Time the item was removed; `None` while the item is part of the list.
    pub removed_at: Option<DateTime<Utc>>,
}

impl Item {
    /// Tells whether the item was removed (it is a tombstone).
    pub fn is_removed(&self) -> bool {
        self.removed_by.is_some() || self.removed_at.is_some()
    }
}

/// Snapshot of one material list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialList {
    /// Id made on the phone that created the list; also the document's identity.
    pub list_id: Uuid,
    /// Case number (案号) as stored, normally in [`CaseNumber::normal_form`]. Kept as text so that
    /// validation can report a stored value that does not parse.
    pub case_number: String,
    /// Id of the team that keeps the list.
    pub team_id: String,
    /// Kind of that team.
    pub kind: TeamKind,
    /// The field trip.
    pub trip: Trip,
    /// Stage of the list.
    pub status: Status,
    /// Return time (返回单位时间) the team declared when it marked the list returned.
    pub declared_return_at: Option<DateTime<Utc>>,
    /// User who handed the list over, set together with status 已移送.
    pub handed_over_by: Option<String>,
    /// Time of the hand-over.
    pub handed_over_at: Option<DateTime<Utc>>,
    /// Center user who received the paper, set together with status 已接收.
    pub received_by: Option<String>,
    /// Time of the receipt.
    pub received_at: Option<DateTime<Utc>>,
    /// User who created the list.
    pub created_by: String,
    /// Time the list was created.
    pub created_at: DateTime<Utc>,
    /// Every item ever added, removed ones included, keyed by item id.
    pub items: BTreeMap<Uuid, Item>,
}

impl MaterialList {
    /// Parses the stored case number.
    pub fn parsed_case_number(&self) -> Result<CaseNumber, CaseNumberError> {
        CaseNumber::parse(&self.case_number)
    }

    /// Returns the items that were not removed, ordered by the time they were added and then by id.
    pub fn live_items(&self) -> Vec<&Item> {
        let mut items: Vec<&Item> = self.items.values().filter(|i| !i.is_removed()).collect();
        items.sort_by_key(|item| (item.added_at, item.id));
        items
    }

    /// Returns the total page count of the items that were not removed.
    pub fn total_pages(&self) -> i64 {
        self.live_items().iter().map(|item| item.page_count).sum()
    }
}

/// A field of a list, outside its items. Validation names the field a rule is about, and the sync
/// engine restores exactly that field when it undoes a rule-breaking edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListField {
    ListId,
    CaseNumber,
    TeamId,
    Kind,
    TripDate,
    TripPlace,
    TripParticipants,
    Status,
    DeclaredReturnAt,
    HandedOverBy,
    HandedOverAt,
    ReceivedBy,
    ReceivedAt,
    CreatedBy,
    CreatedAt,
}

impl ListField {
    /// Every list field, in document order.
    pub const ALL: [ListField; 15] = [
        ListField::ListId,
        ListField::CaseNumber,
        ListField::TeamId,
        ListField::Kind,
        ListField::TripDate,
        ListField::TripPlace,
        ListField::TripParticipants,
        ListField::Status,
        ListField::DeclaredReturnAt,
        ListField::HandedOverBy,
        ListField::HandedOverAt,
        ListField::ReceivedBy,
        ListField::ReceivedAt,
        ListField::CreatedBy,
        ListField::CreatedAt,
    ];

    /// Tells whether the field has the same value in two snapshots.
    pub fn is_equal(self, a: &MaterialList, b: &MaterialList) -> bool {
        match self {
            ListField::ListId => a.list_id == b.list_id,
            ListField::CaseNumber => a.case_number == b.case_number,
            ListField::TeamId => a.team_id == b.team_id,
            ListField::Kind => a.kind == b.kind,
            ListField::TripDate => a.trip.date == b.trip.date,
            ListField::TripPlace => a.trip.place == b.trip.place,
            ListField::TripParticipants => a.trip.participants == b.trip.participants,
            ListField::Status => a.status == b.status,
            ListField::DeclaredReturnAt => a.declared_return_at == b.declared_return_at,
            ListField::HandedOverBy => a.handed_over_by == b.handed_over_by,
            ListField::HandedOverAt => a.handed_over_at == b.handed_over_at,
            ListField::ReceivedBy => a.received_by == b.received_by,
            ListField::ReceivedAt => a.received_at == b.received_at,
            ListField::CreatedBy => a.created_by == b.created_by,
            ListField::CreatedAt => a.created_at == b.created_at,
        }
    }

    /// Returns the Chinese name shown in messages.
    pub fn name_zh(self) -> &'static str {
        match self {
            ListField::ListId => "清单编号",
            ListField::CaseNumber => "案号",
            ListField::TeamId => "团队",
            ListField::Kind => "团队类型",
            ListField::TripDate => "外出日期",
            ListField::TripPlace => "外出地点",
            ListField::TripParticipants => "参与人员",
            ListField::Status => "状态",
            ListField::DeclaredReturnAt => "返回单位时间",
            ListField::HandedOverBy => "移送人",
            ListField::HandedOverAt => "移送时间",
            ListField::ReceivedBy => "接收人",
            ListField::ReceivedAt => "接收时间",
            ListField::CreatedBy => "创建人",
            ListField::CreatedAt => "创建时间",
        }
    }
}

/// A field of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemField {
    MaterialType,
    Title,
    PageCount,
    Originality,
    ProducedOn,
    ProducedBy,
    Notes,
    Photos,
    UploadedViaMobileSystem,
    AddedBy,
    AddedAt,
    RemovedBy,
    RemovedAt,
}

impl ItemField {
    /// Every item field, in document order.
    pub const ALL: [ItemField; 13] = [
        ItemField::MaterialType,
        ItemField::Title,
        ItemField::PageCount,
        ItemField::Originality,
        ItemField::ProducedOn,
        ItemField::ProducedBy,
        ItemField::Notes,
        ItemField::Photos,
        ItemField::UploadedViaMobileSystem,
        ItemField::AddedBy,
        ItemField::AddedAt,
        ItemField::RemovedBy,
        ItemField::RemovedAt,
    ];

    /// Tells whether the field has the same value in two items.
    pub fn is_equal(self, a: &Item, b: &Item) -> bool {
        match self {
            ItemField::MaterialType => a.material_type == b.material_type,
            ItemField::Title => a.title == b.title,
            ItemField::PageCount => a.page_count == b.page_count,
            ItemField::Originality => a.originality == b.originality,
            ItemField::ProducedOn => a.produced_on == b.produced_on,
            ItemField::ProducedBy => a.produced_by == b.produced_by,
            ItemField::Notes => a.notes == b.notes,
            ItemField::Photos => a.photos == b.photos,
            ItemField::UploadedViaMobileSystem => {
                a.uploaded_via_mobile_system == b.uploaded_via_mobile_system
            }
            ItemField::AddedBy => a.added_by == b.added_by,
            ItemField::AddedAt => a.added_at == b.added_at,
            ItemField::RemovedBy => a.removed_by == b.removed_by,
            ItemField::RemovedAt => a.removed_at == b.removed_at,
        }
    }

    /// Returns the fields whose values differ between two items.
    pub fn changed(a: &Item, b: &Item) -> Vec<ItemField> {
        ItemField::ALL
            .into_iter()
            .filter(|field| !field.is_equal(a, b))
            .collect()
    }

    /// Returns the Chinese name shown in messages.
    pub fn name_zh(self) -> &'static str {
        match self {
            ItemField::MaterialType => "材料类型",
            ItemField::Title => "标题",
            ItemField::PageCount => "页数",
            ItemField::Originality => "原件或复印件",
            ItemField::ProducedOn => "形成日期",
            ItemField::ProducedBy => "制作人",
            ItemField::Notes => "备注",
            ItemField::Photos => "照片",
            ItemField::UploadedViaMobileSystem => "已通过移动办案系统上传",
            ItemField::AddedBy => "添加人",
            ItemField::AddedAt => "添加时间",
            ItemField::RemovedBy => "删除人",
            ItemField::RemovedAt => "删除时间",
        }
    }
}

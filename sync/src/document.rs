//! Typed API over the Automerge document of one material list (材料清单).
//!
//! Each editing method checks its preconditions against the current snapshot, writes its fields
//! and makes exactly one Automerge commit with a message (a stable ASCII operation name and ids)
//! and the editor's time. A method that fails leaves no uncommitted operation behind.
//!
//! The methods enforce locally what [`crate::validation::check_change`] enforces on the server:
//! no item edits once the list is handed over (已移送), status only forward, removed items stay as
//! tombstones. The server still checks every change, because a device may run an older or a
//! modified client.
//!
//! Raw Automerge keys appear only in the private `layout` and `reader` modules.

mod layout;
mod reader;

use automerge::{ActorId, AutoCommit, AutomergeError, ChangeHash};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::case_number::CaseNumber;
use crate::model::{Item, ItemField, ListField, MaterialList, Originality, Status, TeamKind, Trip};
use crate::validation::{self, Violation};

pub use layout::SCHEMA_VERSION;

/// Reasons a document cannot be read or an edit cannot be made. Messages are shown to users.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("文档中没有材料清单")]
    NotAMaterialList,
    #[error("材料清单的格式版本 {0} 不受支持，请升级应用")]
    UnsupportedSchema(i64),
    #[error("材料清单缺少字段 {0}")]
    MissingField(String),
    #[error("材料清单字段 {0} 的类型错误")]
    WrongType(String),
    #[error("材料清单字段 {field} 的值“{value}”无效")]
    InvalidValue { field: String, value: String },
    #[error("材料 {0} 不存在")]
    ItemNotFound(Uuid),
    #[error("材料 {0} 已存在")]
    ItemExists(Uuid),
    #[error("材料 {0} 已删除，不能再修改")]
    ItemRemoved(Uuid),
    #[error("清单{0}，不能再修改")]
    ListFrozen(Status),
    #[error("清单状态不能从“{from}”改为“{to}”")]
    StatusTransition { from: Status, to: Status },
    #[error("照片哈希“{0}”无效，应为 64 位小写十六进制 SHA-256 值")]
    InvalidPhotoHash(String),
    #[error("清单未通过检查，不能移送：{}", first_message(.0))]
    NotReady(Vec<Violation>),
    #[error("无法读取材料清单文档")]
    Load(#[source] Box<AutomergeError>),
    #[error("材料清单文档操作失败")]
    Automerge(#[source] Box<AutomergeError>),
}

impl From<AutomergeError> for DocumentError {
    fn from(error: AutomergeError) -> DocumentError {
        DocumentError::Automerge(Box::new(error))
    }
}

fn first_message(violations: &[Violation]) -> &str {
    violations.first().map(|v| v.message.as_str()).unwrap_or("")
}

impl DocumentError {
    /// Returns the stable English code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            DocumentError::NotAMaterialList => "NOT_A_MATERIAL_LIST",
            DocumentError::UnsupportedSchema(_) => "UNSUPPORTED_SCHEMA",
            DocumentError::MissingField(_) => "DOCUMENT_FIELD_MISSING",
            DocumentError::WrongType(_) => "DOCUMENT_FIELD_WRONG_TYPE",
            DocumentError::InvalidValue { .. } => "DOCUMENT_FIELD_INVALID",
            DocumentError::ItemNotFound(_) => "ITEM_NOT_FOUND",
            DocumentError::ItemExists(_) => "ITEM_EXISTS",
            DocumentError::ItemRemoved(_) => "ITEM_REMOVED",
            DocumentError::ListFrozen(_) => "LIST_FROZEN",
            DocumentError::StatusTransition { .. } => "STATUS_TRANSITION_INVALID",
            DocumentError::InvalidPhotoHash(_) => "PHOTO_HASH_INVALID",
            DocumentError::NotReady(_) => "LIST_NOT_READY",
            DocumentError::Load(_) => "DOCUMENT_LOAD_FAILED",
            DocumentError::Automerge(_) => "DOCUMENT_OPERATION_FAILED",
        }
    }
}

/// Author and time of an edit. `user` is the user id recorded in `added_by`, `removed_by` and the
/// other "by" fields. `at` becomes the commit time and the value of the "at" fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub user: String,
    pub at: DateTime<Utc>,
}

/// Fields of a new list.
#[derive(Debug, Clone)]
pub struct NewList {
    /// Id made on the phone.
    pub list_id: Uuid,
    pub case_number: CaseNumber,
    pub team_id: String,
    pub kind: TeamKind,
    pub trip: Trip,
}

/// Fields of a new item.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// Id made on the phone.
    pub id: Uuid,
    pub material_type: String,
    pub title: String,
    pub page_count: i64,
    pub originality: Originality,
    pub produced_on: Option<NaiveDate>,
    pub produced_by: String,
    pub notes: String,
    pub uploaded_via_mobile_system: bool,
}

/// Changes to an existing item; each `Some` field is written to its own key, `None` fields are
/// left alone. For `produced_on`, `Some(None)` clears the date.
#[derive(Debug, Clone, Default)]
pub struct ItemChanges {
    pub material_type: Option<String>,
    pub title: Option<String>,
    pub page_count: Option<i64>,
    pub originality: Option<Originality>,
    pub produced_on: Option<Option<NaiveDate>>,
    pub produced_by: Option<String>,
    pub notes: Option<String>,
    pub uploaded_via_mobile_system: Option<bool>,
}

/// One material list as an Automerge document.
#[derive(Debug, Clone)]
pub struct MaterialListDocument {
    doc: AutoCommit,
}

impl MaterialListDocument {
    /// Returns an empty document: the server's document of a list no device has sent yet, or a
    /// wiped phone's document before its first sync.
    pub fn empty(actor: ActorId) -> MaterialListDocument {
        MaterialListDocument {
            doc: AutoCommit::new().with_actor(actor),
        }
    }

    /// Creates a list in a new document written by `actor`, the device's stable actor id.
    pub fn create(
        actor: ActorId,
        new: NewList,
        editor: &Editor,
    ) -> Result<MaterialListDocument, DocumentError> {
        let mut document = MaterialListDocument::empty(actor);
        let list = MaterialList {
            list_id: new.list_id,
            case_number: new.case_number.normal_form(),
            team_id: new.team_id,
            kind: new.kind,
            trip: new.trip,
            status: Status::Draft,
            declared_return_at: None,
            handed_over_by: None,
            handed_over_at: None,
            received_by: None,
            received_at: None,
            created_by: editor.user.clone(),
            created_at: editor.at,
            items: Default::default(),
        };
        let message = format!("create_list {}", list.list_id);
        document.commit(editor, message, |doc| layout::write_new_list(doc, &list))?;
        Ok(document)
    }

    /// Loads a document saved with [`Self::save`] (or a snapshot followed by incremental chunks)
    /// and sets the actor that later edits are written by.
    pub fn load(bytes: &[u8], actor: ActorId) -> Result<MaterialListDocument, DocumentError> {
        let doc = AutoCommit::load(bytes).map_err(|e| DocumentError::Load(Box::new(e)))?;
        Ok(MaterialListDocument {
            doc: doc.with_actor(actor),
        })
    }

    /// Saves the whole document, compressed.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// Returns the changes not reachable from `heads`, for incremental storage. Unlike
    /// `save_incremental`, this does not depend on when the document was last saved or loaded.
    pub fn save_after(&mut self, heads: &[ChangeHash]) -> Vec<u8> {
        self.doc.save_after(heads)
    }

    /// Returns the current heads.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Returns the actor id edits are written by.
    pub fn actor(&self) -> &ActorId {
        self.doc.get_actor()
    }

    /// Tells whether the document contains a list yet.
    pub fn has_list(&self) -> bool {
        layout::has_list(&self.doc)
    }

    /// Reads the snapshot.
    pub fn snapshot(&self) -> Result<MaterialList, DocumentError> {
        reader::read_list(&self.doc)
    }

    /// Sets the case number. Allowed until the list is handed over.
    pub fn set_case_number(
        &mut self,
        case_number: &CaseNumber,
        editor: &Editor,
    ) -> Result<(), DocumentError> {
        let mut list = self.editable_list()?;
        list.case_number = case_number.normal_form();
        let message = format!("set_case_number {}", list.case_number);
        self.commit(editor, message, |doc| {
            layout::write_list_field(doc, ListField::CaseNumber, &list)
        })
    }

    /// Sets or clears the trip date.
    pub fn set_trip_date(
        &mut self,
        date: Option<NaiveDate>,
        editor: &Editor,
    ) -> Result<(), DocumentError> {
        let mut list = self.editable_list()?;
        list.trip.date = date;
        self.commit(editor, "set_trip_date".to_string(), |doc| {
            layout::write_list_field(doc, ListField::TripDate, &list)
        })
    }

    /// Sets the trip place.
    pub fn set_trip_place(&mut self, place: &str, editor: &Editor) -> Result<(), DocumentError> {
        let mut list = self.editable_list()?;
        list.trip.place = place.to_string();
        self.commit(editor, "set_trip_place".to_string(), |doc| {
            layout::write_list_field(doc, ListField::TripPlace, &list)
        })
    }

    /// Appends a participant of the trip. Concurrent additions from two devices both stay.
    pub fn add_participant(&mut self, name: &str, editor: &Editor) -> Result<(), DocumentError> {
        self.editable_list()?;
        self.commit(editor, "add_participant".to_string(), |doc| {
            layout::append_participant(doc, name)
        })
    }

    /// Removes the first participant with this name; returns whether one was there.
    pub fn remove_participant(
        &mut self,
        name: &str,
        editor: &Editor,
    ) -> Result<bool, DocumentError> {
        self.editable_list()?;
        let mut removed = false;
        self.commit(editor, "remove_participant".to_string(), |doc| {
            removed = layout::remove_participant(doc, name)?;
            Ok(())
        })?;
        Ok(removed)
    }

    /// Adds an item.
    pub fn add_item(&mut self, new: NewItem, editor: &Editor) -> Result<(), DocumentError> {
        let list = self.editable_list()?;
        if list.items.contains_key(&new.id) {
            return Err(DocumentError::ItemExists(new.id));
        }
        let item = Item {
            id: new.id,
            material_type: new.material_type,
            title: new.title,
            page_count: new.page_count,
            originality: new.originality,
            produced_on: new.produced_on,
            produced_by: new.produced_by,
            notes: new.notes,
            photos: Vec::new(),
            uploaded_via_mobile_system: new.uploaded_via_mobile_system,
            added_by: editor.user.clone(),
            added_at: editor.at,
            removed_by: None,
            removed_at: None,
        };
        let message = format!("add_item {}", item.id);
        self.commit(editor, message, |doc| layout::write_new_item(doc, &item))
    }

    /// Writes the given fields of an item, each to its own key, so that a concurrent edit of
    /// another field on another device is kept.
    pub fn edit_item(
        &mut self,
        id: Uuid,
        changes: ItemChanges,
        editor: &Editor,
    ) -> Result<(), DocumentError> {
        let mut item = self.editable_item(id)?;
        let mut fields = Vec::new();
        if let Some(value) = changes.material_type {
            item.material_type = value;
            fields.push(ItemField::MaterialType);
        }
        if let Some(value) = changes.title {
            item.title = value;
            fields.push(ItemField::Title);
        }
        if let Some(value) = changes.page_count {
            item.page_count = value;
            fields.push(ItemField::PageCount);
        }
        if let Some(value) = changes.originality {
            item.originality = value;
            fields.push(ItemField::Originality);
        }
        if let Some(value) = changes.produced_on {
            item.produced_on = value;
            fields.push(ItemField::ProducedOn);
        }
        if let Some(value) = changes.produced_by {
            item.produced_by = value;
            fields.push(ItemField::ProducedBy);
        }
        if let Some(value) = changes.notes {
            item.notes = value;
            fields.push(ItemField::Notes);
        }
        if let Some(value) = changes.uploaded_via_mobile_system {
            item.uploaded_via_mobile_system = value;
            fields.push(ItemField::UploadedViaMobileSystem);
        }

        let message = format!("edit_item {id}");
        self.commit(editor, message, |doc| {
            for field in &fields {
                layout::write_item_field(doc, *field, &item)?;
            }
            Ok(())
        })
    }

    /// Removes an item by writing a tombstone (`removed_by`, `removed_at`); the item stays in the
    /// document so the removal is on record.
    pub fn remove_item(&mut self, id: Uuid, editor: &Editor) -> Result<(), DocumentError> {
        let mut item = self.editable_item(id)?;
        item.removed_by = Some(editor.user.clone());
        item.removed_at = Some(editor.at);
        let message = format!("remove_item {id}");
        self.commit(editor, message, |doc| {
            layout::write_item_field(doc, ItemField::RemovedBy, &item)?;
            layout::write_item_field(doc, ItemField::RemovedAt, &item)
        })
    }

    /// Appends a photo reference, the SHA-256 hex hash of the photo's content, as the item's next
    /// page.
    pub fn attach_photo(
        &mut self,
        id: Uuid,
        sha256_hex: &str,
        editor: &Editor,
    ) -> Result<(), DocumentError> {
        if !validation::is_photo_hash(sha256_hex) {
            return Err(DocumentError::InvalidPhotoHash(sha256_hex.to_string()));
        }
        self.editable_item(id)?;
        let message = format!("attach_photo {id} {sha256_hex}");
        self.commit(editor, message, |doc| {
            layout::append_photo(doc, id, sha256_hex)
        })
    }

    /// Removes the first reference to a photo from an item; returns whether it was there.
    pub fn detach_photo(
        &mut self,
        id: Uuid,
        sha256_hex: &str,
        editor: &Editor,
    ) -> Result<bool, DocumentError> {
        self.editable_item(id)?;
        let mut removed = false;
        let message = format!("detach_photo {id} {sha256_hex}");
        self.commit(editor, message, |doc| {
            removed = layout::remove_photo(doc, id, sha256_hex)?;
            Ok(())
        })?;
        Ok(removed)
    }

    /// Moves 草稿 → 已返回单位 and records the return time the team declares.
    pub fn mark_returned(
        &mut self,
        declared_return_at: DateTime<Utc>,
        editor: &Editor,
    ) -> Result<(), DocumentError> {
        let mut list = self.transition(Status::Draft, Status::Returned)?;
        list.declared_return_at = Some(declared_return_at);
        self.commit(editor, "mark_returned".to_string(), |doc| {
            layout::write_list_field(doc, ListField::Status, &list)?;
            layout::write_list_field(doc, ListField::DeclaredReturnAt, &list)
        })
    }

    /// Moves 已返回单位 → 已移送 (hand-over to the case-file center) after checking the list with
    /// [`validation::validate_list`]. From then on the list content is frozen.
    pub fn hand_over(&mut self, editor: &Editor) -> Result<(), DocumentError> {
        let mut list = self.transition(Status::Returned, Status::HandedOver)?;
        list.handed_over_by = Some(editor.user.clone());
        list.handed_over_at = Some(editor.at);
        let violations = validation::validate_with_builtin(&list);
        if !violations.is_empty() {
            return Err(DocumentError::NotReady(violations));
        }
        self.commit(editor, "hand_over".to_string(), |doc| {
            layout::write_list_field(doc, ListField::Status, &list)?;
            layout::write_list_field(doc, ListField::HandedOverBy, &list)?;
            layout::write_list_field(doc, ListField::HandedOverAt, &list)
        })
    }

    /// Moves 已移送 → 已接收. Only the case-file center may do this; the sync engine undoes it when
    /// a field device does.
    pub fn receive(&mut self, editor: &Editor) -> Result<(), DocumentError> {
        let mut list = self.transition(Status::HandedOver, Status::Received)?;
        list.received_by = Some(editor.user.clone());
        list.received_at = Some(editor.at);
        self.commit(editor, "receive".to_string(), |doc| {
            layout::write_list_field(doc, ListField::Status, &list)?;
            layout::write_list_field(doc, ListField::ReceivedBy, &list)?;
            layout::write_list_field(doc, ListField::ReceivedAt, &list)
        })
    }

    /// Gives the sync engine the underlying Automerge document.
    pub(crate) fn automerge(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub(crate) fn from_automerge(doc: AutoCommit) -> MaterialListDocument {
        MaterialListDocument { doc }
    }

    /// Makes the document's snapshot equal `target` with one commit by `editor` that writes only
    /// the fields that differ: list fields, item fields, items `target` lacks (deleted) and items
    /// the document lacks (re-created). The sync engine uses it to undo rule-breaking edits.
    pub(crate) fn restore_to(
        &mut self,
        target: &MaterialList,
        editor: &Editor,
        message: String,
    ) -> Result<(), DocumentError> {
        let current = self.snapshot()?;
        let ids: std::collections::BTreeSet<Uuid> = current
            .items
            .keys()
            .chain(target.items.keys())
            .copied()
            .collect();
        self.commit(editor, message, |doc| {
            for field in ListField::ALL {
                if !field.is_equal(&current, target) {
                    layout::write_list_field(doc, field, target)?;
                }
            }
            for id in ids {
                match (current.items.get(&id), target.items.get(&id)) {
                    (Some(_), None) => layout::delete_item(doc, id)?,
                    (None, Some(wanted)) => layout::write_new_item(doc, wanted)?,
                    (Some(now), Some(wanted)) => {
                        for field in ItemField::changed(now, wanted) {
                            layout::write_item_field(doc, field, wanted)?;
                        }
                    }
                    (None, None) => {}
                }
            }
            Ok(())
        })
    }

    /// Sets the actor that later edits are written by.
    pub(crate) fn set_actor(&mut self, actor: ActorId) {
        self.doc.set_actor(actor);
    }

    /// Runs `write` and commits it; on error rolls back every operation `write` made.
    fn commit<F>(&mut self, editor: &Editor, message: String, write: F) -> Result<(), DocumentError>
    where
        F: FnOnce(&mut AutoCommit) -> Result<(), DocumentError>,
    {
        if let Err(error) = write(&mut self.doc) {
            self.doc.rollback();
            return Err(error);
        }
        let options = automerge::transaction::CommitOptions::default()
            .with_message(message)
            .with_time(editor.at.timestamp_millis());
        self.doc.commit_with(options);
        Ok(())
    }

    /// Reads the snapshot and fails unless its content may still change.
    fn editable_list(&self) -> Result<MaterialList, DocumentError> {
        let list = self.snapshot()?;
        if list.status.is_frozen() {
            return Err(DocumentError::ListFrozen(list.status));
        }
        Ok(list)
    }

    fn editable_item(&self, id: Uuid) -> Result<Item, DocumentError> {
        let mut list = self.editable_list()?;
        let item = list
            .items
            .remove(&id)
            .ok_or(DocumentError::ItemNotFound(id))?;
        if item.is_removed() {
            return Err(DocumentError::ItemRemoved(id));
        }
        Ok(item)
    }

    /// Reads the snapshot, checks it is at `from`, and returns it with the status set to `to`.
    fn transition(&self, from: Status, to: Status) -> Result<MaterialList, DocumentError> {
        let mut list = self.snapshot()?;
        if list.status != from {
            return Err(DocumentError::StatusTransition {
                from: list.status,
                to,
            });
        }
        list.status = to;
        Ok(list)
    }
}

#[cfg(test)]
mod tests;

//! The Automerge layout of a material-list document, and the code that writes it. Together with
//! `reader`, which reads it, this is the only code that touches raw Automerge keys.
//!
//! Root map:
//!
//! | key | value |
//! |---|---|
//! | `schema_version` | int, [`SCHEMA_VERSION`] |
//! | `list_id`, `case_number`, `team_id`, `kind`, `status`, `created_by` | str |
//! | `handed_over_by`, `received_by` | str, absent until set |
//! | `created_at` | timestamp (ms since the Unix epoch) |
//! | `declared_return_at`, `handed_over_at`, `received_at` | timestamp, absent until set |
//! | `trip` | map: `date` (str `YYYY-MM-DD`, absent until set), `place` (str), `participants` (list of str) |
//! | `items` | map from item id (UUID text) to an item map |
//!
//! Item map: `material_type`, `title`, `originality`, `produced_by`, `notes`, `added_by` (str);
//! `page_count` (int); `produced_on` (str date, absent until set); `photos` (list of str);
//! `uploaded_via_mobile_system` (bool); `added_at` (timestamp); `removed_by` (str) and
//! `removed_at` (timestamp), both absent until the item is removed.
//!
//! Why this shape: Automerge resolves conflicts per map key. With every scalar in its own key, two
//! devices that change different fields of one item both keep their change, and two changes of the
//! same key resolve to the same winner on every peer. Items live in a map keyed by their id,
//! not in a list, so concurrent additions never collide and an item is addressed by id alone. The
//! page count is a plain int, not a counter: two devices that both count 5 pages must end with 5,
//! not 10.
//!
//! Invariant: an optional value is written by putting it and cleared by deleting its key, so this
//! code never stores a null. The reader still treats a null like an absent key.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::DocumentError;
use crate::model::{Item, ItemField, ListField, MaterialList};

/// Version of this layout, stored in every document so that a later layout can migrate.
pub const SCHEMA_VERSION: i64 = 1;

pub(super) const SCHEMA_VERSION_KEY: &str = "schema_version";
pub(super) const ITEMS: &str = "items";
pub(super) const TRIP: &str = "trip";

/// Returns the root key of a list field that is stored directly in the root map or the trip map.
pub(super) fn list_key(field: ListField) -> &'static str {
    match field {
        ListField::ListId => "list_id",
        ListField::CaseNumber => "case_number",
        ListField::TeamId => "team_id",
        ListField::Kind => "kind",
        ListField::TripDate => "date",
        ListField::TripPlace => "place",
        ListField::TripParticipants => "participants",
        ListField::Status => "status",
        ListField::DeclaredReturnAt => "declared_return_at",
        ListField::HandedOverBy => "handed_over_by",
        ListField::HandedOverAt => "handed_over_at",
        ListField::ReceivedBy => "received_by",
        ListField::ReceivedAt => "received_at",
        ListField::CreatedBy => "created_by",
        ListField::CreatedAt => "created_at",
    }
}

pub(super) fn item_key(field: ItemField) -> &'static str {
    match field {
        ItemField::MaterialType => "material_type",
        ItemField::Title => "title",
        ItemField::PageCount => "page_count",
        ItemField::Originality => "originality",
        ItemField::ProducedOn => "produced_on",
        ItemField::ProducedBy => "produced_by",
        ItemField::Notes => "notes",
        ItemField::Photos => "photos",
        ItemField::UploadedViaMobileSystem => "uploaded_via_mobile_system",
        ItemField::AddedBy => "added_by",
        ItemField::AddedAt => "added_at",
        ItemField::RemovedBy => "removed_by",
        ItemField::RemovedAt => "removed_at",
    }
}

fn is_trip_field(field: ListField) -> bool {
    matches!(
        field,
        ListField::TripDate | ListField::TripPlace | ListField::TripParticipants
    )
}

// ---------------------------------------------------------------------------------------------
// Reading, for the writers below

/// Tells whether the document has a list at all (a server document for a list no device has sent
/// yet is empty).
pub fn has_list(doc: &AutoCommit) -> bool {
    matches!(doc.get(ROOT, list_key(ListField::ListId)), Ok(Some(_)))
}

fn wrong_type(path: &str) -> DocumentError {
    DocumentError::WrongType(path.to_string())
}

fn read_object(
    doc: &AutoCommit,
    obj: &ObjId,
    key: &str,
    expected: ObjType,
    path: &str,
) -> Result<ObjId, DocumentError> {
    match doc.get(obj, key)? {
        Some((Value::Object(found), id)) if found == expected => Ok(id),
        Some(_) => Err(wrong_type(path)),
        None => Err(DocumentError::MissingField(path.to_string())),
    }
}

fn read_str_list(
    doc: &AutoCommit,
    obj: &ObjId,
    key: &str,
    path: &str,
) -> Result<Vec<String>, DocumentError> {
    let list = read_object(doc, obj, key, ObjType::List, path)?;
    let mut values = Vec::with_capacity(doc.length(&list));
    for index in 0..doc.length(&list) {
        match doc.get(&list, index)? {
            Some((Value::Scalar(value), _)) => match value.as_ref() {
                ScalarValue::Str(text) => values.push(text.to_string()),
                _ => return Err(wrong_type(&format!("{path}[{index}]"))),
            },
            _ => return Err(wrong_type(&format!("{path}[{index}]"))),
        }
    }
    Ok(values)
}

/// Format of stored dates.
pub(super) const DATE_FORMAT: &str = "%Y-%m-%d";

// ---------------------------------------------------------------------------------------------
// Writing

/// Writes the skeleton and every field of a new list. `list.items` must be empty; items are added
/// with [`write_new_item`].
pub fn write_new_list(doc: &mut AutoCommit, list: &MaterialList) -> Result<(), DocumentError> {
    doc.put(ROOT, SCHEMA_VERSION_KEY, SCHEMA_VERSION)?;
    let trip = doc.put_object(ROOT, TRIP, ObjType::Map)?;
    doc.put_object(&trip, list_key(ListField::TripParticipants), ObjType::List)?;
    doc.put_object(ROOT, ITEMS, ObjType::Map)?;
    for field in ListField::ALL {
        write_list_field(doc, field, list)?;
    }
    Ok(())
}

/// Writes one list field with its value in `list`, deleting the key for an absent value.
pub fn write_list_field(
    doc: &mut AutoCommit,
    field: ListField,
    list: &MaterialList,
) -> Result<(), DocumentError> {
    let obj = if is_trip_field(field) {
        read_object(doc, &ROOT, TRIP, ObjType::Map, TRIP)?
    } else {
        ROOT
    };
    let key = list_key(field);
    match field {
        ListField::ListId => put_str(doc, &obj, key, Some(&list.list_id.to_string())),
        ListField::CaseNumber => put_str(doc, &obj, key, Some(&list.case_number)),
        ListField::TeamId => put_str(doc, &obj, key, Some(&list.team_id)),
        ListField::Kind => put_str(doc, &obj, key, Some(list.kind.code())),
        ListField::TripDate => put_date(doc, &obj, key, list.trip.date),
        ListField::TripPlace => put_str(doc, &obj, key, Some(&list.trip.place)),
        ListField::TripParticipants => {
            let path = "trip.participants";
            replace_str_list(doc, &obj, key, &list.trip.participants, path)
        }
        ListField::Status => put_str(doc, &obj, key, Some(list.status.code())),
        ListField::DeclaredReturnAt => put_time(doc, &obj, key, list.declared_return_at),
        ListField::HandedOverBy => put_str(doc, &obj, key, list.handed_over_by.as_deref()),
        ListField::HandedOverAt => put_time(doc, &obj, key, list.handed_over_at),
        ListField::ReceivedBy => put_str(doc, &obj, key, list.received_by.as_deref()),
        ListField::ReceivedAt => put_time(doc, &obj, key, list.received_at),
        ListField::CreatedBy => put_str(doc, &obj, key, Some(&list.created_by)),
        ListField::CreatedAt => put_time(doc, &obj, key, Some(list.created_at)),
    }
}

/// Adds a new item map under `items` with every field of `item`.
pub fn write_new_item(doc: &mut AutoCommit, item: &Item) -> Result<(), DocumentError> {
    let items = read_object(doc, &ROOT, ITEMS, ObjType::Map, ITEMS)?;
    let obj = doc.put_object(&items, item.id.to_string(), ObjType::Map)?;
    doc.put_object(&obj, item_key(ItemField::Photos), ObjType::List)?;
    for field in ItemField::ALL {
        write_item_field_at(doc, &obj, field, item)?;
    }
    Ok(())
}

/// Writes one field of an existing item with its value in `item`.
pub fn write_item_field(
    doc: &mut AutoCommit,
    field: ItemField,
    item: &Item,
) -> Result<(), DocumentError> {
    let obj = item_object(doc, item.id)?;
    write_item_field_at(doc, &obj, field, item)
}

/// Deletes an item's map from `items`. Only the sync engine uses it, to undo an item added to a
/// list that no longer accepts items. Users remove items with a tombstone instead.
pub fn delete_item(doc: &mut AutoCommit, id: Uuid) -> Result<(), DocumentError> {
    let items = read_object(doc, &ROOT, ITEMS, ObjType::Map, ITEMS)?;
    doc.delete(&items, id.to_string())?;
    Ok(())
}

/// Appends a string to an item's photo list.
pub fn append_photo(doc: &mut AutoCommit, id: Uuid, hash: &str) -> Result<(), DocumentError> {
    let item = item_object(doc, id)?;
    let path = format!("items.{id}.photos");
    let photos = read_object(
        doc,
        &item,
        item_key(ItemField::Photos),
        ObjType::List,
        &path,
    )?;
    let end = doc.length(&photos);
    doc.insert(&photos, end, hash)?;
    Ok(())
}

/// Deletes the first occurrence of `hash` from an item's photo list; returns whether it was there.
pub fn remove_photo(doc: &mut AutoCommit, id: Uuid, hash: &str) -> Result<bool, DocumentError> {
    let item = item_object(doc, id)?;
    let path = format!("items.{id}.photos");
    let photos = read_object(
        doc,
        &item,
        item_key(ItemField::Photos),
        ObjType::List,
        &path,
    )?;
    let current = read_str_list(doc, &item, item_key(ItemField::Photos), &path)?;
    match current.iter().position(|h| h == hash) {
        Some(index) => {
            doc.delete(&photos, index)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Appends a name to the trip's participant list.
pub fn append_participant(doc: &mut AutoCommit, name: &str) -> Result<(), DocumentError> {
    let trip = read_object(doc, &ROOT, TRIP, ObjType::Map, TRIP)?;
    let key = list_key(ListField::TripParticipants);
    let list = read_object(doc, &trip, key, ObjType::List, "trip.participants")?;
    let end = doc.length(&list);
    doc.insert(&list, end, name)?;
    Ok(())
}

/// Deletes the first occurrence of `name` from the participant list; returns whether it was there.
pub fn remove_participant(doc: &mut AutoCommit, name: &str) -> Result<bool, DocumentError> {
    let trip = read_object(doc, &ROOT, TRIP, ObjType::Map, TRIP)?;
    let key = list_key(ListField::TripParticipants);
    let list = read_object(doc, &trip, key, ObjType::List, "trip.participants")?;
    let current = read_str_list(doc, &trip, key, "trip.participants")?;
    match current.iter().position(|n| n == name) {
        Some(index) => {
            doc.delete(&list, index)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

fn item_object(doc: &AutoCommit, id: Uuid) -> Result<ObjId, DocumentError> {
    let items = read_object(doc, &ROOT, ITEMS, ObjType::Map, ITEMS)?;
    match doc.get(&items, id.to_string())? {
        Some((Value::Object(ObjType::Map), obj)) => Ok(obj),
        Some(_) => Err(wrong_type(&format!("items.{id}"))),
        None => Err(DocumentError::ItemNotFound(id)),
    }
}

fn write_item_field_at(
    doc: &mut AutoCommit,
    obj: &ObjId,
    field: ItemField,
    item: &Item,
) -> Result<(), DocumentError> {
    let key = item_key(field);
    match field {
        ItemField::MaterialType => put_str(doc, obj, key, Some(&item.material_type)),
        ItemField::Title => put_str(doc, obj, key, Some(&item.title)),
        ItemField::PageCount => {
            doc.put(obj, key, item.page_count)?;
            Ok(())
        }
        ItemField::Originality => put_str(doc, obj, key, Some(item.originality.code())),
        ItemField::ProducedOn => put_date(doc, obj, key, item.produced_on),
        ItemField::ProducedBy => put_str(doc, obj, key, Some(&item.produced_by)),
        ItemField::Notes => put_str(doc, obj, key, Some(&item.notes)),
        ItemField::Photos => {
            let path = format!("items.{}.photos", item.id);
            replace_str_list(doc, obj, key, &item.photos, &path)
        }
        ItemField::UploadedViaMobileSystem => {
            doc.put(obj, key, item.uploaded_via_mobile_system)?;
            Ok(())
        }
        ItemField::AddedBy => put_str(doc, obj, key, Some(&item.added_by)),
        ItemField::AddedAt => put_time(doc, obj, key, Some(item.added_at)),
        ItemField::RemovedBy => put_str(doc, obj, key, item.removed_by.as_deref()),
        ItemField::RemovedAt => put_time(doc, obj, key, item.removed_at),
    }
}

/// Puts a string, or deletes the key for `None`.
fn put_str(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: Option<&str>,
) -> Result<(), DocumentError> {
    match value {
        Some(text) => doc.put(obj, key, text)?,
        None => delete_if_present(doc, obj, key)?,
    }
    Ok(())
}

fn put_time(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: Option<DateTime<Utc>>,
) -> Result<(), DocumentError> {
    match value {
        Some(time) => doc.put(obj, key, ScalarValue::Timestamp(time.timestamp_millis()))?,
        None => delete_if_present(doc, obj, key)?,
    }
    Ok(())
}

fn put_date(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: Option<NaiveDate>,
) -> Result<(), DocumentError> {
    let text = value.map(|date| date.format(DATE_FORMAT).to_string());
    put_str(doc, obj, key, text.as_deref())
}

fn delete_if_present(doc: &mut AutoCommit, obj: &ObjId, key: &str) -> Result<(), DocumentError> {
    if doc.get(obj, key)?.is_some() {
        doc.delete(obj, key)?;
    }
    Ok(())
}

/// Makes the string list at `key` equal `values`, editing the existing list in place so that the
/// list object (and any concurrent insertion into it) is kept. Entries already equal are left alone.
fn replace_str_list(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    values: &[String],
    path: &str,
) -> Result<(), DocumentError> {
    let list = match doc.get(obj, key)? {
        Some((Value::Object(ObjType::List), list)) => list,
        _ => doc.put_object(obj, key, ObjType::List)?,
    };
    let current = read_str_list(doc, obj, key, path)?;
    if current == values {
        return Ok(());
    }

    let common = current
        .iter()
        .zip(values)
        .take_while(|(a, b)| a == b)
        .count();
    for index in (common..current.len()).rev() {
        doc.delete(&list, index)?;
    }
    for (offset, value) in values[common..].iter().enumerate() {
        doc.insert(&list, common + offset, value.as_str())?;
    }
    Ok(())
}

//! Reads a [`MaterialList`] snapshot from a document laid out as `layout` describes.
//!
//! The reader hydrates the whole document into plain Rust values once and reads the fields from
//! there. In automerge 0.12 that is about four times faster than one `get` per field: in the
//! release build of this crate's test `measure_snapshot_cost` (202 items), 11 ms against 40 ms
//! for the per-field reader it replaced. The server reads two snapshots per request that carries
//! changes.
//!
//! Invariant: a value of the wrong Automerge type fails with the dotted path of its key, such as
//! `items.<id>.page_count`; an absent or null optional value reads as `None`.

use std::collections::BTreeMap;

use automerge::hydrate::{Map, Value};
use automerge::{AutoCommit, ReadDoc, ScalarValue, ROOT};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::layout::{self, item_key, list_key, DATE_FORMAT, ITEMS, SCHEMA_VERSION_KEY, TRIP};
use super::DocumentError;
use crate::model::{Item, ItemField, ListField, MaterialList, Originality, Status, TeamKind, Trip};

/// Reads the whole snapshot.
pub fn read_list(doc: &AutoCommit) -> Result<MaterialList, DocumentError> {
    if !layout::has_list(doc) {
        return Err(DocumentError::NotAMaterialList);
    }
    let root = match doc.hydrate(ROOT, None)? {
        Value::Map(map) => map,
        _ => return Err(DocumentError::WrongType("root".to_string())),
    };
    let root = Fields::root(&root);

    let version = root.int(SCHEMA_VERSION_KEY)?;
    if version != Some(layout::SCHEMA_VERSION) {
        return Err(DocumentError::UnsupportedSchema(version.unwrap_or(0)));
    }

    let trip = root.map(TRIP)?;
    let trip = Trip {
        date: trip.date(list_key(ListField::TripDate))?,
        place: trip
            .str(list_key(ListField::TripPlace))?
            .unwrap_or_default(),
        participants: trip.str_list(list_key(ListField::TripParticipants))?,
    };

    let list_id = root.required_str(list_key(ListField::ListId))?;
    let list_id = root.parse_uuid(list_key(ListField::ListId), &list_id)?;
    let kind = root.required_str(list_key(ListField::Kind))?;
    let kind =
        TeamKind::from_code(&kind).ok_or_else(|| root.invalid(list_key(ListField::Kind), &kind))?;
    let status = root.required_str(list_key(ListField::Status))?;
    let status = Status::from_code(&status)
        .ok_or_else(|| root.invalid(list_key(ListField::Status), &status))?;

    let text = |field: ListField| root.str(list_key(field));
    let time = |field: ListField| root.time(list_key(field));
    Ok(MaterialList {
        list_id,
        case_number: text(ListField::CaseNumber)?.unwrap_or_default(),
        team_id: text(ListField::TeamId)?.unwrap_or_default(),
        kind,
        trip,
        status,
        declared_return_at: time(ListField::DeclaredReturnAt)?,
        handed_over_by: text(ListField::HandedOverBy)?,
        handed_over_at: time(ListField::HandedOverAt)?,
        received_by: text(ListField::ReceivedBy)?,
        received_at: time(ListField::ReceivedAt)?,
        created_by: text(ListField::CreatedBy)?.unwrap_or_default(),
        created_at: root.required(list_key(ListField::CreatedAt), time(ListField::CreatedAt)?)?,
        items: read_items(&root.map(ITEMS)?)?,
    })
}

fn read_items(items: &Fields<'_>) -> Result<BTreeMap<Uuid, Item>, DocumentError> {
    let mut result = BTreeMap::new();
    for (key, _) in items.map.iter() {
        let id = items.parse_uuid(key, key)?;
        result.insert(id, read_item(&items.map(key)?, id)?);
    }
    Ok(result)
}

fn read_item(item: &Fields<'_>, id: Uuid) -> Result<Item, DocumentError> {
    let text = |field: ItemField| item.str(item_key(field));
    let originality_key = item_key(ItemField::Originality);
    let originality = item.required_str(originality_key)?;
    let originality = Originality::from_code(&originality)
        .ok_or_else(|| item.invalid(originality_key, &originality))?;
    let page_count_key = item_key(ItemField::PageCount);
    let added_at_key = item_key(ItemField::AddedAt);

    Ok(Item {
        id,
        material_type: text(ItemField::MaterialType)?.unwrap_or_default(),
        title: text(ItemField::Title)?.unwrap_or_default(),
        page_count: item.required(page_count_key, item.int(page_count_key)?)?,
        originality,
        produced_on: item.date(item_key(ItemField::ProducedOn))?,
        produced_by: text(ItemField::ProducedBy)?.unwrap_or_default(),
        notes: text(ItemField::Notes)?.unwrap_or_default(),
        photos: item.str_list(item_key(ItemField::Photos))?,
        uploaded_via_mobile_system: item
            .bool(item_key(ItemField::UploadedViaMobileSystem))?
            .unwrap_or(false),
        added_by: text(ItemField::AddedBy)?.unwrap_or_default(),
        added_at: item.required(added_at_key, item.time(added_at_key)?)?,
        removed_by: text(ItemField::RemovedBy)?,
        removed_at: item.time(item_key(ItemField::RemovedAt))?,
    })
}

/// One hydrated map and its dotted path, for error messages.
struct Fields<'a> {
    map: &'a Map,
    path: String,
}

impl<'a> Fields<'a> {
    fn root(map: &'a Map) -> Fields<'a> {
        Fields {
            map,
            path: String::new(),
        }
    }

    fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn wrong_type(&self, key: &str) -> DocumentError {
        DocumentError::WrongType(self.path(key))
    }

    fn invalid(&self, key: &str, value: &str) -> DocumentError {
        DocumentError::InvalidValue {
            field: self.path(key),
            value: value.to_string(),
        }
    }

    fn required<T>(&self, key: &str, value: Option<T>) -> Result<T, DocumentError> {
        value.ok_or_else(|| DocumentError::MissingField(self.path(key)))
    }

    fn parse_uuid(&self, key: &str, text: &str) -> Result<Uuid, DocumentError> {
        Uuid::parse_str(text).map_err(|_| self.invalid(key, text))
    }

    /// Returns the nested map at `key`.
    fn map(&self, key: &str) -> Result<Fields<'a>, DocumentError> {
        match self.map.get(key) {
            Some(Value::Map(map)) => Ok(Fields {
                map,
                path: self.path(key),
            }),
            Some(_) => Err(self.wrong_type(key)),
            None => Err(DocumentError::MissingField(self.path(key))),
        }
    }

    /// Returns the scalar at `key`; `None` when the key is absent or its value is null.
    fn scalar(&self, key: &str) -> Result<Option<&'a ScalarValue>, DocumentError> {
        match self.map.get(key) {
            None | Some(Value::Scalar(ScalarValue::Null)) => Ok(None),
            Some(Value::Scalar(value)) => Ok(Some(value)),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    fn str(&self, key: &str) -> Result<Option<String>, DocumentError> {
        match self.scalar(key)? {
            None => Ok(None),
            Some(ScalarValue::Str(text)) => Ok(Some(text.to_string())),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    fn required_str(&self, key: &str) -> Result<String, DocumentError> {
        let value = self.str(key)?;
        self.required(key, value)
    }

    fn int(&self, key: &str) -> Result<Option<i64>, DocumentError> {
        match self.scalar(key)? {
            None => Ok(None),
            Some(ScalarValue::Int(n)) => Ok(Some(*n)),
            Some(ScalarValue::Uint(n)) => i64::try_from(*n)
                .map(Some)
                .map_err(|_| self.invalid(key, &n.to_string())),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, DocumentError> {
        match self.scalar(key)? {
            None => Ok(None),
            Some(ScalarValue::Boolean(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    fn time(&self, key: &str) -> Result<Option<DateTime<Utc>>, DocumentError> {
        match self.scalar(key)? {
            None => Ok(None),
            Some(ScalarValue::Timestamp(ms)) => DateTime::from_timestamp_millis(*ms)
                .map(Some)
                .ok_or_else(|| self.invalid(key, &ms.to_string())),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    fn date(&self, key: &str) -> Result<Option<NaiveDate>, DocumentError> {
        match self.str(key)? {
            None => Ok(None),
            Some(text) => NaiveDate::parse_from_str(&text, DATE_FORMAT)
                .map(Some)
                .map_err(|_| self.invalid(key, &text)),
        }
    }

    fn str_list(&self, key: &str) -> Result<Vec<String>, DocumentError> {
        let list = match self.map.get(key) {
            Some(Value::List(list)) => list,
            Some(_) => return Err(self.wrong_type(key)),
            None => return Err(DocumentError::MissingField(self.path(key))),
        };
        let mut values = Vec::with_capacity(list.len());
        for (index, entry) in list.iter().enumerate() {
            match &entry.value {
                Value::Scalar(ScalarValue::Str(text)) => values.push(text.to_string()),
                _ => {
                    return Err(DocumentError::WrongType(format!(
                        "{}[{index}]",
                        self.path(key)
                    )))
                }
            }
        }
        Ok(values)
    }
}

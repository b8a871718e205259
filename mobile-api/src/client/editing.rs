//! Offline edits of material lists (材料清单) and the local overview.
//!
//! Each edit runs in [`Client::edit`]: load, one commit, validation, save. An edit is refused when
//! it adds a violation of [`validation::validate_with_builtin`] that the list did not have before,
//! so a list that arrived with a problem from another device can still be edited and fixed.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use juanzong_sync::validation::{self, RuleCode, Violation};
use juanzong_sync::{
    CaseNumber, Catalogue, Editor, ItemChanges, MaterialList, MaterialListDocument, NewItem,
    NewList, Originality, Status, TeamKind, Trip,
};

use crate::client::error::ClientError;
use crate::client::Client;

/// Fields of a new list.
#[derive(Debug, Clone)]
pub struct ListInput {
    /// Case number (案号), such as `(2026)豫13执123号`; half-width brackets are accepted.
    pub case_number: String,
    pub kind: TeamKind,
    pub trip_date: Option<NaiveDate>,
    pub trip_place: String,
    pub participants: Vec<String>,
}

/// Fields of a new item.
#[derive(Debug, Clone)]
pub struct ItemInput {
    /// Material type code (`seizure_record`) or Chinese name from the built-in catalogue.
    pub material_type: String,
    pub title: String,
    pub page_count: i64,
    pub originality: Originality,
    pub produced_on: Option<NaiveDate>,
    pub produced_by: String,
    pub notes: String,
    pub uploaded_via_mobile_system: bool,
}

/// Sync state of a local list against the server, from the heads of the last server data fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// The local document has the heads the server reported last.
    Synced,
    /// The local document differs from the server's last report: edits wait for the next sync.
    Pending,
    /// No server data was fetched yet.
    NeverSynced,
    /// Named by the feed but not fetched yet: the local document is empty.
    NotFetched,
}

impl SyncStatus {
    /// Returns the Chinese name shown to users.
    pub fn name_zh(self) -> &'static str {
        match self {
            SyncStatus::Synced => "已同步",
            SyncStatus::Pending => "有未同步的修改",
            SyncStatus::NeverSynced => "从未同步",
            SyncStatus::NotFetched => "待取回",
        }
    }
}

/// A row of the local overview.
#[derive(Debug, Clone, Serialize)]
pub struct LocalList {
    pub list_id: Uuid,
    /// `None` while the list is not fetched yet.
    pub list: Option<ListOverview>,
    pub sync_status: SyncStatus,
}

/// The parts of a list the overview shows.
#[derive(Debug, Clone, Serialize)]
pub struct ListOverview {
    pub case_number: String,
    pub kind: TeamKind,
    pub status: Status,
    pub item_count: usize,
    pub page_count: i64,
}

impl Client {
    /// Creates a list for the user's team and returns its id.
    pub fn create_list(&self, input: ListInput) -> Result<Uuid, ClientError> {
        let session = self.session()?;
        let team_id = session.user.team_id.clone().ok_or(ClientError::NoTeam)?;
        let case_number = CaseNumber::parse(&input.case_number)?;
        let editor = self.editor()?;
        let list_id = Uuid::new_v4();
        let new_list = NewList {
            list_id,
            case_number,
            team_id,
            kind: input.kind,
            trip: Trip {
                date: input.trip_date,
                place: input.trip_place,
                participants: input.participants,
            },
        };

        let mut document = MaterialListDocument::create(self.store.actor()?, new_list, &editor)?;
        let violations = validation::validate_with_builtin(&document.snapshot()?);
        if !violations.is_empty() {
            return Err(ClientError::Violations(violations));
        }
        self.store.save_document(list_id, &mut document)?;
        tracing::info!(%list_id, "list created");
        Ok(list_id)
    }

    /// Adds an item and returns its id.
    pub fn add_item(&self, list_id: Uuid, input: ItemInput) -> Result<Uuid, ClientError> {
        let material_type = resolve_material_type(&input.material_type)?;
        let item_id = Uuid::new_v4();
        let new_item = NewItem {
            id: item_id,
            material_type,
            title: input.title,
            page_count: input.page_count,
            originality: input.originality,
            produced_on: input.produced_on,
            produced_by: input.produced_by,
            notes: input.notes,
            uploaded_via_mobile_system: input.uploaded_via_mobile_system,
        };
        self.edit(list_id, |document, editor| document.add_item(new_item, editor))?;
        Ok(item_id)
    }

    /// Writes the given fields of an item; `material_type` may be a code or a Chinese name.
    pub fn edit_item(
        &self,
        list_id: Uuid,
        item_id: Uuid,
        mut changes: ItemChanges,
    ) -> Result<(), ClientError> {
        if let Some(name) = changes.material_type.take() {
            changes.material_type = Some(resolve_material_type(&name)?);
        }
        self.edit(list_id, |document, editor| {
            document.edit_item(item_id, changes, editor)
        })
    }

    /// Removes an item; it stays in the document as a tombstone.
    pub fn remove_item(&self, list_id: Uuid, item_id: Uuid) -> Result<(), ClientError> {
        self.edit(list_id, |document, editor| document.remove_item(item_id, editor))
    }

    /// Copies a photo into the store under its SHA-256 hash and appends it to the item's pages;
    /// returns the hash.
    pub fn attach_photo(
        &self,
        list_id: Uuid,
        item_id: Uuid,
        file: &Path,
    ) -> Result<String, ClientError> {
        let bytes = std::fs::read(file).map_err(|source| ClientError::PhotoUnreadable {
            path: file.to_path_buf(),
            source,
        })?;
        if !looks_like_photo(&bytes) {
            return Err(ClientError::PhotoTypeUnsupported(file.to_path_buf()));
        }
        let hash = hex::encode(Sha256::digest(&bytes));
        // The list carries the hash; the bytes go to the server in `Client::upload_photos`.
        self.store.save_photo(&hash, &bytes)?;
        self.edit(list_id, |document, editor| {
            document.attach_photo(item_id, &hash, editor)
        })?;
        Ok(hash)
    }

    /// Marks the list 已返回单位 with the return time the team declares.
    pub fn mark_returned(&self, list_id: Uuid, at: DateTime<Utc>) -> Result<(), ClientError> {
        self.edit(list_id, |document, editor| document.mark_returned(at, editor))
    }

    /// Hands the list over (移送) to the case-file center; its content is frozen afterwards.
    pub fn hand_over(&self, list_id: Uuid) -> Result<(), ClientError> {
        self.edit(list_id, |document, editor| document.hand_over(editor))
    }

    /// Reads a local list; [`ClientError::ListNotFound`] also for a list not fetched yet.
    pub fn list(&self, list_id: Uuid) -> Result<MaterialList, ClientError> {
        let document = self.store.load_document(list_id)?;
        if !document.has_list() {
            return Err(ClientError::ListNotFound(list_id));
        }
        Ok(document.snapshot()?)
    }

    /// Returns the violations of a local list in its current state, for display.
    pub fn check(&self, list_id: Uuid) -> Result<Vec<Violation>, ClientError> {
        Ok(validation::validate_with_builtin(&self.list(list_id)?))
    }

    /// Returns every local list with its sync status, ordered by id.
    pub fn lists(&self) -> Result<Vec<LocalList>, ClientError> {
        let mut rows = Vec::new();
        for list_id in self.store.list_ids()? {
            let mut document = self.store.load_document(list_id)?;
            if !document.has_list() {
                rows.push(LocalList {
                    list_id,
                    list: None,
                    sync_status: SyncStatus::NotFetched,
                });
                continue;
            }
            let list = document.snapshot()?;
            let local_heads: BTreeSet<String> =
                document.heads().iter().map(|h| h.to_string()).collect();
            let sync_status = match self.store.server_detail(list_id)? {
                None => SyncStatus::NeverSynced,
                Some(detail) => {
                    let server_heads: BTreeSet<String> = detail.server.heads.into_iter().collect();
                    if server_heads == local_heads {
                        SyncStatus::Synced
                    } else {
                        SyncStatus::Pending
                    }
                }
            };
            rows.push(LocalList {
                list_id,
                list: Some(ListOverview {
                    case_number: list.case_number.clone(),
                    kind: list.kind,
                    status: list.status,
                    item_count: list.live_items().len(),
                    page_count: list.total_pages(),
                }),
                sync_status,
            });
        }
        Ok(rows)
    }

    /// Runs one edit: load, commit, check that no new violation appeared, save.
    fn edit<F>(&self, list_id: Uuid, change: F) -> Result<(), ClientError>
    where
        F: FnOnce(&mut MaterialListDocument, &Editor) -> Result<(), juanzong_sync::DocumentError>,
    {
        let editor = self.editor()?;
        let mut document = self.store.load_document(list_id)?;
        if !document.has_list() {
            return Err(ClientError::ListNotFound(list_id));
        }
        let before = validation::validate_with_builtin(&document.snapshot()?);

        change(&mut document, &editor)?;

        let after = validation::validate_with_builtin(&document.snapshot()?);
        let added = new_violations(&before, after);
        if !added.is_empty() {
            return Err(ClientError::Violations(added));
        }
        self.store.save_document(list_id, &mut document)
    }

    fn editor(&self) -> Result<Editor, ClientError> {
        Ok(Editor {
            user: self.session()?.user.id,
            at: Utc::now(),
        })
    }
}

/// Returns the violations of `after` whose rule and item were not already broken in `before`.
fn new_violations(before: &[Violation], after: Vec<Violation>) -> Vec<Violation> {
    let known: HashSet<(RuleCode, Option<Uuid>)> =
        before.iter().map(|v| (v.code, v.item_id)).collect();
    after
        .into_iter()
        .filter(|v| !known.contains(&(v.code, v.item_id)))
        .collect()
}

/// Finds a material type of the built-in catalogue by code or by Chinese name; returns its code.
pub fn resolve_material_type(code_or_name: &str) -> Result<String, ClientError> {
    let wanted = code_or_name.trim();
    let unknown = || ClientError::MaterialTypeUnknown(wanted.to_string());
    let catalogue = Catalogue::builtin().map_err(|_| unknown())?;
    if let Some(found) = catalogue.get(wanted) {
        return Ok(found.code.clone());
    }
    catalogue
        .types()
        .iter()
        .find(|t| t.name == wanted)
        .map(|t| t.code.clone())
        .ok_or_else(unknown)
}

/// Tells from the first bytes whether a file is a photo type the server accepts: JPEG, PNG, WebP,
/// TIFF or HEIC. The server checks again; this only keeps a page that can never be uploaded off
/// the list.
pub fn looks_like_photo(bytes: &[u8]) -> bool {
    let starts = |prefix: &[u8]| bytes.starts_with(prefix);
    let webp = starts(b"RIFF") && bytes.get(8..12) == Some(&b"WEBP"[..]);
    let heic = bytes.get(4..8) == Some(&b"ftyp"[..])
        && matches!(bytes.get(8..12), Some(b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1"));
    starts(&[0xFF, 0xD8, 0xFF])
        || starts(b"\x89PNG\r\n\x1a\n")
        || starts(b"II*\0")
        || starts(b"MM\0*")
        || webp
        || heic
}

#[cfg(test)]
mod photo_type_tests {
    use super::looks_like_photo;

    #[test]
    fn photo_types_by_first_bytes() {
        assert!(looks_like_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]));
        assert!(looks_like_photo(b"\x89PNG\r\n\x1a\n\0\0"));
        assert!(looks_like_photo(b"RIFF\x10\0\0\0WEBPVP8 "));
        assert!(looks_like_photo(b"\0\0\0\x18ftypheic\0\0"));
        assert!(looks_like_photo(b"II*\0\x08\0"));
        assert!(!looks_like_photo(b"GIF89a"));
        assert!(!looks_like_photo(b"PK\x03\x04"));
        assert!(!looks_like_photo(b"plain text"));
        assert!(!looks_like_photo(b""));
    }
}

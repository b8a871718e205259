//! Each case's catalogue (案卷目录): the paper the center keeps, attached to catalogue nodes with
//! standard names, and the flags the clerk checks before scanning (already uploaded through the
//! mobile system, duplicates in the case, photos that show another case's number).
//!
//! A filing row is made for every item the center keeps, when a registration or a decision makes
//! it kept, with a suggested node and name. A clerk then confirms or changes them (上传归目),
//! which marks the item processed for the daily figures (日清日结).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

use juanzong_center::catalogue::{FiledItem, FilingCatalogue};
use juanzong_center::check::{ExtraPaper, ItemResult};
use juanzong_center::duplicates::{self, DuplicateCandidate};
use juanzong_center::naming;
use juanzong_center::register::{self as rules, DisputeDecision};
use juanzong_mobile_api::center::{
    CaseCatalogue, CatalogueRow, DuplicateFlag, FileItemRequest, ItemFlags,
};
use juanzong_sync::materials::Catalogue;
use juanzong_sync::CaseNumber;

use super::entries::{self, StoredEntry};
use super::{access, shanghai_day};
use crate::auth::AuthUser;
use crate::entities::{filed_item, material_item, material_list, photo};
use crate::error::{ApiError, ApiResult};

/// Maximum length of a standard name and of an original number, in characters.
const MAX_NAME_CHARS: usize = 200;

fn filing_catalogue() -> ApiResult<&'static FilingCatalogue> {
    FilingCatalogue::builtin().map_err(|error| {
        ApiError::internal(anyhow::anyhow!(
            "built-in filing catalogue is invalid: {error}"
        ))
    })
}

fn material_types() -> ApiResult<&'static Catalogue> {
    Catalogue::builtin().map_err(|error| {
        ApiError::internal(anyhow::anyhow!(
            "built-in material types are invalid: {error}"
        ))
    })
}

/// Returns the items a list's register currently keeps, with the result that counts, and the extra papers.
fn kept_items(
    entries: &[StoredEntry],
    decisions: &[DisputeDecision],
) -> (BTreeMap<Uuid, ItemResult>, Vec<ExtraPaper>) {
    let records: Vec<_> = entries.iter().map(|entry| entry.record.clone()).collect();
    let kept = rules::current_results(&records, decisions)
        .into_iter()
        .filter(|(_, current)| current.result.is_kept())
        .map(|(id, current)| (id, current.result))
        .collect();
    let extras = rules::current_extras(&records)
        .into_iter()
        .cloned()
        .collect();
    (kept, extras)
}

/// Returns the OCR text of each photo that has one, by hash.
async fn ocr_texts<C: ConnectionTrait>(
    db: &C,
    hashes: &BTreeSet<String>,
) -> ApiResult<HashMap<String, String>> {
    if hashes.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = photo::Entity::find()
        .filter(photo::Column::Sha256.is_in(hashes.iter().cloned()))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((row.sha256, row.ocr_text?)))
        .collect())
}

fn photo_hashes(item: &material_item::Model) -> Vec<String> {
    serde_json::from_str(&item.photos).unwrap_or_default()
}

fn joined_text(hashes: &[String], texts: &HashMap<String, String>) -> String {
    hashes
        .iter()
        .filter_map(|hash| texts.get(hash).map(String::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Makes a filing row for every item the list's register keeps that has none yet, and updates
/// the page count of existing rows that a correction changed. `entries` includes the entry just
/// stored, which new rows refer to.
pub async fn file_kept_items<C: ConnectionTrait>(
    db: &C,
    list: &material_list::Model,
    entries: &[StoredEntry],
    decisions: &[DisputeDecision],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Some(latest) = entries.last() else {
        return Ok(());
    };
    let (kept, extras) = kept_items(entries, decisions);
    let existing: HashMap<String, filed_item::Model> = filed_item::Entity::find()
        .filter(filed_item::Column::ListId.eq(list.list_id.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.item_id.clone(), row))
        .collect();
    let items: Vec<material_item::Model> = material_item::Entity::find()
        .filter(material_item::Column::ListId.eq(list.list_id.clone()))
        .all(db)
        .await?;
    let hashes: BTreeSet<String> = items.iter().flat_map(photo_hashes).collect();
    let texts = ocr_texts(db, &hashes).await?;
    let filing = filing_catalogue()?;
    let types = material_types()?;
    let arrival_base =
        i64::from(latest.row.year) * 10_000_000 + i64::from(latest.row.serial) * 1_000;

    let mut new_rows = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Ok(id) = Uuid::parse_str(&item.item_id) else {
            continue;
        };
        let Some(result) = kept.get(&id) else {
            continue;
        };
        let pages = match result {
            ItemResult::PageMismatch { counted_pages } => *counted_pages,
            _ => item.page_count,
        };
        if let Some(row) = existing.get(&item.item_id) {
            update_pages(db, row, pages).await?;
            continue;
        }
        let type_name = types
            .get(&item.material_type)
            .map_or(item.material_type.as_str(), |t| t.name.as_str());
        let suggestion = naming::suggest_name(
            type_name,
            &item.title,
            &joined_text(&photo_hashes(item), &texts),
        );
        new_rows.push(filed_item::ActiveModel {
            item_id: Set(item.item_id.clone()),
            list_id: Set(list.list_id.clone()),
            case_number: Set(list.case_number.clone()),
            entry_id: Set(latest.row.entry_id.clone()),
            extra: Set(false),
            material_type: Set(Some(item.material_type.clone())),
            node: Set(filing
                .node_for_type(&item.material_type)
                .map(|node| node.path())),
            standard_name: Set(suggestion.name),
            party: Set(suggestion.party),
            original_number: Set(String::new()),
            produced_on: Set(item.produced_on),
            page_count: Set(pages),
            received_on: Set(shanghai_day(now)),
            arrival: Set(arrival_base + index as i64),
            filed_by: Set(None),
            filed_at: Set(None),
        });
    }
    for (index, extra) in extras.iter().enumerate() {
        if let Some(row) = existing.get(&extra.id.to_string()) {
            update_pages(db, row, extra.page_count).await?;
            continue;
        }
        let type_name = extra
            .material_type
            .as_deref()
            .and_then(|code| types.get(code))
            .map_or("", |t| t.name.as_str());
        let suggestion = naming::suggest_name(type_name, &extra.title, "");
        new_rows.push(filed_item::ActiveModel {
            item_id: Set(extra.id.to_string()),
            list_id: Set(list.list_id.clone()),
            case_number: Set(list.case_number.clone()),
            entry_id: Set(latest.row.entry_id.clone()),
            extra: Set(true),
            material_type: Set(extra.material_type.clone()),
            node: Set(extra
                .material_type
                .as_deref()
                .and_then(|code| filing.node_for_type(code))
                .map(|node| node.path())),
            standard_name: Set(suggestion.name),
            party: Set(suggestion.party),
            original_number: Set(String::new()),
            produced_on: Set(None),
            page_count: Set(extra.page_count),
            received_on: Set(shanghai_day(now)),
            arrival: Set(arrival_base + 500 + index as i64),
            filed_by: Set(None),
            filed_at: Set(None),
        });
    }
    for row in new_rows {
        row.insert(db).await?;
    }
    Ok(())
}

async fn update_pages<C: ConnectionTrait>(
    db: &C,
    row: &filed_item::Model,
    pages: i64,
) -> ApiResult<()> {
    if row.page_count == pages {
        return Ok(());
    }
    let mut active: filed_item::ActiveModel = row.clone().into();
    active.page_count = Set(pages);
    active.update(db).await?;
    Ok(())
}

/// Returns the ids of the items the registers of `list_ids` currently keep, extra papers included.
pub async fn kept_ids_of_lists<C: ConnectionTrait>(
    db: &C,
    list_ids: &[String],
) -> ApiResult<BTreeSet<String>> {
    let mut kept_ids = BTreeSet::new();
    for list_id in list_ids {
        let entries = entries::of_list(db, list_id).await?;
        let disputes = entries::disputes_of_list(db, list_id).await?;
        let decisions = entries::decisions(&disputes, &entries);
        let (kept, extras) = kept_items(&entries, &decisions);
        kept_ids.extend(kept.keys().map(Uuid::to_string));
        kept_ids.extend(extras.iter().map(|extra| extra.id.to_string()));
    }
    Ok(kept_ids)
}

/// Builds the catalogue of one case.
pub async fn case_catalogue(
    db: &DatabaseConnection,
    caller: &AuthUser,
    case_number: &str,
) -> ApiResult<CaseCatalogue> {
    access::require_center_reader(caller)?;
    let parsed = CaseNumber::parse(case_number).map_err(|error| {
        ApiError::bad_request(
            "CASE_NUMBER_INVALID",
            format!("案号“{case_number}”无效：{error}"),
        )
    })?;
    let case_number = parsed.normal_form();

    let lists = material_list::Entity::find()
        .filter(material_list::Column::CaseNumber.eq(case_number.clone()))
        .all(db)
        .await?;
    let list_ids: Vec<String> = lists.iter().map(|list| list.list_id.clone()).collect();
    let kept = kept_ids_of_lists(db, &list_ids).await?;
    let filed: Vec<filed_item::Model> = filed_item::Entity::find()
        .filter(filed_item::Column::CaseNumber.eq(case_number.clone()))
        .all(db)
        .await?
        .into_iter()
        .filter(|row| kept.contains(&row.item_id))
        .collect();
    let items: HashMap<String, material_item::Model> = material_item::Entity::find()
        .filter(material_item::Column::ListId.is_in(list_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|item| (item.item_id.clone(), item))
        .collect();

    let flags = item_flags(db, &parsed, &filed, &items).await?;
    let toc_input: Vec<FiledItem> = filed
        .iter()
        .filter_map(|row| {
            Some(FiledItem {
                item_id: Uuid::parse_str(&row.item_id).ok()?,
                node: row.node.clone(),
                title: row.standard_name.clone(),
                original_number: row.original_number.clone(),
                produced_on: row.produced_on,
                page_count: row.page_count,
                notes: String::new(),
                arrival: row.arrival.max(0) as u64,
            })
        })
        .collect();
    let by_id: HashMap<&str, &filed_item::Model> = filed
        .iter()
        .map(|row| (row.item_id.as_str(), row))
        .collect();

    let mut rows = Vec::with_capacity(toc_input.len());
    for toc in filing_catalogue()?.table_of_contents(&toc_input) {
        let key = toc.item_id.to_string();
        let Some(row) = by_id.get(key.as_str()) else {
            continue;
        };
        rows.push(CatalogueRow {
            volume: toc.volume.code().to_string(),
            volume_label: toc.volume.name_zh().to_string(),
            node: toc.node,
            number: toc.number,
            title: toc.title,
            original_number: toc.original_number,
            date: toc.date,
            pages: toc.pages.map(|pages| pages.to_string()),
            item_id: toc.item_id,
            list_id: Uuid::parse_str(&row.list_id).unwrap_or_default(),
            material_type: row.material_type.clone(),
            party: row.party.clone(),
            extra: row.extra,
            filed: row.filed_at.is_some(),
            flags: flags.get(&key).cloned().unwrap_or_default(),
        });
    }
    let unfiled = rows.iter().filter(|row| !row.filed).count() as u32;
    Ok(CaseCatalogue {
        case_number,
        rows,
        unfiled,
    })
}

async fn item_flags(
    db: &DatabaseConnection,
    case_number: &CaseNumber,
    filed: &[filed_item::Model],
    items: &HashMap<String, material_item::Model>,
) -> ApiResult<HashMap<String, ItemFlags>> {
    let hashes: BTreeSet<String> = items.values().flat_map(photo_hashes).collect();
    // NOTE: only photos the photo workers have already processed have OCR text, so text
    // duplicates and other-case numbers of items whose photos are still queued are not flagged.
    let texts = ocr_texts(db, &hashes).await?;

    let mut flags: HashMap<String, ItemFlags> = HashMap::new();
    let mut candidates = Vec::new();
    for row in filed {
        let item = items.get(&row.item_id);
        let photos = item.map(photo_hashes).unwrap_or_default();
        let text = joined_text(&photos, &texts);
        flags.insert(
            row.item_id.clone(),
            ItemFlags {
                uploaded_via_mobile_system: item
                    .is_some_and(|item| item.uploaded_via_mobile_system),
                duplicates: Vec::new(),
                other_case_numbers: duplicates::other_case_numbers(case_number, &text),
            },
        );
        if let Ok(item_id) = Uuid::parse_str(&row.item_id) {
            candidates.push(DuplicateCandidate {
                item_id,
                photo_hashes: photos,
                ocr_text: text,
            });
        }
    }
    for pair in duplicates::find_duplicates(&candidates) {
        for (this, other) in [(pair.first, pair.second), (pair.second, pair.first)] {
            if let Some(entry) = flags.get_mut(&this.to_string()) {
                entry.duplicates.push(DuplicateFlag {
                    other_item_id: other,
                    reason: pair.reason.clone(),
                });
            }
        }
    }
    Ok(flags)
}

/// Files a received item: confirms or changes its node and standard name, and marks it processed.
pub async fn file_item(
    db: &DatabaseConnection,
    caller: &AuthUser,
    item_id: Uuid,
    request: FileItemRequest,
) -> ApiResult<CatalogueRow> {
    access::require_center(caller)?;
    let name = request.standard_name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_request(
            "STANDARD_NAME_INVALID",
            format!("标准名称不能为空，且不能超过 {MAX_NAME_CHARS} 个字。"),
        ));
    }
    super::reject_control_characters(name, "标准名称")?;
    super::reject_control_characters(&request.original_number, "文件原编号")?;
    if request.original_number.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_request(
            "ORIGINAL_NUMBER_INVALID",
            format!("文件原编号不能超过 {MAX_NAME_CHARS} 个字。"),
        ));
    }
    if let Some(node) = &request.node {
        if filing_catalogue()?.node(node).is_none() {
            return Err(ApiError::bad_request(
                "CATALOGUE_NODE_UNKNOWN",
                format!("目录节点“{node}”不存在，应为 main/节点名称 或 internal/节点名称。"),
            ));
        }
    }
    let row = filed_item::Entity::find_by_id(item_id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "FILED_ITEM_NOT_FOUND",
                format!("没有已接收的材料 {item_id}。"),
            )
        })?;
    let case_number = row.case_number.clone();
    let mut active: filed_item::ActiveModel = row.into();
    active.node = Set(request.node.clone());
    active.standard_name = Set(name.to_string());
    active.party = Set(name.rsplit_once('-').map(|(_, party)| party.to_string()));
    active.original_number = Set(request.original_number.trim().to_string());
    active.filed_by = Set(Some(caller.user_id.clone()));
    active.filed_at = Set(Some(Utc::now()));
    active.update(db).await?;

    let catalogue = case_catalogue(db, caller, &case_number).await?;
    catalogue
        .rows
        .into_iter()
        .find(|row| row.item_id == item_id)
        .ok_or_else(|| {
            ApiError::not_found(
                "FILED_ITEM_NOT_FOUND",
                format!("材料 {item_id} 目前不在案卷目录中。"),
            )
        })
}

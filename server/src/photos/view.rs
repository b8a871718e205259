//! The API's view of a photo: its row in `photos` turned into a `PhotoView`, with the
//! other-case flag computed against the lists the caller may read.

use juanzong_mobile_api::photos::{
    CheckView, ChecksView, FlagView, PhotoUse, PhotoView, OTHER_CASE_FLAG,
};
use juanzong_mobile_api::ErrorBody;
use juanzong_photo::{Check, Checks, Upright};
use juanzong_sync::CaseNumber;
use uuid::Uuid;

use super::references::Reference;
use crate::entities::photo;

/// Chinese label of the other-case flag.
const OTHER_CASE_LABEL: &str = "案号与清单不符";

/// Builds the view of a photo for a caller who may read `references`.
pub fn build(row: &photo::Model, references: &[Reference]) -> PhotoView {
    let checks: Option<Checks> = row
        .checks
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let upright: Option<Upright> = row
        .upright
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let case_numbers: Vec<String> = row
        .case_numbers
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();

    let used_in: Vec<PhotoUse> = references
        .iter()
        .filter_map(|reference| {
            Some(PhotoUse {
                list_id: Uuid::parse_str(&reference.list_id).ok()?,
                item_id: Uuid::parse_str(&reference.item_id).ok()?,
                page: reference.position as u32 + 1,
                case_number: reference.case_number.clone(),
                removed: reference.removed,
                other_case: is_other_case(&case_numbers, &reference.case_number),
            })
        })
        .collect();

    let mut flags: Vec<FlagView> = checks
        .iter()
        .flat_map(|checks| checks.flags.iter())
        .map(|flag| FlagView {
            code: flag.code().to_string(),
            label: flag.label_zh().to_string(),
        })
        .collect();
    if used_in.iter().any(|used| used.other_case && !used.removed) {
        flags.push(FlagView {
            code: OTHER_CASE_FLAG.to_string(),
            label: OTHER_CASE_LABEL.to_string(),
        });
    }

    PhotoView {
        sha256: row.sha256.clone(),
        status: row.status.clone(),
        status_label: row.status_label.clone(),
        failure: row.failure_code.as_ref().map(|code| ErrorBody {
            code: code.clone(),
            message: row.failure_message.clone().unwrap_or_default(),
        }),
        attempts: row.attempts,
        queued_at: row.queued_at,
        finished_at: row.finished_at,
        format: row.format.clone(),
        original_width: row.original_width,
        original_height: row.original_height,
        working_width: row.working_width,
        working_height: row.working_height,
        exif_orientation: upright
            .as_ref()
            .and_then(|upright| upright.exif_orientation),
        rotation_degrees: upright
            .as_ref()
            .map(|upright| upright.detected_rotation.degrees()),
        checks: checks.as_ref().map(checks_view),
        ocr_text: row.ocr_text.clone(),
        ocr_confidence: row.ocr_confidence,
        case_numbers,
        flags,
        used_in,
    }
}

/// Returns true when OCR found case numbers and none of them is the list's.
///
/// A page that shows its own case number next to another one is not flagged, because a resumed
/// case cites the first case, for example. A page that shows only other numbers is flagged.
pub fn is_other_case(found: &[String], list_case_number: &str) -> bool {
    if found.is_empty() {
        return false;
    }
    let list = CaseNumber::parse(list_case_number).ok();
    !found
        .iter()
        .any(|text| match (&list, CaseNumber::parse(text)) {
            (Some(list), Ok(number)) => *list == number,
            _ => text == list_case_number,
        })
}

fn checks_view(checks: &Checks) -> ChecksView {
    let view = |check: &Check| CheckView {
        value: check.value,
        threshold: check.threshold,
        flagged: check.flagged,
    };
    ChecksView {
        skew_degrees: view(&checks.skew_degrees),
        black_border: view(&checks.black_border),
        blank: view(&checks.blank),
        effective_dpi: view(&checks.effective_dpi),
        blur: view(&checks.blur),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_case_needs_a_foreign_number_only() {
        let own = "（2026）豫13执123号";
        let other = "（2025）豫13执456号".to_string();

        assert!(!is_other_case(&[], own));
        assert!(is_other_case(std::slice::from_ref(&other), own));
        assert!(!is_other_case(&[other, own.to_string()], own));
        assert!(!is_other_case(&["(2026)豫13执123号".to_string()], own));
    }
}

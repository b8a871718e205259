//! Duplicates within one case (一案一号, duplicates removed before filing), and photos that show
//! another case's number.
//!
//! Two items are duplicates when they share a photo (the same SHA-256 content hash), or when
//! their OCR texts are near-identical: the Jaccard similarity of their sets of character
//! shingles reaches [`NEAR_DUPLICATE_THRESHOLD`]. OCR of two scans of one page differs in a few
//! characters, which changes only the shingles that cover them, while two different records of
//! the same kind share their printed form but differ in every filled-in line.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use juanzong_sync::CaseNumber;

/// Characters per shingle. Three characters are about one Chinese word and a half, short enough
/// that one misread character spoils only three shingles.
pub const SHINGLE_CHARS: usize = 3;
/// Jaccard similarity from which two OCR texts count as the same document. The tests measure 0.89
/// for two OCR runs of one record and 0.24 for two different records on one printed form.
pub const NEAR_DUPLICATE_THRESHOLD: f64 = 0.8;
/// Texts with fewer significant characters than this are not compared: a short text, such as a
/// photo of a seal, carries too little text to call two items the same.
pub const MIN_COMPARED_CHARS: usize = 40;

/// One item of a case, as input to [`find_duplicates`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateCandidate {
    pub item_id: Uuid,
    /// SHA-256 hashes of the item's photos.
    pub photo_hashes: Vec<String>,
    /// OCR text of the item's photos, joined; empty when none.
    pub ocr_text: String,
}

/// Reason two items count as duplicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DuplicateReason {
    /// Both items contain this photo.
    SamePhoto { sha256: String },
    /// The OCR texts are near-identical, with this Jaccard similarity.
    SimilarText { similarity: f64 },
}

/// Two items of one case that are duplicates; `first` sorts before `second`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicatePair {
    pub first: Uuid,
    pub second: Uuid,
    #[serde(flatten)]
    pub reason: DuplicateReason,
}

/// Returns the significant characters of a text: letters and digits, without spaces and
/// punctuation, which OCR renders inconsistently.
fn significant(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Returns the set of character shingles of a text.
pub fn shingles(text: &str) -> BTreeSet<String> {
    let chars = significant(text);
    if chars.len() < SHINGLE_CHARS {
        return BTreeSet::new();
    }
    chars
        .windows(SHINGLE_CHARS)
        .map(|window| window.iter().collect())
        .collect()
}

/// Returns the Jaccard similarity of two texts' shingle sets, from 0 to 1; 0 when either is empty.
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&shingles(a), &shingles(b))
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.intersection(b).count();
    let union = a.len() + b.len() - common;
    common as f64 / union as f64
}

/// Finds the duplicate pairs among a case's items. A pair that shares a photo is reported once,
/// for the first shared hash, and is not compared by text.
pub fn find_duplicates(items: &[DuplicateCandidate]) -> Vec<DuplicatePair> {
    let mut sorted: Vec<&DuplicateCandidate> = items.iter().collect();
    sorted.sort_by_key(|item| item.item_id);

    let mut pairs = Vec::new();
    let mut reported = BTreeSet::new();
    let mut holders: BTreeMap<&str, Vec<Uuid>> = BTreeMap::new();
    for item in &sorted {
        let unique: BTreeSet<&str> = item.photo_hashes.iter().map(String::as_str).collect();
        for hash in unique {
            holders.entry(hash).or_default().push(item.item_id);
        }
    }
    for (hash, ids) in &holders {
        for (index, first) in ids.iter().enumerate() {
            for second in &ids[index + 1..] {
                if reported.insert((*first, *second)) {
                    pairs.push(DuplicatePair {
                        first: *first,
                        second: *second,
                        reason: DuplicateReason::SamePhoto {
                            sha256: hash.to_string(),
                        },
                    });
                }
            }
        }
    }

    let texts: Vec<(Uuid, BTreeSet<String>)> = sorted
        .iter()
        .filter(|item| significant(&item.ocr_text).len() >= MIN_COMPARED_CHARS)
        .map(|item| (item.item_id, shingles(&item.ocr_text)))
        .collect();
    for (index, (first, first_shingles)) in texts.iter().enumerate() {
        for (second, second_shingles) in &texts[index + 1..] {
            if reported.contains(&(*first, *second)) {
                continue;
            }
            let similarity = jaccard(first_shingles, second_shingles);
            if similarity >= NEAR_DUPLICATE_THRESHOLD {
                reported.insert((*first, *second));
                pairs.push(DuplicatePair {
                    first: *first,
                    second: *second,
                    reason: DuplicateReason::SimilarText { similarity },
                });
            }
        }
    }
    pairs.sort_by_key(|pair| (pair.first, pair.second));
    pairs
}

/// Returns the case numbers in OCR text that differ from the item's own case number, in normal
/// form and without repeats. Such an item may belong in another case's file.
pub fn other_case_numbers(own: &CaseNumber, ocr_text: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    for number in CaseNumber::find_all(ocr_text) {
        if &number != own {
            found.insert(number.normal_form());
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OCR of a seizure record (查封笔录).
    const RECORD: &str = "查封笔录\n时间：2026年12月2日9时30分至10时15分\n地点：南阳市宛城区仲景路18号院3号楼\n\
        执行人员：张警官、李警官 记录人：李警官\n被执行人：王建国，男，1975年3月出生，住南阳市宛城区\n\
        执行人员向被执行人宣读了（2026）豫13执123号执行裁定书，依法查封被执行人名下位于仲景路18号院3号楼2单元\
        501室房产一套，并张贴封条及查封公告。被执行人对查封无异议。以上笔录经被执行人阅看无误后签字。";

    /// The same page scanned again: OCR misreads a few characters and breaks lines differently.
    const RECORD_RESCANNED: &str = "查封笔录 时间:2026年12月2日9时3O分至10时15分 地点:南阳市宛城区仲景路18号院3号楼 \
        执行人员:张警官、李警官 记录人:李警官 被执行人:王建国,男,1975年3月出生,住南阳市宛城区 \
        执行人员向被执行人宣读了(2026)豫13执123号执行栽定书,依法查封被执行人名下位于仲景路18号院3号楼2单元\
        501室房产一套,并张贴封条及查封公吿。被执行人对查封无异议。以上笔录经被执行人阅看无误后签字。";

    /// Another seizure record on the same printed form, for another property and person.
    const OTHER_RECORD: &str = "查封笔录\n时间：2026年12月3日14时00分至14时40分\n地点：南阳市卧龙区车站路6号\n\
        执行人员：张警官、李警官 记录人：张警官\n被执行人：孙丽，女，1982年7月出生，住南阳市卧龙区\n\
        执行人员向被执行人宣读了（2026）豫13执456号执行裁定书，依法扣押被执行人所有的豫R·8K123号小型轿车一辆，\
        并制作扣押财产清单。被执行人拒绝签字，由见证人签字确认。";

    fn candidate(n: u128, hashes: &[&str], text: &str) -> DuplicateCandidate {
        DuplicateCandidate {
            item_id: Uuid::from_u128(n),
            photo_hashes: hashes.iter().map(|h| h.to_string()).collect(),
            ocr_text: text.to_string(),
        }
    }

    #[test]
    fn rescanned_page_is_near_identical() {
        let same = similarity(RECORD, RECORD_RESCANNED);
        assert!(same >= NEAR_DUPLICATE_THRESHOLD, "similarity {same}");
        let different = similarity(RECORD, OTHER_RECORD);
        assert!(different < 0.5, "similarity {different}");
    }

    #[test]
    fn finds_same_photo_and_similar_text() {
        let hash_a = "a".repeat(64);
        let hash_b = "b".repeat(64);
        let items = [
            candidate(1, &[&hash_a], RECORD),
            candidate(2, &[&hash_b], RECORD_RESCANNED),
            candidate(3, &[&hash_a], OTHER_RECORD),
            candidate(4, &[], OTHER_RECORD),
        ];
        let pairs = find_duplicates(&items);
        let summary: Vec<(u128, u128, &str)> = pairs
            .iter()
            .map(|pair| {
                let kind = match pair.reason {
                    DuplicateReason::SamePhoto { .. } => "photo",
                    DuplicateReason::SimilarText { .. } => "text",
                };
                (pair.first.as_u128(), pair.second.as_u128(), kind)
            })
            .collect();
        assert_eq!(summary, [(1, 2, "text"), (1, 3, "photo"), (3, 4, "text")]);
    }

    #[test]
    fn short_texts_are_not_compared() {
        let items = [
            candidate(1, &[], "封条 豫13执123号"),
            candidate(2, &[], "封条 豫13执123号"),
        ];
        assert!(find_duplicates(&items).is_empty());
    }

    #[test]
    fn other_case_number_is_found() {
        let own = CaseNumber::parse("（2026）豫13执123号").expect("valid");
        assert!(other_case_numbers(&own, RECORD).is_empty());
        assert_eq!(
            other_case_numbers(&own, OTHER_RECORD),
            ["（2026）豫13执456号"]
        );
    }
}

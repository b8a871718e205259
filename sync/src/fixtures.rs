//! Builders of realistic lists and documents shared by the unit tests.

use automerge::ActorId;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::case_number::CaseNumber;
use crate::document::{Editor, MaterialListDocument, NewItem, NewList};
use crate::model::{Originality, TeamKind, Trip};

/// Id of the list every fixture builds.
pub const LIST_ID: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);

/// Returns a photo hash that passes validation; `n` makes it distinct.
pub fn photo(n: u8) -> String {
    format!("{:064x}", u128::from(n) + 0xabc0)
}

/// 2026-03-02 at `hour`:`minute` UTC, the day of the fixture trip.
pub fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    match Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0) {
        chrono::LocalResult::Single(time) => time,
        _ => panic!("fixture time {hour}:{minute} is invalid"),
    }
}

pub fn trip_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid fixture date")
}

pub fn editor(user: &str, hour: u32, minute: u32) -> Editor {
    Editor {
        user: user.to_string(),
        at: at(hour, minute),
    }
}

/// Returns a device actor id made of one repeated byte, so tests can tell devices apart.
pub fn actor(byte: u8) -> ActorId {
    ActorId::from(&[byte; 16][..])
}

pub fn item_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_9000_0000_0000_0000 + n)
}

pub fn new_list() -> NewList {
    NewList {
        list_id: LIST_ID,
        case_number: CaseNumber::parse("（2026）豫13执123号").expect("valid fixture case number"),
        team_id: "team-1".to_string(),
        kind: TeamKind::Enforcement,
        trip: Trip {
            date: Some(trip_day()),
            place: "南阳市宛城区建设路 18 号".to_string(),
            participants: Vec::new(),
        },
    }
}

pub fn new_item(n: u128, material_type: &str, title: &str) -> NewItem {
    NewItem {
        id: item_id(n),
        material_type: material_type.to_string(),
        title: title.to_string(),
        page_count: 2,
        originality: Originality::Original,
        produced_on: Some(trip_day()),
        produced_by: "张法官".to_string(),
        notes: String::new(),
        uploaded_via_mobile_system: false,
    }
}

/// Builds a draft list by device `actor(1)` with two participants and two items (ids 1 and 2),
/// each with one photo.
pub fn draft_document() -> MaterialListDocument {
    let clerk = editor("clerk-1", 9, 0);
    let mut doc = MaterialListDocument::create(actor(1), new_list(), &clerk)
        .expect("fixture list is created");
    doc.add_participant("张法官", &clerk).expect("participant");
    doc.add_participant("李书记员", &clerk)
        .expect("participant");
    doc.add_item(new_item(1, "seizure_record", "查封笔录-张某"), &clerk)
        .expect("item 1");
    doc.add_item(
        new_item(2, "service_address_confirmation", "送达地址确认书-张某"),
        &clerk,
    )
    .expect("item 2");
    doc.attach_photo(item_id(1), &photo(1), &clerk)
        .expect("photo 1");
    doc.attach_photo(item_id(2), &photo(2), &clerk)
        .expect("photo 2");
    doc
}

/// Builds [`draft_document`] marked returned at 17:00 and handed over at 17:30.
pub fn handed_over_document() -> MaterialListDocument {
    let mut doc = draft_document();
    doc.mark_returned(at(17, 0), &editor("clerk-1", 17, 0))
        .expect("fixture list is returned");
    doc.hand_over(&editor("clerk-1", 17, 30))
        .expect("fixture list is handed over");
    doc
}

use automerge::ReadDoc;

use super::*;
use crate::fixtures::{self, actor, at, editor, item_id, photo, LIST_ID};

#[test]
fn created_list_reads_back() {
    let doc = fixtures::draft_document();
    let list = doc.snapshot().expect("snapshot");
    assert_eq!(list.list_id, LIST_ID);
    assert_eq!(list.case_number, "（2026）豫13执123号");
    assert_eq!(list.team_id, "team-1");
    assert_eq!(list.kind, TeamKind::Enforcement);
    assert_eq!(list.status, Status::Draft);
    assert_eq!(list.trip.date, Some(fixtures::trip_day()));
    assert_eq!(list.trip.participants, vec!["张法官", "李书记员"]);
    assert_eq!(list.created_by, "clerk-1");
    assert_eq!(list.created_at, at(9, 0));
    assert_eq!(list.items.len(), 2);

    let item = &list.items[&item_id(1)];
    assert_eq!(item.material_type, "seizure_record");
    assert_eq!(item.title, "查封笔录-张某");
    assert_eq!(item.page_count, 2);
    assert_eq!(item.originality, Originality::Original);
    assert_eq!(item.photos, vec![photo(1)]);
    assert_eq!(item.added_by, "clerk-1");
    assert!(!item.is_removed());
}

#[test]
fn save_and_load_keep_the_snapshot() {
    let mut doc = fixtures::handed_over_document();
    let bytes = doc.save();
    let loaded = MaterialListDocument::load(&bytes, actor(9)).expect("loads");
    assert_eq!(
        loaded.snapshot().expect("snapshot"),
        doc.snapshot().expect("snapshot")
    );
    assert_eq!(loaded.actor(), &actor(9));
}

#[test]
fn snapshot_json_round_trips() {
    let list = fixtures::handed_over_document()
        .snapshot()
        .expect("snapshot");
    let json = serde_json::to_string(&list).expect("serializes");
    assert!(json.contains("\"status\":\"handed_over\""));
    assert!(json.contains("\"case_number\":\"（2026）豫13执123号\""));
    let back: MaterialList = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, list);
}

#[test]
fn edit_makes_one_commit() {
    let mut doc = fixtures::draft_document();
    let before = doc.automerge().get_changes(&[]).len();
    let changes = ItemChanges {
        page_count: Some(5),
        notes: Some("第二页有涂改".to_string()),
        ..ItemChanges::default()
    };
    doc.edit_item(item_id(1), changes, &editor("clerk-2", 10, 15))
        .expect("edit");
    let all = doc.automerge().get_changes(&[]);
    assert_eq!(all.len(), before + 1);
    let last = all.last().expect("a change");
    let expected = format!("edit_item {}", item_id(1));
    assert_eq!(last.message().map(|m| m.to_string()), Some(expected));
    assert_eq!(last.timestamp(), at(10, 15).timestamp_millis());
}

#[test]
fn edit_writes_only_given_fields() {
    let mut doc = fixtures::draft_document();
    let changes = ItemChanges {
        title: Some("查封笔录-张某（补正）".to_string()),
        produced_on: Some(None),
        ..ItemChanges::default()
    };
    doc.edit_item(item_id(1), changes, &editor("clerk-2", 10, 0))
        .expect("edit");
    let item = doc.snapshot().expect("snapshot").items[&item_id(1)].clone();
    assert_eq!(item.title, "查封笔录-张某（补正）");
    assert_eq!(item.produced_on, None);
    assert_eq!(item.page_count, 2);
    assert_eq!(item.produced_by, "张法官");
}

#[test]
fn concurrent_field_edits_merge_per_field() {
    let mut a = fixtures::draft_document();
    let mut b = MaterialListDocument::load(&a.save(), actor(2)).expect("loads");

    let pages = ItemChanges {
        page_count: Some(4),
        ..ItemChanges::default()
    };
    a.edit_item(item_id(1), pages, &editor("clerk-1", 10, 0))
        .expect("edit a");
    let notes = ItemChanges {
        notes: Some("原件已退回".to_string()),
        ..ItemChanges::default()
    };
    b.edit_item(item_id(1), notes, &editor("clerk-2", 10, 1))
        .expect("edit b");
    let same_a = ItemChanges {
        produced_by: Some("甲".to_string()),
        ..ItemChanges::default()
    };
    a.edit_item(item_id(2), same_a, &editor("clerk-1", 10, 2))
        .expect("edit a");
    let same_b = ItemChanges {
        produced_by: Some("乙".to_string()),
        ..ItemChanges::default()
    };
    b.edit_item(item_id(2), same_b, &editor("clerk-2", 10, 3))
        .expect("edit b");

    a.automerge().merge(b.automerge()).expect("merge into a");
    b.automerge().merge(a.automerge()).expect("merge into b");
    let list_a = a.snapshot().expect("snapshot");
    assert_eq!(list_a, b.snapshot().expect("snapshot"));
    assert_eq!(list_a.items[&item_id(1)].page_count, 4);
    assert_eq!(list_a.items[&item_id(1)].notes, "原件已退回");
    let winner = &list_a.items[&item_id(2)].produced_by;
    assert!(winner == "甲" || winner == "乙", "winner {winner}");
}

#[test]
fn removed_item_is_a_tombstone() {
    let mut doc = fixtures::draft_document();
    doc.remove_item(item_id(2), &editor("clerk-2", 11, 0))
        .expect("remove");
    let list = doc.snapshot().expect("snapshot");
    let item = &list.items[&item_id(2)];
    assert_eq!(item.removed_by.as_deref(), Some("clerk-2"));
    assert_eq!(item.removed_at, Some(at(11, 0)));
    assert_eq!(list.live_items().len(), 1);

    let error = doc
        .edit_item(
            item_id(2),
            ItemChanges::default(),
            &editor("clerk-2", 11, 5),
        )
        .expect_err("removed item");
    assert_eq!(error.code(), "ITEM_REMOVED");
    let error = doc
        .remove_item(item_id(7), &editor("clerk-2", 11, 5))
        .expect_err("unknown");
    assert_eq!(error.code(), "ITEM_NOT_FOUND");
}

#[test]
fn status_moves_forward_only() {
    let mut doc = fixtures::draft_document();
    let error = doc
        .hand_over(&editor("clerk-1", 12, 0))
        .expect_err("not returned yet");
    assert_eq!(error.code(), "STATUS_TRANSITION_INVALID");

    doc.mark_returned(at(17, 0), &editor("clerk-1", 17, 0))
        .expect("returned");
    let error = doc
        .mark_returned(at(17, 5), &editor("clerk-1", 17, 5))
        .expect_err("again");
    assert_eq!(error.code(), "STATUS_TRANSITION_INVALID");

    doc.hand_over(&editor("clerk-1", 17, 30))
        .expect("handed over");
    let list = doc.snapshot().expect("snapshot");
    assert_eq!(list.status, Status::HandedOver);
    assert_eq!(list.declared_return_at, Some(at(17, 0)));
    assert_eq!(list.handed_over_by.as_deref(), Some("clerk-1"));
    assert_eq!(list.handed_over_at, Some(at(17, 30)));

    doc.receive(&editor("center-1", 18, 0)).expect("received");
    assert_eq!(doc.snapshot().expect("snapshot").status, Status::Received);
}

#[test]
fn frozen_list_rejects_local_edits() {
    let mut doc = fixtures::handed_over_document();
    let clerk = editor("clerk-1", 18, 0);
    let errors = [
        doc.add_item(fixtures::new_item(3, "other", "其他材料"), &clerk)
            .expect_err("add"),
        doc.remove_item(item_id(1), &clerk).expect_err("remove"),
        doc.attach_photo(item_id(1), &photo(9), &clerk)
            .expect_err("photo"),
        doc.set_trip_place("别处", &clerk).expect_err("trip"),
    ];
    for error in errors {
        assert_eq!(error.code(), "LIST_FROZEN");
        assert_eq!(error.to_string(), "清单已移送，不能再修改");
    }
}

#[test]
fn hand_over_checks_the_list() {
    let mut doc = fixtures::draft_document();
    let clerk = editor("clerk-1", 17, 0);
    let changes = ItemChanges {
        page_count: Some(0),
        ..ItemChanges::default()
    };
    doc.edit_item(item_id(1), changes, &clerk).expect("edit");
    doc.mark_returned(at(17, 0), &clerk).expect("returned");
    let heads = doc.heads();
    match doc.hand_over(&clerk) {
        Err(DocumentError::NotReady(violations)) => {
            assert_eq!(violations.len(), 1);
            assert_eq!(violations[0].code.as_str(), "PAGE_COUNT_OUT_OF_RANGE");
        }
        other => panic!("expected NotReady, got {other:?}"),
    }
    assert_eq!(doc.heads(), heads);
    assert_eq!(doc.snapshot().expect("snapshot").status, Status::Returned);
}

#[test]
fn photos_keep_page_order_and_reject_bad_hashes() {
    let mut doc = fixtures::draft_document();
    let clerk = editor("clerk-1", 10, 0);
    doc.attach_photo(item_id(1), &photo(7), &clerk)
        .expect("photo 7");
    doc.attach_photo(item_id(1), &photo(8), &clerk)
        .expect("photo 8");
    assert!(doc
        .detach_photo(item_id(1), &photo(7), &clerk)
        .expect("detach"));
    assert!(!doc
        .detach_photo(item_id(1), &photo(7), &clerk)
        .expect("detach again"));
    let photos = doc.snapshot().expect("snapshot").items[&item_id(1)]
        .photos
        .clone();
    assert_eq!(photos, vec![photo(1), photo(8)]);

    let error = doc
        .attach_photo(item_id(1), "ABCDEF", &clerk)
        .expect_err("bad hash");
    assert_eq!(error.code(), "PHOTO_HASH_INVALID");
}

#[test]
fn wrong_stored_types_fail_to_read() {
    use automerge::transaction::Transactable;

    let mut doc = fixtures::draft_document();
    let items = match doc.automerge().get(automerge::ROOT, "items") {
        Ok(Some((_, id))) => id,
        other => panic!("items map missing: {other:?}"),
    };
    let item = match doc.automerge().get(&items, item_id(1).to_string()) {
        Ok(Some((_, id))) => id,
        other => panic!("item missing: {other:?}"),
    };
    doc.automerge()
        .put(&item, "page_count", "two")
        .expect("put");
    let error = doc.snapshot().expect_err("wrong type");
    assert_eq!(error.code(), "DOCUMENT_FIELD_WRONG_TYPE");
    assert!(error.to_string().contains("page_count"));

    let empty = MaterialListDocument::empty(actor(3));
    assert!(!empty.has_list());
    assert_eq!(
        empty.snapshot().expect_err("empty").code(),
        "NOT_A_MATERIAL_LIST"
    );
}

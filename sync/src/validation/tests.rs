use super::*;
use crate::fixtures::{self, at, item_id, photo};
use crate::model::Originality;

fn catalogue() -> &'static Catalogue {
    Catalogue::builtin().expect("embedded catalogue parses")
}

fn draft() -> MaterialList {
    fixtures::draft_document()
        .snapshot()
        .expect("fixture snapshot")
}

fn handed_over() -> MaterialList {
    fixtures::handed_over_document()
        .snapshot()
        .expect("fixture snapshot")
}

fn codes(violations: &[Violation]) -> Vec<&'static str> {
    violations.iter().map(|v| v.code.as_str()).collect()
}

fn item_mut(list: &mut MaterialList, n: u128) -> &mut Item {
    list.items.get_mut(&item_id(n)).expect("fixture item")
}

#[test]
fn fixture_lists_are_valid() {
    assert_eq!(
        codes(&validate_list(&draft(), catalogue())),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(&validate_list(&handed_over(), catalogue())),
        Vec::<&str>::new()
    );
}

#[test]
fn list_rules_report_every_violation() {
    let mut list = draft();
    list.case_number = "豫13执123号".to_string();
    list.team_id = " ".to_string();
    {
        let item = item_mut(&mut list, 1);
        item.page_count = 0;
        item.material_type = "auction_ruling".to_string();
        item.photos.push("ABC".to_string());
        item.photos.push(photo(1));
        item.title = String::new();
    }
    item_mut(&mut list, 2).material_type = "no_such_type".to_string();

    let violations = validate_list(&list, catalogue());
    assert_eq!(
        codes(&violations),
        vec![
            "CASE_NUMBER_INVALID",
            "TEAM_ID_MISSING",
            "MATERIAL_TYPE_WRONG_TEAM",
            "TITLE_MISSING",
            "PAGE_COUNT_OUT_OF_RANGE",
            "PHOTO_HASH_INVALID",
            "PHOTO_DUPLICATE",
            "MATERIAL_TYPE_UNKNOWN",
        ]
    );
    assert_eq!(violations[2].item_id, Some(item_id(1)));
    assert_eq!(violations[7].item_id, Some(item_id(2)));
    assert_eq!(
        violations[4].message,
        format!("材料 {}的页数 0 无效，应为 1 至 10000", item_id(1))
    );
    assert!(violations[2].message.contains("拍卖、变卖裁定书"));
    assert!(violations[2].message.contains("执行实施"));
}

#[test]
fn page_count_bounds() {
    let mut list = draft();
    for (count, valid) in [
        (-1, false),
        (0, false),
        (1, true),
        (MAX_PAGE_COUNT, true),
        (MAX_PAGE_COUNT + 1, false),
    ] {
        item_mut(&mut list, 1).page_count = count;
        let found = codes(&validate_list(&list, catalogue())).contains(&"PAGE_COUNT_OUT_OF_RANGE");
        assert_eq!(found, !valid, "page count {count}");
    }
}

#[test]
fn photo_hash_shape() {
    assert!(is_photo_hash(&photo(3)));
    assert!(!is_photo_hash(&photo(3).to_uppercase()));
    assert!(!is_photo_hash(&photo(3)[1..]));
    assert!(!is_photo_hash(&format!("{}0", photo(3))));
    assert!(!is_photo_hash(&"g".repeat(64)));
}

#[test]
fn removed_items_are_not_checked() {
    let mut list = draft();
    let item = item_mut(&mut list, 1);
    item.page_count = 0;
    item.removed_by = Some("clerk-1".to_string());
    item.removed_at = Some(at(10, 0));
    assert!(validate_list(&list, catalogue()).is_empty());
}

#[test]
fn returned_list_needs_trip_and_return_time() {
    let mut list = draft();
    list.status = Status::Returned;
    list.trip.place = String::new();
    list.trip.participants.clear();
    item_mut(&mut list, 2).produced_on = None;
    assert_eq!(
        codes(&validate_list(&list, catalogue())),
        vec![
            "TRIP_PLACE_MISSING",
            "PARTICIPANTS_MISSING",
            "RETURN_TIME_MISSING",
            "PRODUCED_ON_MISSING",
        ]
    );

    list.declared_return_at = Some(at(17, 0) - chrono::Duration::days(2));
    let violations = codes(&validate_list(&list, catalogue()));
    assert!(violations.contains(&"RETURN_TIME_BEFORE_TRIP"));
    assert!(violations.contains(&"PRODUCED_ON_AFTER_TRIP"));
}

#[test]
fn handed_over_list_needs_items_and_record() {
    let mut list = handed_over();
    for item in list.items.values_mut() {
        item.removed_by = Some("clerk-1".to_string());
        item.removed_at = Some(at(17, 10));
    }
    list.handed_over_by = None;
    assert_eq!(
        codes(&validate_list(&list, catalogue())),
        vec!["ITEMS_EMPTY", "HAND_OVER_RECORD_MISSING"]
    );
    list.status = Status::Received;
    assert!(codes(&validate_list(&list, catalogue())).contains(&"RECEIPT_RECORD_MISSING"));
}

#[test]
fn violation_json_has_code_message_and_item() {
    let mut list = draft();
    item_mut(&mut list, 1).page_count = 0;
    let violations = validate_list(&list, catalogue());
    let json = serde_json::to_value(&violations[0]).expect("serializes");
    assert_eq!(json["code"], "PAGE_COUNT_OUT_OF_RANGE");
    assert_eq!(json["item_id"], item_id(1).to_string());
    assert!(json["message"].as_str().is_some_and(|m| m.contains("页数")));
}

#[test]
fn legal_draft_edits_pass() {
    let before = draft();
    let mut after = before.clone();
    item_mut(&mut after, 1).page_count = 7;
    item_mut(&mut after, 2).originality = Originality::Copy;
    after.case_number = "（2026）豫13执124号".to_string();
    after.trip.participants.push("王法警".to_string());
    let mut removed = after.items[&item_id(2)].clone();
    removed.removed_by = Some("clerk-2".to_string());
    removed.removed_at = Some(at(11, 0));
    after.items.insert(item_id(2), removed);
    assert!(check_change(&before, &after, Role::Field, catalogue()).is_empty());
}

#[test]
fn frozen_list_rejects_item_edits() {
    let before = handed_over();
    let mut after = before.clone();
    item_mut(&mut after, 1).page_count = 9;
    let mut added = after.items[&item_id(2)].clone();
    added.id = item_id(3);
    after.items.insert(item_id(3), added);
    after.items.remove(&item_id(2));
    after.trip.place = "别处".to_string();

    let review = review_change(&before, &after, Role::Field, catalogue());
    let violations = &review.violations;
    assert_eq!(codes(violations), vec!["LIST_FROZEN"; 4]);
    assert_eq!(violations[0].item_id, None);
    assert_eq!(violations[0].message, "清单已移送，不能再修改");
    let items: Vec<Option<Uuid>> = violations[1..].iter().map(|v| v.item_id).collect();
    assert_eq!(
        items,
        vec![Some(item_id(1)), Some(item_id(2)), Some(item_id(3))]
    );
    assert!(violations[1].message.starts_with("清单已移送，不能再修改"));
    assert_eq!(review.allowed, before);

    let center = check_change(&before, &after, Role::Center, catalogue());
    assert_eq!(codes(&center), vec!["LIST_FROZEN"; 4]);
}

#[test]
fn status_backwards_is_reported() {
    let before = handed_over();
    let mut after = before.clone();
    after.status = Status::Draft;
    let review = review_change(&before, &after, Role::Field, catalogue());
    let violations = &review.violations;
    assert_eq!(codes(violations), vec!["STATUS_BACKWARDS"]);
    assert_eq!(review.allowed, before);
    assert_eq!(
        violations[0].message,
        "清单状态不能从“已移送”退回“草稿”，已恢复为“已移送”"
    );
}

#[test]
fn only_center_receives() {
    let before = handed_over();
    let mut after = before.clone();
    after.status = Status::Received;
    after.received_by = Some("clerk-1".to_string());
    after.received_at = Some(at(18, 0));
    let review = review_change(&before, &after, Role::Field, catalogue());
    assert_eq!(codes(&review.violations), vec!["CENTER_ONLY"]);
    assert_eq!(review.allowed, before);
    assert!(check_change(&before, &after, Role::Center, catalogue()).is_empty());
}

#[test]
fn field_hand_over_and_receipt_keeps_hand_over() {
    let before = draft();
    let mut after = handed_over();
    after.status = Status::Received;
    after.received_by = Some("clerk-1".to_string());
    after.received_at = Some(at(18, 0));
    let review = review_change(&before, &after, Role::Field, catalogue());
    assert_eq!(codes(&review.violations), vec!["CENTER_ONLY"]);
    assert_eq!(review.allowed, handed_over());
}

#[test]
fn immutable_fields_are_reported() {
    let before = handed_over();
    let mut after = before.clone();
    after.team_id = "team-2".to_string();
    after.case_number = "（2026）豫13执999号".to_string();
    after.handed_over_by = Some("someone-else".to_string());
    let review = review_change(&before, &after, Role::Field, catalogue());
    let violations = &review.violations;
    assert_eq!(
        codes(violations),
        vec!["IMMUTABLE_FIELD", "IMMUTABLE_FIELD", "IMMUTABLE_FIELD"]
    );
    assert_eq!(
        violations[0].message,
        "移送人和移送时间不能修改，已恢复原值"
    );
    assert_eq!(violations[1].message, "团队不能修改，已恢复原值");
    assert_eq!(
        violations[2].message,
        "清单已移送，案号不能再修改，已恢复原值"
    );
    assert_eq!(review.allowed, before);

    let mut changed_id = before.clone();
    changed_id.list_id = uuid::Uuid::nil();
    assert_eq!(
        codes(&check_change(
            &before,
            &changed_id,
            Role::Center,
            catalogue()
        )),
        vec!["IMMUTABLE_FIELD"]
    );
}

#[test]
fn removal_is_permanent_and_items_are_never_erased() {
    let mut before = draft();
    {
        let item = item_mut(&mut before, 1);
        item.removed_by = Some("clerk-1".to_string());
        item.removed_at = Some(at(10, 0));
    }
    let mut after = before.clone();
    {
        let item = item_mut(&mut after, 1);
        item.removed_by = None;
        item.removed_at = None;
    }
    after.items.remove(&item_id(2));
    item_mut(&mut after, 1).added_by = "clerk-9".to_string();

    let review = review_change(&before, &after, Role::Field, catalogue());
    assert_eq!(
        codes(&review.violations),
        vec!["IMMUTABLE_FIELD", "REMOVAL_PERMANENT", "ITEM_DELETED"]
    );
    assert_eq!(review.violations[1].item_id, Some(item_id(1)));
    assert_eq!(review.violations[2].item_id, Some(item_id(2)));
    assert_eq!(review.allowed, before);
}

#[test]
fn allowed_state_keeps_legal_edits() {
    let before = draft();
    let mut after = before.clone();
    after.team_id = "team-2".to_string();
    after.trip.place = "新地点".to_string();
    item_mut(&mut after, 1).page_count = 3;
    let review = review_change(&before, &after, Role::Field, catalogue());
    assert_eq!(codes(&review.violations), vec!["IMMUTABLE_FIELD"]);
    let mut expected = after.clone();
    expected.team_id = before.team_id.clone();
    assert_eq!(review.allowed, expected);
}

#[test]
fn invalid_hand_over_is_reported() {
    let before = draft();
    let mut after = before.clone();
    after.status = Status::HandedOver;
    after.declared_return_at = Some(at(17, 0));
    after.handed_over_by = Some("clerk-1".to_string());
    after.handed_over_at = Some(at(17, 30));
    assert!(check_change(&before, &after, Role::Field, catalogue()).is_empty());

    item_mut(&mut after, 1).page_count = 0;
    let review = review_change(&before, &after, Role::Field, catalogue());
    assert_eq!(codes(&review.violations), vec!["HAND_OVER_INVALID"]);
    assert!(review.violations[0].message.contains("页数 0 无效"));
    assert!(review.violations[0].message.contains("已退回为“草稿”"));
    assert_eq!(review.allowed.status, Status::Draft);
    assert_eq!(review.allowed.handed_over_by, None);
    assert_eq!(review.allowed.items, after.items);
}

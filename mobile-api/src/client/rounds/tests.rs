//! The sync loop against the real server engine of `juanzong-sync`, run in process.

use chrono::{TimeZone, Utc};
use juanzong_sync::{ItemChanges, Originality, Status};

use super::*;
use crate::client::test_support::{client, list_input, FakeServer, FakeTransport};
use crate::client::{Client, ItemInput};

fn item(title: &str, pages: i64) -> ItemInput {
    ItemInput {
        material_type: "执行笔录（现场笔录）".to_string(),
        title: title.to_string(),
        page_count: pages,
        originality: Originality::Original,
        produced_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 2),
        produced_by: "张警官".to_string(),
        notes: String::new(),
        uploaded_via_mobile_system: false,
    }
}

async fn sync_all(client: &Client, server: &mut FakeServer, device: &str) -> RoundsOutcome {
    let ids = client.store().list_ids().unwrap();
    let mut transport = FakeTransport::new(server, device);
    run_rounds(client.store(), &ids, &mut transport, &RoundLimits::default()).await.unwrap()
}

/// Stores an empty document for a list, as a `list_changed` feed event does.
fn learn_of(client: &Client, list_id: Uuid) {
    let mut empty = MaterialListDocument::empty(client.store().actor().unwrap());
    client.store().save_document(list_id, &mut empty).unwrap();
}

#[tokio::test]
async fn new_list_reaches_server() {
    let folder = tempfile::tempdir().unwrap();
    let phone = client(folder.path(), "zhang");
    let list_id = phone.create_list(list_input()).unwrap();
    phone.add_item(list_id, item("执行笔录-张某", 3)).unwrap();
    let mut server = FakeServer::default();

    let outcome = sync_all(&phone, &mut server, "phone-a").await;

    assert_eq!(outcome.synced, vec![list_id]);
    assert!(outcome.failed.is_empty());
    assert!(outcome.unconverged.is_empty());
    assert!(outcome.rounds >= 1, "{}", outcome.rounds);
    assert!(outcome.rounds <= 3, "{}", outcome.rounds);
    assert!(outcome.bytes_sent > 0);
    assert!(outcome.bytes_received > 0);
    assert_eq!(server.snapshot(list_id), phone.list(list_id).unwrap());

    let again = sync_all(&phone, &mut server, "phone-a").await;
    assert_eq!(again.synced, vec![list_id]);
    assert!(again.rounds <= 2, "{}", again.rounds);
}

#[tokio::test]
async fn two_devices_converge_after_offline_edits() {
    let folders = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let phone_a = client(folders.0.path(), "zhang");
    let phone_b = client(folders.1.path(), "li");
    let mut server = FakeServer::default();

    let list_id = phone_a.create_list(list_input()).unwrap();
    let first = phone_a.add_item(list_id, item("执行笔录-张某", 3)).unwrap();
    sync_all(&phone_a, &mut server, "phone-a").await;
    learn_of(&phone_b, list_id);
    sync_all(&phone_b, &mut server, "phone-b").await;
    assert_eq!(phone_b.list(list_id).unwrap(), phone_a.list(list_id).unwrap());

    // Both offline: A changes the page count, B the title of the same item and adds another.
    let pages = ItemChanges {
        page_count: Some(5),
        ..ItemChanges::default()
    };
    phone_a.edit_item(list_id, first, pages).unwrap();
    let title = ItemChanges {
        title: Some("执行笔录-张某（补充）".to_string()),
        ..ItemChanges::default()
    };
    phone_b.edit_item(list_id, first, title).unwrap();
    let second = phone_b.add_item(list_id, item("现场照片", 2)).unwrap();

    sync_all(&phone_a, &mut server, "phone-a").await;
    sync_all(&phone_b, &mut server, "phone-b").await;
    sync_all(&phone_a, &mut server, "phone-a").await;

    let merged = server.snapshot(list_id);
    assert_eq!(phone_a.list(list_id).unwrap(), merged);
    assert_eq!(phone_b.list(list_id).unwrap(), merged);
    assert_eq!(merged.items[&first].page_count, 5);
    assert_eq!(merged.items[&first].title, "执行笔录-张某（补充）");
    assert_eq!(merged.items[&second].page_count, 2);
    assert_eq!(merged.live_items().len(), 2);
    assert_eq!(merged.total_pages(), 7);
}

#[tokio::test]
async fn lost_response_resumes_without_duplicates() {
    let folder = tempfile::tempdir().unwrap();
    let phone = client(folder.path(), "zhang");
    let list_id = phone.create_list(list_input()).unwrap();
    for n in 0..3 {
        phone.add_item(list_id, item(&format!("执行笔录-{n}"), 2)).unwrap();
    }
    let mut server = FakeServer::default();
    let state_path = folder
        .path()
        .join("lists")
        .join(list_id.to_string())
        .join("peer-state.bin");
    let ids = vec![list_id];

    // The first response is lost: no round completed, so no peer state is stored.
    let mut transport = FakeTransport::new(&mut server, "phone-a");
    transport.lose_responses_of = vec![1];
    let error = run_rounds(phone.store(), &ids, &mut transport, &RoundLimits::default())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(502));
    assert!(!state_path.exists(), "a round without a response must not store a peer state");

    // The response to the request that carries the changes is lost after the server applied it.
    let mut transport = FakeTransport::new(&mut server, "phone-a");
    transport.lose_responses_of = vec![2];
    assert!(run_rounds(phone.store(), &ids, &mut transport, &RoundLimits::default()).await.is_err());
    assert_eq!(server.snapshot(list_id), phone.list(list_id).unwrap());
    let requests_before = server.requests;

    let outcome = sync_all(&phone, &mut server, "phone-a").await;
    assert_eq!(outcome.synced, vec![list_id]);
    assert!(server.requests - requests_before <= 3, "{}", server.requests - requests_before);
    assert!(state_path.exists());

    let on_server = server.snapshot(list_id);
    assert_eq!(on_server, phone.list(list_id).unwrap());
    assert_eq!(on_server.items.len(), 3);
    assert_eq!(on_server.trip.participants, vec!["张警官".to_string()]);
    let mut local = phone.store().load_document(list_id).unwrap();
    let server_document = server.documents.get_mut(&list_id).unwrap();
    assert_eq!(server_document.heads(), local.heads());
}

#[tokio::test]
async fn lost_responses_mid_session_resume() {
    let folders = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let phone_a = client(folders.0.path(), "zhang");
    let phone_b = client(folders.1.path(), "li");
    let mut server = FakeServer::default();
    let list_id = phone_a.create_list(list_input()).unwrap();
    phone_a.add_item(list_id, item("执行笔录-甲", 2)).unwrap();
    sync_all(&phone_a, &mut server, "phone-a").await;

    // B learns of the list; in three calls in a row the second response is lost.
    learn_of(&phone_b, list_id);
    let ids = vec![list_id];
    for _ in 0..3 {
        let mut transport = FakeTransport::new(&mut server, "phone-b");
        transport.lose_responses_of = vec![2];
        let result = run_rounds(phone_b.store(), &ids, &mut transport, &RoundLimits::default()).await;
        if let Ok(outcome) = result {
            assert_eq!(outcome.synced, vec![list_id]);
        }
    }
    assert_eq!(phone_b.list(list_id).unwrap(), server.snapshot(list_id));
    phone_b.add_item(list_id, item("执行笔录-乙", 4)).unwrap();

    let outcome = sync_all(&phone_b, &mut server, "phone-b").await;
    assert_eq!(outcome.synced, vec![list_id]);
    sync_all(&phone_a, &mut server, "phone-a").await;
    let merged = server.snapshot(list_id);
    assert_eq!(merged.live_items().len(), 2);
    assert_eq!(phone_a.list(list_id).unwrap(), merged);
    assert_eq!(phone_b.list(list_id).unwrap(), merged);
}

#[tokio::test]
async fn forbidden_list_fails_alone() {
    let folder = tempfile::tempdir().unwrap();
    let phone = client(folder.path(), "zhang");
    let allowed = phone.create_list(list_input()).unwrap();
    let forbidden = phone.create_list(list_input()).unwrap();
    let mut server = FakeServer::default();

    let ids = phone.store().list_ids().unwrap();
    let mut transport = FakeTransport::new(&mut server, "phone-a");
    transport.forbidden = vec![forbidden];
    let outcome = run_rounds(phone.store(), &ids, &mut transport, &RoundLimits::default()).await.unwrap();

    assert_eq!(outcome.synced, vec![allowed]);
    assert_eq!(outcome.failed.len(), 1);
    assert_eq!(outcome.failed[0].list_id, forbidden);
    assert_eq!(outcome.failed[0].status, Some(403));
    assert_eq!(outcome.failed[0].code, "LIST_FORBIDDEN");
    assert!(server.documents.contains_key(&allowed));
    assert!(!server.documents.contains_key(&forbidden));
}

#[tokio::test]
async fn edit_of_handed_over_list_is_undone() {
    let folders = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let phone_a = client(folders.0.path(), "zhang");
    let phone_b = client(folders.1.path(), "li");
    let mut server = FakeServer::default();

    let list_id = phone_a.create_list(list_input()).unwrap();
    let item_id = phone_a.add_item(list_id, item("执行笔录-张某", 3)).unwrap();
    let returned_at = Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).unwrap();
    phone_a.mark_returned(list_id, returned_at).unwrap();
    sync_all(&phone_a, &mut server, "phone-a").await;
    learn_of(&phone_b, list_id);
    sync_all(&phone_b, &mut server, "phone-b").await;

    // A hands over; B, still offline with the returned list, changes the page count.
    phone_a.hand_over(list_id).unwrap();
    sync_all(&phone_a, &mut server, "phone-a").await;
    let pages = ItemChanges {
        page_count: Some(9),
        ..ItemChanges::default()
    };
    phone_b.edit_item(list_id, item_id, pages).unwrap();

    let outcome = sync_all(&phone_b, &mut server, "phone-b").await;

    assert_eq!(outcome.synced, vec![list_id]);
    assert_eq!(outcome.notices.len(), 1, "{:?}", outcome.notices);
    assert_eq!(outcome.notices[0].list_id, list_id);
    assert_eq!(outcome.notices[0].notice.code, "LIST_FROZEN");
    let merged = server.snapshot(list_id);
    assert_eq!(merged.status, Status::HandedOver);
    assert_eq!(merged.items[&item_id].page_count, 3);
    assert_eq!(phone_b.list(list_id).unwrap(), merged);
}

#[tokio::test]
async fn rounds_stop_at_the_bound() {
    let folder = tempfile::tempdir().unwrap();
    let phone = client(folder.path(), "zhang");
    let list_id = phone.create_list(list_input()).unwrap();
    let mut server = FakeServer::default();

    let no_rounds = RoundLimits {
        max_rounds: 0,
        ..RoundLimits::default()
    };
    let mut transport = FakeTransport::new(&mut server, "phone-a");
    let outcome = run_rounds(phone.store(), &[list_id], &mut transport, &no_rounds).await.unwrap();
    assert_eq!(outcome.rounds, 0);
    assert_eq!(outcome.unconverged, vec![list_id]);
    assert!(outcome.synced.is_empty());
    assert_eq!(server.requests, 0);

    let outcome = sync_all(&phone, &mut server, "phone-a").await;
    assert_eq!(outcome.synced, vec![list_id]);
}

#[tokio::test]
async fn large_rounds_are_sent_in_batches() {
    let folder = tempfile::tempdir().unwrap();
    let phone = client(folder.path(), "zhang");
    for _ in 0..5 {
        phone.create_list(list_input()).unwrap();
    }
    let mut server = FakeServer::default();
    let limits = RoundLimits {
        max_lists_per_request: 2,
        ..RoundLimits::default()
    };

    let ids = phone.store().list_ids().unwrap();
    let mut transport = FakeTransport::new(&mut server, "phone-a");
    let outcome = run_rounds(phone.store(), &ids, &mut transport, &limits).await.unwrap();

    assert_eq!(outcome.synced, ids);
    assert_eq!(server.largest_request, 2);
    assert!(outcome.requests >= 3, "{outcome:?}");
    assert_eq!(outcome.requests as usize, server.requests);
    assert_eq!(server.documents.len(), 5);
}

#[tokio::test]
async fn crash_before_state_save_converges() {
    let folders = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let phone_a = client(folders.0.path(), "zhang");
    let phone_b = client(folders.1.path(), "li");
    let mut server = FakeServer::default();
    let list_id = phone_a.create_list(list_input()).unwrap();
    sync_all(&phone_a, &mut server, "phone-a").await;
    learn_of(&phone_b, list_id);
    sync_all(&phone_b, &mut server, "phone-b").await;
    let state_path = folders
        .1
        .path()
        .join("lists")
        .join(list_id.to_string())
        .join("peer-state.bin");
    let old_state = std::fs::read(&state_path).unwrap();

    // A adds an item; B syncs it in, then "crashes": its document was saved but the peer state
    // on disk is the one from before, as after a kill between the two writes.
    let item_id = phone_a.add_item(list_id, item("执行笔录-张某", 3)).unwrap();
    sync_all(&phone_a, &mut server, "phone-a").await;
    sync_all(&phone_b, &mut server, "phone-b").await;
    std::fs::write(&state_path, &old_state).unwrap();

    let outcome = sync_all(&phone_b, &mut server, "phone-b").await;
    assert_eq!(outcome.synced, vec![list_id]);
    assert!(outcome.rounds <= 3, "{}", outcome.rounds);
    let on_b = phone_b.list(list_id).unwrap();
    assert_eq!(on_b, server.snapshot(list_id));
    assert_eq!(on_b.items.len(), 1);
    assert_eq!(on_b.items[&item_id].page_count, 3);
}

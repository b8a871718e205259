use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::document::ItemChanges;
use crate::fixtures::{self, actor, at, editor, item_id, photo, LIST_ID};
use crate::model::Status;

/// Maximum number of request/reply rounds one session may take in these tests. The sync protocol
/// needs two or three; more means the sides are looping.
const MAX_ROUNDS: usize = 8;

/// The server side as the HTTP layer would run it: a document, stored peer states per device and
/// the stored chunks.
struct Server {
    doc: MaterialListDocument,
    states: BTreeMap<String, Vec<u8>>,
    stored: StoredDocument,
    notices: Vec<Notice>,
}

impl Server {
    fn new() -> Server {
        let mut doc = MaterialListDocument::empty(server_actor());
        let stored = StoredDocument::from_document(&mut doc);
        Server {
            doc,
            states: BTreeMap::new(),
            stored,
            notices: Vec::new(),
        }
    }

    /// Handles one request; `None` when the request fails, like an HTTP error.
    fn handle(&mut self, device: &Phone, message: &[u8]) -> Result<Option<Vec<u8>>, SyncError> {
        let state = self.states.get(&device.name).cloned().unwrap_or_default();
        let inspected = inspect(message)?;
        for actor in inspected.new_actors(&mut self.doc) {
            assert_eq!(
                &actor,
                device.doc.actor(),
                "new change of another actor from {}",
                device.name
            );
        }
        let outcome = apply(&mut self.doc, &state, inspected, &device.context())?;
        if outcome.new_changes.is_empty() {
            assert_eq!(outcome.snapshot, None);
        } else {
            assert_eq!(outcome.snapshot, Some(self.snapshot()));
        }
        assert_eq!(outcome.heads, self.doc.heads());
        self.states.insert(device.name.clone(), outcome.peer_state);
        self.stored.push_chunk(outcome.new_changes);
        self.notices.extend(outcome.notices);
        Ok(outcome.reply)
    }

    fn snapshot(&self) -> MaterialList {
        self.doc.snapshot().expect("server snapshot")
    }
}

/// A phone with its document and its stored peer state.
struct Phone {
    name: String,
    doc: MaterialListDocument,
    stored_state: Vec<u8>,
    role: Role,
    access: Access,
}

impl Phone {
    fn new(name: &str, doc: MaterialListDocument) -> Phone {
        Phone {
            name: name.to_string(),
            doc,
            stored_state: Vec::new(),
            role: Role::Field,
            access: Access::ReadWrite,
        }
    }

    fn wiped(name: &str, device_actor: ActorId) -> Phone {
        Phone::new(name, MaterialListDocument::empty(device_actor))
    }

    fn context(&self) -> ServerContext {
        ServerContext {
            list_id: LIST_ID,
            role: self.role,
            access: self.access,
            team_id: Some("team-1".to_string()),
            now: at(20, 0),
        }
    }

    fn snapshot(&self) -> MaterialList {
        self.doc.snapshot().expect("phone snapshot")
    }
}

/// How a session ends early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// The request of this round never reaches the server.
    RequestLost(usize),
    /// The server handles the request of this round but the reply is lost.
    ReplyLost(usize),
}

/// Runs one sync session; returns the number of requests sent. A cut ends the session at that
/// round, as a dropped connection would.
fn session(phone: &mut Phone, server: &mut Server, cut: Option<Cut>) -> usize {
    let mut state = PeerState::decode(&phone.stored_state).expect("stored phone state");
    let mut rounds = 0;
    while let Some(message) = client_generate(&mut phone.doc, &mut state) {
        assert!(rounds < MAX_ROUNDS, "{} did not converge", phone.name);
        if cut == Some(Cut::RequestLost(rounds)) {
            rounds += 1;
            break;
        }
        let reply = server
            .handle(phone, &message)
            .expect("server accepts the message");
        if cut == Some(Cut::ReplyLost(rounds)) {
            rounds += 1;
            break;
        }
        if let Some(reply) = reply {
            client_receive(&mut phone.doc, &mut state, &reply).expect("phone accepts the reply");
        }
        rounds += 1;
    }
    phone.stored_state = state.encode();
    rounds
}

fn assert_converged(server: &mut Server, phones: &mut [&mut Phone]) {
    let server_heads = server.doc.heads();
    let server_list = server.snapshot();
    for phone in phones.iter_mut() {
        assert_eq!(phone.doc.heads(), server_heads, "heads of {}", phone.name);
        assert_eq!(phone.snapshot(), server_list, "snapshot of {}", phone.name);
    }
    let reloaded = server
        .stored
        .load(server_actor())
        .expect("stored document loads");
    assert_eq!(reloaded.snapshot().expect("stored snapshot"), server_list);
}

/// Server and two phones of one team, all holding the fixture draft list.
fn team_setup() -> (Server, Phone, Phone) {
    let mut server = Server::new();
    let mut a = Phone::new("phone-a", fixtures::draft_document());
    session(&mut a, &mut server, None);
    let mut b = Phone::wiped("phone-b", actor(2));
    session(&mut b, &mut server, None);
    assert_converged(&mut server, &mut [&mut a, &mut b]);
    (server, a, b)
}

/// Makes the offline edits of the team test: both add an item, both change item 1's page count,
/// A removes item 2 while B edits it.
fn offline_edits(a: &mut Phone, b: &mut Phone) {
    a.doc
        .add_item(
            fixtures::new_item(3, "seizure_public_notice", "查封公告"),
            &editor("clerk-1", 11, 0),
        )
        .expect("a adds item 3");
    b.doc
        .add_item(
            fixtures::new_item(4, "site_photos", "现场照片"),
            &editor("clerk-2", 11, 1),
        )
        .expect("b adds item 4");
    let pages = |n| ItemChanges {
        page_count: Some(n),
        ..ItemChanges::default()
    };
    a.doc
        .edit_item(item_id(1), pages(5), &editor("clerk-1", 11, 2))
        .expect("a edits item 1");
    b.doc
        .edit_item(item_id(1), pages(6), &editor("clerk-2", 11, 3))
        .expect("b edits item 1");
    a.doc
        .remove_item(item_id(2), &editor("clerk-1", 11, 4))
        .expect("a removes item 2");
    let notes = ItemChanges {
        notes: Some("原件在当事人处".to_string()),
        ..ItemChanges::default()
    };
    b.doc
        .edit_item(item_id(2), notes, &editor("clerk-2", 11, 5))
        .expect("b edits item 2");
}

#[test]
fn two_devices_converge_in_every_order() {
    let orders: [&[usize]; 4] = [&[0, 1, 0], &[1, 0, 1], &[0, 1, 0, 1], &[1, 1, 0, 0, 1]];
    let mut results = Vec::new();
    for order in orders {
        let (mut server, mut a, mut b) = team_setup();
        offline_edits(&mut a, &mut b);
        for &who in order {
            let phone = if who == 0 { &mut a } else { &mut b };
            session(phone, &mut server, None);
        }
        assert_converged(&mut server, &mut [&mut a, &mut b]);
        assert!(server.notices.is_empty(), "{:?}", server.notices);

        let list = server.snapshot();
        assert_eq!(list.items.len(), 4, "order {order:?}");
        assert!(list.items.contains_key(&item_id(3)));
        assert!(list.items.contains_key(&item_id(4)));
        let pages = list.items[&item_id(1)].page_count;
        assert!(pages == 5 || pages == 6, "page count {pages}");
        let removed = &list.items[&item_id(2)];
        assert_eq!(removed.removed_by.as_deref(), Some("clerk-1"));
        assert_eq!(removed.notes, "原件在当事人处");
        results.push(list);
    }
    for list in &results[1..] {
        assert_eq!(list, &results[0], "every order ends with the same list");
    }
}

#[test]
fn cut_sync_loses_and_duplicates_nothing() {
    // The session to cut, run once without a cut, gives the rounds there are to cut.
    let (mut server, mut a, mut b) = team_setup();
    offline_edits(&mut a, &mut b);
    session(&mut b, &mut server, None);
    let full_rounds = session(&mut a, &mut server, None);
    assert!(full_rounds >= 2, "{full_rounds} rounds");

    let mut cuts = Vec::new();
    for round in 0..full_rounds {
        cuts.push(Cut::RequestLost(round));
        cuts.push(Cut::ReplyLost(round));
    }
    for cut in cuts {
        let (mut server, mut a, mut b) = team_setup();
        offline_edits(&mut a, &mut b);
        session(&mut b, &mut server, None);

        session(&mut a, &mut server, Some(cut));
        let rounds = session(&mut a, &mut server, None);
        assert!(rounds <= 3, "retry after {cut:?} took {rounds} rounds");
        session(&mut b, &mut server, None);

        assert_converged(&mut server, &mut [&mut a, &mut b]);
        let list = server.snapshot();
        assert_eq!(list.items.len(), 4, "after {cut:?}");
        assert_eq!(
            list.items[&item_id(2)].removed_by.as_deref(),
            Some("clerk-1")
        );

        let stored_changes = count_stored_changes(&server.stored);
        let distinct = server.doc.automerge().get_changes(&[]).len();
        assert_eq!(
            stored_changes, distinct,
            "stored chunks repeat a change after {cut:?}"
        );
    }
}

/// Counts the changes in a stored document's snapshot and chunks, repeats included.
fn count_stored_changes(stored: &StoredDocument) -> usize {
    let mut summary = chunks::ChangeSummary::default();
    if !stored.snapshot.is_empty() {
        chunks::read_changes(&stored.snapshot, &mut summary).expect("snapshot parses");
    }
    for chunk in &stored.chunks {
        chunks::read_changes(chunk, &mut summary).expect("chunk parses");
    }
    summary.changes.len()
}

#[test]
fn lost_reply_then_retry_converges_within_bound() {
    let (mut server, mut a, _) = team_setup();
    a.doc
        .add_item(
            fixtures::new_item(3, "other", "其他材料"),
            &editor("clerk-1", 12, 0),
        )
        .expect("add item");
    // Round 0 exchanges heads; round 1 carries the change, and its reply is lost.
    let first = session(&mut a, &mut server, Some(Cut::ReplyLost(1)));
    assert_eq!(first, 2);
    assert!(server.snapshot().items.contains_key(&item_id(3)));

    let retry = session(&mut a, &mut server, None);
    assert!(retry <= 2, "retry took {retry} rounds");
    assert_converged(&mut server, &mut [&mut a]);
}

#[test]
fn frozen_edits_are_undone_and_reported() {
    let (mut server, mut a, mut b) = team_setup();
    a.doc
        .mark_returned(at(17, 0), &editor("clerk-1", 17, 0))
        .expect("returned");
    a.doc
        .hand_over(&editor("clerk-1", 17, 30))
        .expect("handed over");
    session(&mut a, &mut server, None);
    let handed_over = server.snapshot();

    // B has not synced since the draft, so its edits reach a list that is already handed over.
    b.doc
        .add_item(
            fixtures::new_item(5, "other", "补充材料"),
            &editor("clerk-2", 17, 40),
        )
        .expect("add");
    let pages = ItemChanges {
        page_count: Some(9),
        ..ItemChanges::default()
    };
    b.doc
        .edit_item(item_id(1), pages, &editor("clerk-2", 17, 41))
        .expect("edit");
    b.doc
        .remove_item(item_id(2), &editor("clerk-2", 17, 42))
        .expect("remove");
    session(&mut b, &mut server, None);

    let codes: Vec<&str> = server.notices.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, vec!["LIST_FROZEN"; 3]);
    let items: Vec<Option<Uuid>> = server.notices.iter().map(|n| n.item_id).collect();
    assert_eq!(
        items,
        vec![Some(item_id(1)), Some(item_id(2)), Some(item_id(5))]
    );
    assert!(server.notices[0]
        .message
        .starts_with("清单已移送，不能再修改"));

    assert_eq!(server.snapshot(), handed_over);
    session(&mut a, &mut server, None);
    let last = server
        .doc
        .automerge()
        .get_changes(&[])
        .last()
        .cloned()
        .expect("a change");
    assert_eq!(last.actor_id(), &server_actor());
    assert!(last.message().is_some_and(|m| m.contains("LIST_FROZEN")));
    assert_converged(&mut server, &mut [&mut a, &mut b]);
}

#[test]
fn legal_edits_in_same_message_survive() {
    let (mut server, mut a, _) = team_setup();
    a.doc
        .mark_returned(at(17, 0), &editor("clerk-1", 17, 0))
        .expect("returned");
    a.doc
        .hand_over(&editor("clerk-1", 17, 30))
        .expect("handed over");
    session(&mut a, &mut server, None);

    // The center receives the list (legal) and, with a modified client, also edits an item
    // of the received list (LIST_FROZEN) in the same message.
    let mut center = Phone::wiped("center-1", actor(7));
    center.role = Role::Center;
    session(&mut center, &mut server, None);
    center
        .doc
        .receive(&editor("center-1", 18, 0))
        .expect("receive");
    let mut list = center.snapshot();
    list.items.get_mut(&item_id(1)).expect("item 1").page_count = 12;
    center
        .doc
        .restore_to(&list, &editor("center-1", 18, 1), "raw edit".into())
        .expect("raw edit");
    session(&mut center, &mut server, None);

    let codes: Vec<&str> = server.notices.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, vec!["LIST_FROZEN"]);
    assert_eq!(server.notices[0].item_id, Some(item_id(1)));
    let result = server.snapshot();
    assert_eq!(result.status, Status::Received);
    assert_eq!(result.received_by.as_deref(), Some("center-1"));
    assert_eq!(result.items[&item_id(1)].page_count, 2);
    assert_converged(&mut server, &mut [&mut center]);
}

#[test]
fn status_backwards_is_undone() {
    let (mut server, mut a, _) = team_setup();
    a.doc
        .mark_returned(at(17, 0), &editor("clerk-1", 17, 0))
        .expect("returned");
    a.doc
        .hand_over(&editor("clerk-1", 17, 30))
        .expect("handed over");
    session(&mut a, &mut server, None);

    let mut list = a.snapshot();
    list.status = Status::Draft;
    a.doc
        .restore_to(&list, &editor("clerk-1", 18, 0), "raw edit".into())
        .expect("raw edit");
    session(&mut a, &mut server, None);

    let codes: Vec<&str> = server.notices.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, vec!["STATUS_BACKWARDS"]);
    assert_eq!(server.snapshot().status, Status::HandedOver);
    assert_converged(&mut server, &mut [&mut a]);
}

#[test]
fn field_device_cannot_receive() {
    let (mut server, mut a, _) = team_setup();
    a.doc
        .mark_returned(at(17, 0), &editor("clerk-1", 17, 0))
        .expect("returned");
    a.doc
        .hand_over(&editor("clerk-1", 17, 30))
        .expect("handed over");
    a.doc
        .receive(&editor("clerk-1", 17, 31))
        .expect("the document API allows it");
    session(&mut a, &mut server, None);

    let codes: Vec<&str> = server.notices.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, vec!["CENTER_ONLY"]);
    let list = server.snapshot();
    assert_eq!(list.status, Status::HandedOver);
    assert_eq!(list.received_by, None);
    assert_eq!(list.received_at, None);
    assert_eq!(list.handed_over_by.as_deref(), Some("clerk-1"));
    assert_converged(&mut server, &mut [&mut a]);
}

#[test]
fn offline_created_invalid_hand_over_is_undone() {
    let mut server = Server::new();
    let mut doc = fixtures::draft_document();
    let pages = ItemChanges {
        page_count: Some(0),
        ..ItemChanges::default()
    };
    doc.edit_item(item_id(1), pages, &editor("clerk-1", 16, 0))
        .expect("edit");
    doc.mark_returned(at(17, 0), &editor("clerk-1", 17, 0))
        .expect("returned");
    let mut list = doc.snapshot().expect("snapshot");
    list.status = Status::HandedOver;
    list.handed_over_by = Some("clerk-1".to_string());
    list.handed_over_at = Some(at(17, 30));
    doc.restore_to(&list, &editor("clerk-1", 17, 30), "raw edit".into())
        .expect("raw hand-over");
    let mut a = Phone::new("phone-a", doc);
    session(&mut a, &mut server, None);

    let codes: Vec<&str> = server.notices.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, vec!["HAND_OVER_INVALID"]);
    let list = server.snapshot();
    assert_eq!(list.status, Status::Draft);
    assert_eq!(list.handed_over_by, None);
    assert_eq!(list.items[&item_id(1)].page_count, 0);
    assert_converged(&mut server, &mut [&mut a]);
}

/// Returns a valid message from a phone that carries a change the server lacks: the second
/// message of a session, after the first has exchanged heads.
fn valid_message() -> (Server, Phone, Vec<u8>) {
    let (mut server, mut a, _) = team_setup();
    a.doc
        .add_item(
            fixtures::new_item(3, "other", "其他材料"),
            &editor("clerk-1", 12, 0),
        )
        .expect("add item");
    let mut state = PeerState::decode(&a.stored_state).expect("state");
    let first = client_generate(&mut a.doc, &mut state).expect("first message");
    let reply = server.handle(&a, &first).expect("accepted").expect("reply");
    client_receive(&mut a.doc, &mut state, &reply).expect("reply accepted");
    let message = client_generate(&mut a.doc, &mut state).expect("second message");
    assert_eq!(inspect(&message).expect("valid").change_count(), 1);
    (server, a, message)
}

fn assert_rejected(server: &mut Server, phone: &Phone, bytes: &[u8]) {
    let heads = server.doc.heads();
    let state = server.states.get(&phone.name).cloned().unwrap_or_default();
    match receive(&mut server.doc, &state, bytes, &phone.context()) {
        Err(SyncError::MalformedMessage(_)) => {}
        other => panic!(
            "expected MalformedMessage for {} bytes, got {other:?}",
            bytes.len()
        ),
    }
    assert_eq!(server.doc.heads(), heads);
}

#[test]
fn truncated_messages_are_rejected() {
    let (mut server, a, message) = valid_message();
    assert!(inspect(&message).is_ok());
    for len in 0..message.len() {
        assert_rejected(&mut server, &a, &message[..len]);
    }
    let mut longer = message.clone();
    longer.push(0);
    assert_rejected(&mut server, &a, &longer);
}

#[test]
fn random_bytes_are_rejected() {
    let (mut server, a, message) = valid_message();
    let mut rng = StdRng::seed_from_u64(0x5eed);
    for _ in 0..2_000 {
        let len = rng.gen_range(0..200);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        if rng.gen_bool(0.5) && !bytes.is_empty() {
            // Start like a real message so the decoder gets past the first byte.
            bytes[0] = message[0];
        }
        assert_rejected(&mut server, &a, &bytes);
    }
}

#[test]
fn corrupted_change_is_rejected() {
    let (mut server, a, message) = valid_message();
    let magic = chunks_magic_position(&message).expect("message carries a change");
    for offset in [9, 20, 40] {
        let mut bytes = message.clone();
        let at = magic + offset;
        if at < bytes.len() {
            bytes[at] ^= 0x55;
            assert_rejected(&mut server, &a, &bytes);
        }
    }
}

fn chunks_magic_position(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == [0x85, 0x6f, 0x4a, 0x83])
}

#[test]
fn flipped_bytes_never_panic_or_half_apply() {
    let (mut server, a, message) = valid_message();
    for index in 0..message.len() {
        let mut bytes = message.clone();
        bytes[index] ^= 0xff;
        let heads = server.doc.heads();
        let state = server.states.get(&a.name).cloned().unwrap_or_default();
        let mut trial = server.doc.clone();
        if receive(&mut trial, &state, &bytes, &a.context()).is_err() {
            assert_eq!(trial.heads(), heads, "byte {index}");
        }
    }
}

#[test]
fn wiped_phone_gets_whole_list_back() {
    let (mut server, mut a, _) = team_setup();
    a.doc
        .mark_returned(at(17, 0), &editor("clerk-1", 17, 0))
        .expect("returned");
    a.doc
        .hand_over(&editor("clerk-1", 17, 30))
        .expect("handed over");
    session(&mut a, &mut server, None);

    // The server still has the stored peer state of the wiped phone's previous life.
    let mut wiped = Phone::wiped("phone-a", actor(11));
    let rounds = session(&mut wiped, &mut server, None);
    assert!(rounds <= 3, "took {rounds} rounds");
    assert_converged(&mut server, &mut [&mut wiped]);
    assert_eq!(wiped.snapshot().status, Status::HandedOver);
    assert_eq!(wiped.snapshot().items[&item_id(1)].photos, vec![photo(1)]);
}

#[test]
fn first_message_from_new_list_carries_document() {
    let mut server = Server::new();
    let a = Phone::new("phone-a", fixtures::draft_document());
    let mut doc = a.doc.clone();
    let mut state = PeerState::new();
    let first = client_generate(&mut doc, &mut state).expect("first message");
    let inspected = inspect(&first).expect("valid");
    assert_eq!(inspected.change_count(), 0);
    assert!(inspected.actors().is_empty());

    let reply = server.handle(&a, &first).expect("accepted").expect("reply");
    client_receive(&mut doc, &mut state, &reply).expect("reply accepted");
    let second = client_generate(&mut doc, &mut state).expect("second message");
    let inspected = inspect(&second).expect("valid");
    assert!(inspected.carries_document());
    assert_eq!(inspected.actors(), vec![actor(1)]);
    assert_eq!(inspected.change_count(), 7);
}

#[test]
fn list_for_another_id_or_team_is_refused() {
    let mut server = Server::new();
    let mut a = Phone::new("phone-a", fixtures::draft_document());
    let mut state = PeerState::new();
    let mut ctx = a.context();
    ctx.list_id = Uuid::nil();

    let mut stored = Vec::new();
    let mut results = Vec::new();
    for _ in 0..3 {
        let Some(message) = client_generate(&mut a.doc, &mut state) else {
            break;
        };
        match receive(&mut server.doc, &stored, &message, &ctx) {
            Ok(outcome) => {
                stored = outcome.peer_state;
                if let Some(reply) = outcome.reply {
                    client_receive(&mut a.doc, &mut state, &reply).expect("reply");
                }
            }
            Err(error) => {
                results.push(error.code());
                break;
            }
        }
    }
    assert_eq!(results, vec!["LIST_ID_MISMATCH"]);
    assert!(!server.doc.has_list());
    assert!(server.doc.heads().is_empty());

    let mut server = Server::new();
    let mut state = PeerState::new();
    let mut ctx = a.context();
    ctx.team_id = Some("team-2".to_string());
    let first = client_generate(&mut a.doc, &mut state).expect("first");
    let outcome = receive(&mut server.doc, &[], &first, &ctx).expect("no changes yet");
    client_receive(&mut a.doc, &mut state, &outcome.reply.expect("reply")).expect("reply");
    let second = client_generate(&mut a.doc, &mut state).expect("second");
    let error = receive(&mut server.doc, &outcome.peer_state, &second, &ctx).expect_err("team");
    assert_eq!(error.code(), "TEAM_MISMATCH");
    assert!(server.doc.heads().is_empty());
}

#[test]
fn read_only_device_changes_are_ignored() {
    let (mut server, mut a, _) = team_setup();
    let mut viewer = Phone::wiped("viewer", actor(8));
    viewer.access = Access::ReadOnly;
    session(&mut viewer, &mut server, None);
    assert_converged(&mut server, &mut [&mut viewer]);

    let heads = server.doc.heads();
    viewer
        .doc
        .set_trip_place("被改的地点", &editor("viewer", 12, 0))
        .expect("local edit");
    session(&mut viewer, &mut server, None);
    assert_eq!(server.doc.heads(), heads);
    assert_eq!(server.snapshot().trip.place, "南阳市宛城区建设路 18 号");
    let codes: Vec<&str> = server.notices.iter().map(|n| n.code.as_str()).collect();
    assert!(codes.contains(&READ_ONLY_NOTICE), "{codes:?}");

    // The viewer still receives the team's new changes.
    a.doc
        .add_item(
            fixtures::new_item(3, "other", "其他材料"),
            &editor("clerk-1", 12, 5),
        )
        .expect("add");
    session(&mut a, &mut server, None);
    session(&mut viewer, &mut server, None);
    assert!(viewer.snapshot().items.contains_key(&item_id(3)));
}

#[test]
fn stored_document_round_trips() {
    let mut doc = fixtures::draft_document();
    let mut stored = StoredDocument::from_document(&mut doc);
    let clerk = editor("clerk-1", 13, 0);
    for n in 10..20u128 {
        let heads = doc.heads();
        doc.add_item(fixtures::new_item(n, "other", &format!("材料{n}")), &clerk)
            .expect("add");
        stored.push_chunk(doc.save_after(&heads));
    }
    stored.push_chunk(Vec::new());
    assert_eq!(stored.chunks.len(), 10);

    let loaded = stored.load(actor(5)).expect("loads");
    assert_eq!(
        loaded.snapshot().expect("snapshot"),
        doc.snapshot().expect("snapshot")
    );

    let compacted = stored.compact().expect("compacts");
    assert!(compacted.chunks.is_empty());
    let reloaded = compacted.load(actor(5)).expect("loads");
    assert_eq!(
        reloaded.snapshot().expect("snapshot"),
        doc.snapshot().expect("snapshot")
    );
    let mut reloaded = reloaded;
    assert_eq!(reloaded.heads(), doc.heads());
}

#[test]
fn incremental_save_after_load_holds_only_new_changes() {
    let mut doc = fixtures::draft_document();
    let snapshot = doc.save();
    let mut loaded = MaterialListDocument::load(&snapshot, actor(1)).expect("loads");
    let heads = loaded.heads();
    loaded
        .set_trip_place("新地点", &editor("clerk-1", 14, 0))
        .expect("edit");
    let chunk = loaded.save_after(&heads);
    let mut summary = chunks::ChangeSummary::default();
    chunks::read_changes(&chunk, &mut summary).expect("chunk parses");
    assert_eq!(summary.changes.len(), 1);
    assert!(
        chunk.len() < snapshot.len(),
        "{} >= {}",
        chunk.len(),
        snapshot.len()
    );
}

#[test]
fn compaction_decision() {
    let stored = StoredDocument {
        snapshot: vec![0; 100],
        chunks: vec![vec![0; 30], vec![0; 30]],
    };
    assert!(!stored.needs_compaction(DEFAULT_MAX_CHUNKS));
    assert!(stored.needs_compaction(1));

    let grown = StoredDocument {
        snapshot: vec![0; 100],
        chunks: vec![vec![0; 60], vec![0; 41]],
    };
    assert_eq!(grown.chunk_bytes(), 101);
    assert!(grown.needs_compaction(DEFAULT_MAX_CHUNKS));
    assert!(!StoredDocument::default().needs_compaction(0));
}

#[test]
fn corrupt_stored_chunk_is_reported() {
    let mut doc = fixtures::draft_document();
    let mut stored = StoredDocument::from_document(&mut doc);
    let heads = doc.heads();
    doc.set_trip_place("新地点", &editor("clerk-1", 14, 0))
        .expect("edit");
    let mut chunk = doc.save_after(&heads);
    let middle = chunk.len() / 2;
    chunk[middle] ^= 0x55;
    stored.push_chunk(chunk);
    match stored.load(actor(1)) {
        Err(SyncError::CorruptChunk { index: 0, .. }) => {}
        other => panic!("expected CorruptChunk, got {other:?}"),
    }
}

#[test]
fn peer_state_round_trips_and_rejects_garbage() {
    let (server, a, _) = team_setup();
    let stored = server.states.get(&a.name).cloned().expect("state stored");
    let state = PeerState::decode(&stored).expect("decodes");
    assert_eq!(state.encode(), stored);
    assert!(PeerState::decode(&[]).is_ok());
    let error = PeerState::decode(&[0x01, 0x02]).expect_err("garbage");
    assert_eq!(error.code(), "SYNC_STATE_MALFORMED");
}

/// Runs one session and returns the bytes sent in both directions.
fn session_bytes(phone: &mut Phone, server: &mut Server) -> usize {
    let mut state = PeerState::decode(&phone.stored_state).expect("stored phone state");
    let mut total = 0;
    let mut rounds = 0;
    while let Some(message) = client_generate(&mut phone.doc, &mut state) {
        assert!(rounds < MAX_ROUNDS);
        total += message.len();
        if let Some(reply) = server.handle(phone, &message).expect("accepted") {
            total += reply.len();
            client_receive(&mut phone.doc, &mut state, &reply).expect("reply accepted");
        }
        rounds += 1;
    }
    phone.stored_state = state.encode();
    total
}

#[test]
fn stored_state_keeps_small_edit_small() {
    let (mut server, mut a, _) = team_setup();
    for n in 10..60u128 {
        a.doc
            .add_item(
                fixtures::new_item(n, "other", &format!("材料{n}")),
                &editor("clerk-1", 13, 0),
            )
            .expect("add");
    }
    session(&mut a, &mut server, None);

    let pages = ItemChanges {
        page_count: Some(3),
        ..ItemChanges::default()
    };
    a.doc
        .edit_item(item_id(1), pages.clone(), &editor("clerk-1", 14, 0))
        .expect("edit");
    let with_state = session_bytes(&mut a, &mut server);

    a.doc
        .edit_item(item_id(2), pages, &editor("clerk-1", 14, 1))
        .expect("edit");
    a.stored_state.clear();
    server.states.clear();
    let fresh = session_bytes(&mut a, &mut server);

    eprintln!("one-field edit, 57 changes in the document: {with_state} bytes with stored state, {fresh} bytes with fresh states");
    assert!(with_state < 1_000, "{with_state} bytes");
    assert!(with_state < fresh, "{with_state} >= {fresh}");
    assert_converged(&mut server, &mut [&mut a]);
}

#[test]
fn whole_document_repeats_known_actors() {
    let (mut server, _, mut b) = team_setup();
    for n in 20..40u128 {
        b.doc
            .add_item(
                fixtures::new_item(n, "other", &format!("材料{n}")),
                &editor("clerk-2", 15, 0),
            )
            .expect("add");
    }
    let mut state = PeerState::decode(&b.stored_state).expect("state");
    let mut saw_document = false;
    while let Some(message) = client_generate(&mut b.doc, &mut state) {
        let inspected = inspect(&message).expect("valid");
        if inspected.carries_document() {
            saw_document = true;
            assert_eq!(inspected.actors(), vec![actor(1), actor(2)]);
            assert_eq!(inspected.new_actors(&mut server.doc), vec![actor(2)]);
        }
        if let Some(reply) = server.handle(&b, &message).expect("accepted") {
            client_receive(&mut b.doc, &mut state, &reply).expect("reply accepted");
        }
    }
    assert!(
        saw_document,
        "20 new changes in a 27-change document go as a whole document"
    );
    assert_eq!(server.snapshot().items.len(), 22);
}

#[test]
fn forged_server_actor_is_rejected() {
    let (mut server, _, _) = team_setup();
    let mut forger = Phone::wiped("forger", server_actor());
    session(&mut forger, &mut server, None);
    forger
        .doc
        .set_trip_place("伪造地点", &editor("forger", 16, 0))
        .expect("edit");
    let heads = server.doc.heads();

    let mut state = PeerState::decode(&forger.stored_state).expect("state");
    let mut error = None;
    for _ in 0..MAX_ROUNDS {
        let Some(message) = client_generate(&mut forger.doc, &mut state) else {
            break;
        };
        let stored = server.states.get("forger").cloned().unwrap_or_default();
        match receive(&mut server.doc, &stored, &message, &forger.context()) {
            Ok(outcome) => {
                server
                    .states
                    .insert("forger".to_string(), outcome.peer_state);
                if let Some(reply) = outcome.reply {
                    client_receive(&mut forger.doc, &mut state, &reply).expect("reply");
                }
            }
            Err(rejected) => {
                error = Some(rejected);
                break;
            }
        }
    }
    assert!(
        matches!(error, Some(SyncError::ServerActorForged)),
        "{error:?}"
    );
    assert_eq!(server.doc.heads(), heads);
}

#[test]
fn unknown_hashes_in_message_are_harmless() {
    let (mut server, a, message) = valid_message();
    let mut decoded = automerge::sync::Message::decode(&message).expect("decodes");
    let mut second = decoded.have[0].clone();
    second.last_sync = vec![ChangeHash([7; 32])];
    decoded.have.push(second);
    decoded.need = vec![ChangeHash([9; 32])];
    decoded.heads.push(ChangeHash([8; 32]));
    decoded.heads.sort();
    decoded.changes = automerge::sync::ChunkList::empty();
    let bytes = decoded.encode();

    let heads = server.doc.heads();
    let state = server.states.get(&a.name).cloned().unwrap_or_default();
    let outcome = receive(&mut server.doc, &state, &bytes, &a.context()).expect("accepted");
    assert!(outcome.reply.is_some());
    assert!(outcome.new_changes.is_empty());
    assert_eq!(server.doc.heads(), heads);

    // The same message with its two heads swapped: the bytes still parse, but the list is unsorted.
    let mut unsorted = bytes.clone();
    assert_eq!(unsorted[1], 2, "two heads");
    let (first, rest) = unsorted[2..66].split_at_mut(32);
    first.swap_with_slice(rest);
    assert_rejected(&mut server, &a, &unsorted);
}

/// Prints the server time per sync session of a phone with one new item. Run with
/// `cargo test --release -p juanzong-sync measure_session_cost -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, not a check"]
fn measure_session_cost() {
    let (mut server, mut a, _) = team_setup();
    let sessions = 200u32;
    let mut server_time = std::time::Duration::ZERO;
    let mut requests = 0u32;
    for n in 0..sessions {
        a.doc
            .add_item(
                fixtures::new_item(1000 + u128::from(n), "other", "材料"),
                &editor("clerk-1", 13, 0),
            )
            .expect("add");
        let mut state = PeerState::decode(&a.stored_state).expect("state");
        while let Some(message) = client_generate(&mut a.doc, &mut state) {
            let started = std::time::Instant::now();
            let reply = server.handle(&a, &message).expect("accepted");
            server_time += started.elapsed();
            requests += 1;
            if let Some(reply) = reply {
                client_receive(&mut a.doc, &mut state, &reply).expect("reply");
            }
        }
        a.stored_state = state.encode();
    }
    let document_bytes = server.doc.save().len();
    eprintln!(
        "{sessions} sessions, {requests} requests, server time {:.2} ms per session, final document {document_bytes} bytes",
        server_time.as_secs_f64() * 1000.0 / f64::from(sessions)
    );
    assert_eq!(server.snapshot().items.len(), 2 + sessions as usize);
}

#[test]
#[ignore = "measurement, not a check"]
fn measure_snapshot_cost() {
    let mut doc = fixtures::draft_document();
    for n in 0..200u128 {
        doc.add_item(
            fixtures::new_item(1000 + n, "other", "材料"),
            &editor("clerk-1", 13, 0),
        )
        .expect("add");
    }
    let started = std::time::Instant::now();
    for _ in 0..20 {
        doc.snapshot().expect("snapshot");
    }
    eprintln!(
        "snapshot of 202 items: {:.2} ms",
        started.elapsed().as_secs_f64() * 1000.0 / 20.0
    );
    let started = std::time::Instant::now();
    for _ in 0..20 {
        let _ = doc.automerge().fork();
    }
    eprintln!(
        "fork: {:.2} ms",
        started.elapsed().as_secs_f64() * 1000.0 / 20.0
    );
    let started = std::time::Instant::now();
    for _ in 0..20 {
        let _ = automerge::ReadDoc::hydrate(doc.automerge(), automerge::ROOT, None);
    }
    eprintln!(
        "hydrate: {:.2} ms",
        started.elapsed().as_secs_f64() * 1000.0 / 20.0
    );
}

/// Makes `edits` offline commits on a phone: every fourth adds an item, the others change the
/// page count or notes of the phone's latest item, as the load benchmark does.
fn long_offline_history(phone: &mut Phone, number: u8, edits: u32) {
    let mut latest = None;
    for edit in 0..edits {
        let minute = edit % 60;
        let clerk = editor(&format!("clerk-{number}"), 14, minute);
        if edit % 4 == 0 || latest.is_none() {
            let id = 10_000 * u128::from(number) + u128::from(edit);
            phone
                .doc
                .add_item(fixtures::new_item(id, "other", "其他材料"), &clerk)
                .expect("add item");
            latest = Some(item_id(id));
            continue;
        }
        let changes = if edit % 2 == 0 {
            ItemChanges {
                page_count: Some(i64::from(1 + edit)),
                ..ItemChanges::default()
            }
        } else {
            ItemChanges {
                notes: Some(format!("第 {edit} 次修改")),
                ..ItemChanges::default()
            }
        };
        phone
            .doc
            .edit_item(latest.expect("an item was added"), changes, &clerk)
            .expect("edit item");
    }
}

/// Ten phones with fifty offline commits each carry thousands of change hashes, so the Bloom
/// filters of the protocol (about 1% false positives) hide some change from a sender. The receiver
/// then has changes whose dependency is missing, and the server, which rebuilds its document for
/// every request, must still ask for that dependency instead of looping.
#[test]
fn many_long_offline_histories_converge_within_bound() {
    // Seed 2 is one where a held-back change occurs: before the fix its last session looped.
    let longest: Vec<usize> = (0..4u8).map(many_long_offline_histories).collect();
    assert_eq!(longest[..3], [2, 2, 3], "rounds of the longest session per seed");
    assert!(longest.iter().all(|&rounds| rounds <= 3), "{longest:?}");
}

/// Ten phones sync fifty offline commits each to one list, twice in turn; returns the rounds of
/// the longest session.
fn many_long_offline_histories(seed: u8) -> usize {
    let (mut server, mut a, _) = team_setup();
    let base = a.doc.save();
    let mut phones: Vec<Phone> = (0..10u8)
        .map(|n| {
            let device = actor(20 + 10 * seed + n);
            let doc = MaterialListDocument::load(&base, device).expect("load base");
            let mut phone = Phone::new(&format!("phone-{n}"), doc);
            session(&mut phone, &mut server, None);
            phone
        })
        .collect();
    for (n, phone) in phones.iter_mut().enumerate() {
        long_offline_history(phone, 20 + n as u8, 50);
    }

    let mut longest = 0;
    for _pass in 0..2 {
        for phone in phones.iter_mut() {
            longest = longest.max(session(phone, &mut server, None));
        }
    }

    let mut refs: Vec<&mut Phone> = phones.iter_mut().collect();
    assert_converged(&mut server, &mut refs);
    assert_eq!(server.snapshot().items.len(), 2 + 10 * 13);
    longest
}

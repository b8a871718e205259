use chrono::{TimeZone, Utc};
use juanzong_sync::{CaseNumber, Editor, NewList, TeamKind};

use super::*;
use crate::auth::UserInfo;

fn session() -> Session {
    Session {
        server_url: "http://127.0.0.1:9".to_string(),
        device_name: "测试手机".to_string(),
        server_device_id: "device-1".to_string(),
        user: UserInfo {
            id: "user-1".to_string(),
            username: "zhang".to_string(),
            display_name: "张警官".to_string(),
            team_id: Some("team-1".to_string()),
            team_name: Some("执行一团队".to_string()),
            roles: vec!["field_officer".to_string()],
        },
        access_token: "access-secret".to_string(),
        access_token_expires_at: Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap(),
        refresh_token: "refresh-secret".to_string(),
        refresh_token_expires_at: Utc.with_ymd_and_hms(2026, 12, 30, 10, 0, 0).unwrap(),
    }
}

fn new_document(store: &OfflineStore) -> (Uuid, MaterialListDocument) {
    let list_id = Uuid::new_v4();
    let editor = Editor {
        user: "user-1".to_string(),
        at: Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap(),
    };
    let new_list = NewList {
        list_id,
        case_number: CaseNumber::parse("(2026)豫13执123号").unwrap(),
        team_id: "team-1".to_string(),
        kind: TeamKind::Enforcement,
        trip: Default::default(),
    };
    let document = MaterialListDocument::create(store.actor().unwrap(), new_list, &editor).unwrap();
    (list_id, document)
}

#[test]
fn identity_is_made_once_and_kept() {
    let folder = tempfile::tempdir().unwrap();
    let first = OfflineStore::open(folder.path()).unwrap().device().unwrap();
    let second = OfflineStore::open(folder.path()).unwrap().device().unwrap();
    assert_eq!(first, second);
    assert!(Uuid::parse_str(&first.device_id).is_ok());
    assert!(first.actor().is_ok());

    let other = tempfile::tempdir().unwrap();
    let third = OfflineStore::open(other.path()).unwrap().device().unwrap();
    assert_ne!(first.device_id, third.device_id);
    assert_ne!(first.actor_id, third.actor_id);
}

#[test]
fn everything_survives_reopen() {
    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path()).unwrap();
    let (list_id, mut document) = new_document(&store);
    store.save_document(list_id, &mut document).unwrap();
    store.save_session(&session()).unwrap();
    let feed = FeedState {
        cursor: 42,
        notices: vec![],
        stale: [list_id].into_iter().collect(),
    };
    store.save_feed(&feed).unwrap();
    let photo = store.save_photo(&"ab".repeat(32), b"jpeg bytes").unwrap();
    drop(store);

    let reopened = OfflineStore::open(folder.path()).unwrap();
    assert_eq!(reopened.list_ids().unwrap(), vec![list_id]);
    let mut loaded = reopened.load_document(list_id).unwrap();
    assert_eq!(loaded.heads(), document.heads());
    assert_eq!(loaded.snapshot().unwrap(), document.snapshot().unwrap());
    assert_eq!(reopened.session().unwrap(), Some(session()));
    assert_eq!(reopened.feed().unwrap(), feed);
    assert_eq!(std::fs::read(photo).unwrap(), b"jpeg bytes");
}

#[test]
fn missing_files_have_defaults() {
    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path()).unwrap();
    assert_eq!(store.session().unwrap(), None);
    assert_eq!(store.feed().unwrap(), FeedState::default());
    assert!(store.list_ids().unwrap().is_empty());
    let unknown = Uuid::new_v4();
    assert!(matches!(
        store.load_document(unknown),
        Err(ClientError::ListNotFound(id)) if id == unknown
    ));
    assert_eq!(store.load_peer_state(unknown).unwrap().encode(), PeerState::new().encode());
}

#[test]
fn empty_document_round_trips() {
    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path()).unwrap();
    let list_id = Uuid::new_v4();
    let mut empty = MaterialListDocument::empty(store.actor().unwrap());
    store.save_document(list_id, &mut empty).unwrap();
    let loaded = store.load_document(list_id).unwrap();
    assert!(!loaded.has_list());
    assert_eq!(loaded.actor(), &store.actor().unwrap());
}

#[test]
fn corrupt_files_give_clear_errors() {
    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path()).unwrap();
    let (list_id, mut document) = new_document(&store);
    store.save_document(list_id, &mut document).unwrap();

    let document_path = folder.path().join("lists").join(list_id.to_string()).join(DOCUMENT_FILE);
    std::fs::write(&document_path, b"not automerge").unwrap();
    let error = store.load_document(list_id).unwrap_err();
    assert_eq!(error.code(), "STORE_CORRUPT");
    assert!(error.to_string().contains("document.automerge"), "{error}");

    let state_path = folder.path().join("lists").join(list_id.to_string()).join(PEER_STATE_FILE);
    std::fs::write(&state_path, [0x43, 0xff, 0x01]).unwrap();
    assert_eq!(store.load_peer_state(list_id).unwrap_err().code(), "STORE_CORRUPT");

    std::fs::write(folder.path().join(SESSION_FILE), b"{\"server_url\": 3").unwrap();
    let error = store.session().unwrap_err();
    assert_eq!(error.code(), "STORE_CORRUPT");
    assert!(error.to_string().contains("session.json"), "{error}");

    std::fs::write(folder.path().join(DEVICE_FILE), b"").unwrap();
    assert_eq!(store.actor().unwrap_err().code(), "STORE_CORRUPT");
}

#[test]
fn interrupted_write_leaves_old_content() {
    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path()).unwrap();
    store.save_session(&session()).unwrap();

    // A process killed between creating the temporary file and the rename leaves this behind.
    let leftover = folder.path().join(format!(".{SESSION_FILE}{TEMP_MARKER}deadbeef"));
    std::fs::write(&leftover, b"{\"half\": ").unwrap();
    assert_eq!(store.session().unwrap(), Some(session()));

    let reopened = OfflineStore::open(folder.path()).unwrap();
    assert!(!leftover.exists());
    assert_eq!(reopened.session().unwrap(), Some(session()));
}

#[test]
fn write_replaces_whole_file() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("value.bin");
    write_atomic(&path, &[1u8; 4096]).unwrap();
    write_atomic(&path, b"short").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"short");
    let names: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["value.bin".to_string()]);
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;

    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path().join("store")).unwrap();
    store.save_session(&session()).unwrap();
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder.path().join("store").join(SESSION_FILE)), 0o600);
    assert_eq!(mode(&folder.path().join("store")), 0o700);
}

#[test]
fn session_debug_hides_tokens() {
    let text = format!("{:?}", session());
    assert!(!text.contains("access-secret"), "{text}");
    assert!(!text.contains("refresh-secret"), "{text}");
    assert!(text.contains("zhang"));
}

#[test]
fn logout_keeps_lists_and_identity() {
    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path()).unwrap();
    let identity = store.device().unwrap();
    let (list_id, mut document) = new_document(&store);
    store.save_document(list_id, &mut document).unwrap();
    store.save_session(&session()).unwrap();

    store.clear_session().unwrap();
    store.clear_session().unwrap();
    assert_eq!(store.session().unwrap(), None);
    assert_eq!(store.list_ids().unwrap(), vec![list_id]);
    assert_eq!(store.device().unwrap(), identity);
}

#[test]
fn lock_is_exclusive() {
    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path()).unwrap();
    let held = store.lock().unwrap();
    assert_eq!(store.lock().unwrap_err().code(), "STORE_BUSY");
    drop(held);
    assert!(store.lock().is_ok());
}

#[test]
fn feed_state_without_stale_lists_still_reads() {
    let folder = tempfile::tempdir().unwrap();
    let store = OfflineStore::open(folder.path()).unwrap();
    // The feed file as stores written before stale marks existed hold it.
    std::fs::write(folder.path().join("feed.json"), r#"{"cursor": 7, "notices": []}"#).unwrap();
    let feed = store.feed().unwrap();
    assert_eq!(feed.cursor, 7);
    assert!(feed.stale.is_empty());
}

//! The sync engine: exchanges Automerge sync messages between a phone and the server, and makes the
//! server enforce [`crate::validation`] on what phones send.
//!
//! # Protocol
//!
//! Each side keeps a [`PeerState`] per document and peer. Only its encoded form, the heads both
//! sides are known to share, is stored. Every request rebuilds the state with
//! [`PeerState::decode`], because a live state reused across a reconnect makes the two sides send
//! each other the same messages without end. A stored state also keeps messages small: a fresh
//! state's Bloom filter covers every change of the document. In this crate's test
//! `stored_state_keeps_small_edit_small`, a one-field edit of a 58-change list took 507 bytes in
//! both directions with stored states and 591 with fresh ones, and the gap grows with the history.
//!
//! One session, repeated until [`client_generate`] returns `None`:
//! 1. the phone calls [`client_generate`] and posts the message;
//! 2. the server calls [`inspect`] and checks that the actor ids in
//!    [`InspectedMessage::new_actors`] are bound to the calling device;
//! 3. the server calls [`apply`], stores [`ServerOutcome::new_changes`] and
//!    [`ServerOutcome::peer_state`], and returns [`ServerOutcome::reply`] and the notices;
//! 4. the phone passes the reply to [`client_receive`].
//!
//! # Rule-breaking edits
//!
//! The server never drops a change a permitted peer sent: dropping one leaves the two sides with
//! different heads that sync can no longer reconcile. Instead [`apply`] receives the message into a
//! fork first, compares the snapshot before and after with [`crate::validation::check_change`],
//! accepts the changes, and then writes one change of its own, by the fixed actor
//! [`SERVER_ACTOR`], that restores the broken parts only. The device's other edits in the same
//! message stay. Each undone rule becomes a [`Notice`] for the device, and the restoring change
//! reaches the device in the reply like any other change.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use juanzong_sync::document::{Editor, MaterialListDocument, NewList};
//! use juanzong_sync::engine::{self, Access, PeerState, ServerContext};
//! use juanzong_sync::model::{TeamKind, Trip};
//! use juanzong_sync::validation::Role;
//! use juanzong_sync::{ActorId, CaseNumber};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let editor = Editor { user: "clerk-7".into(), at: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() };
//! let list_id = uuid::Uuid::new_v4();
//! let new_list = NewList {
//!     list_id,
//!     case_number: CaseNumber::parse("(2026)豫13执123号")?,
//!     team_id: "team-1".into(),
//!     kind: TeamKind::Enforcement,
//!     trip: Trip::default(),
//! };
//! let mut phone = MaterialListDocument::create(ActorId::random(), new_list, &editor)?;
//! let mut phone_state = PeerState::new();
//!
//! // The server has never seen this list; its document and its stored peer state are empty.
//! let mut server = MaterialListDocument::empty(engine::server_actor());
//! let mut stored_state: Vec<u8> = Vec::new();
//! let ctx = ServerContext {
//!     list_id,
//!     role: Role::Field,
//!     access: Access::ReadWrite,
//!     team_id: Some("team-1".into()),
//!     now: editor.at,
//! };
//!
//! let mut rounds = 0;
//! while let Some(message) = engine::client_generate(&mut phone, &mut phone_state) {
//!     let inspected = engine::inspect(&message)?;
//!     // Here the server checks these actors against the device's actor bindings.
//!     let _new_actors = inspected.new_actors(&mut server);
//!     let outcome = engine::apply(&mut server, &stored_state, inspected, &ctx)?;
//!     stored_state = outcome.peer_state;
//!     if let Some(reply) = outcome.reply {
//!         engine::client_receive(&mut phone, &mut phone_state, &reply)?;
//!     }
//!     rounds += 1;
//!     assert!(rounds < 10);
//! }
//!
//! assert_eq!(server.heads(), phone.heads());
//! assert_eq!(server.snapshot()?, phone.snapshot()?);
//! # Ok(())
//! # }
//! ```

mod chunks;
mod storage;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use automerge::sync::{self, SyncDoc};
use automerge::{ActorId, AutomergeError, ChangeHash};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::document::{DocumentError, Editor, MaterialListDocument};
use crate::materials::Catalogue;
use crate::model::{MaterialList, Status};
use crate::validation::{self, Role, Violation};

pub use storage::{StoredDocument, DEFAULT_MAX_CHUNKS};

/// Actor id of every change the server writes. Fixed, so that a device can tell server changes
/// apart and so that the server's own changes form one sequence per document.
///
/// NOTE: two server processes writing to one document at the same time would both write sequence
/// number n+1 for this actor, and Automerge rejects the second. So the caller must serialize
/// requests per document and store [`ServerOutcome::new_changes`] before sending the reply.
pub const SERVER_ACTOR: [u8; 16] = *b"juanzong-server\0";

/// User id recorded as the editor of the server's restoring changes.
pub const SERVER_USER: &str = "server";

/// Returns [`SERVER_ACTOR`] as an actor id.
pub fn server_actor() -> ActorId {
    ActorId::from(&SERVER_ACTOR[..])
}

/// Errors of the sync engine. Messages are shown to users; the English code is in [`Self::code`].
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("同步消息格式错误，请重新同步")]
    MalformedMessage(String),
    #[error("同步状态数据损坏")]
    MalformedPeerState(#[source] sync::DecodeStateError),
    #[error("同步消息中的清单编号 {found} 与请求的清单 {expected} 不一致")]
    ListIdMismatch { expected: Uuid, found: Uuid },
    #[error("不能为其他团队创建清单")]
    TeamMismatch,
    #[error("同步消息中含有冒用服务器身份的修改")]
    ServerActorForged,
    #[error("同步后的清单无法读取，修改未保存")]
    InvalidDocument(#[source] DocumentError),
    #[error("清单文档操作失败")]
    Document(#[from] DocumentError),
    #[error("存储的清单文档无法读取")]
    Storage(#[source] Box<AutomergeError>),
    #[error("存储的清单文档第 {index} 个增量数据损坏")]
    CorruptChunk { index: usize, reason: String },
    #[error("存储的清单文档缺少 {0} 个修改记录")]
    MissingChanges(usize),
    #[error("合并同步修改失败")]
    Merge(#[source] Box<AutomergeError>),
}

impl SyncError {
    /// Returns the stable English code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::MalformedMessage(_) => "SYNC_MESSAGE_MALFORMED",
            SyncError::MalformedPeerState(_) => "SYNC_STATE_MALFORMED",
            SyncError::ListIdMismatch { .. } => "LIST_ID_MISMATCH",
            SyncError::TeamMismatch => "TEAM_MISMATCH",
            SyncError::ServerActorForged => "SERVER_ACTOR_FORGED",
            SyncError::InvalidDocument(_) => "SYNC_DOCUMENT_INVALID",
            SyncError::Document(error) => error.code(),
            SyncError::Storage(_) => "STORED_DOCUMENT_UNREADABLE",
            SyncError::CorruptChunk { .. } => "STORED_CHUNK_CORRUPT",
            SyncError::MissingChanges(_) => "STORED_CHANGES_MISSING",
            SyncError::Merge(_) => "SYNC_MERGE_FAILED",
        }
    }
}

/// Sync state of one document with one peer.
#[derive(Debug, Clone, Default)]
pub struct PeerState {
    state: sync::State,
}

impl PeerState {
    /// Returns the state for a peer never synced with.
    pub fn new() -> PeerState {
        PeerState::default()
    }

    /// Rebuilds a state from [`Self::encode`] output; empty bytes give [`Self::new`].
    pub fn decode(bytes: &[u8]) -> Result<PeerState, SyncError> {
        if bytes.is_empty() {
            return Ok(PeerState::new());
        }
        let mut state = sync::State::decode(bytes).map_err(SyncError::MalformedPeerState)?;
        // The encoder of automerge 0.12 asserts sorted hashes in debug builds. Bytes from
        // `encode` are sorted already, so sorting again only keeps a damaged row from panicking.
        state.shared_heads.sort();
        Ok(PeerState { state })
    }

    /// Returns the heads both sides were known to share when the state was last updated, sorted.
    /// A document whose heads equal these has nothing new for the peer.
    pub fn shared_heads(&self) -> &[ChangeHash] {
        &self.state.shared_heads
    }

    /// Encodes the part of the state worth keeping between connections: the shared heads. The
    /// read-only flag is not encoded; the caller sets it again on each connection.
    pub fn encode(&self) -> Vec<u8> {
        self.state.encode()
    }
}

/// Whether the peer may change the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    ReadWrite,
    /// The server ignores the peer's changes and sends it its own.
    ReadOnly,
}

/// Request facts the server takes from the URL and the device's token.
#[derive(Debug, Clone)]
pub struct ServerContext {
    /// The list the request is for; a message carrying another list is rejected.
    pub list_id: Uuid,
    /// Role of the calling device.
    pub role: Role,
    /// Whether the device may change the list.
    pub access: Access,
    /// Team of the calling device. When set, a message that creates the list on the server must
    /// create it for this team. An existing list's team cannot change.
    pub team_id: Option<String>,
    /// Time recorded on the server's restoring change.
    pub now: DateTime<Utc>,
}

/// A rule-breaking edit the server undid, reported to the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Stable English code, such as `LIST_FROZEN`.
    pub code: String,
    /// Chinese message shown to users as it is.
    pub message: String,
    /// Item concerned, if any.
    pub item_id: Option<Uuid>,
}

impl From<&Violation> for Notice {
    fn from(violation: &Violation) -> Notice {
        Notice {
            code: violation.code.as_str().to_string(),
            message: violation.message.clone(),
            item_id: violation.item_id,
        }
    }
}

/// Code of the notice sent when a read-only device's changes were ignored.
pub const READ_ONLY_NOTICE: &str = "READ_ONLY";

/// A decoded and checked sync message, not yet applied to any document.
#[derive(Debug, Clone)]
pub struct InspectedMessage {
    message: sync::Message,
    summary: chunks::ChangeSummary,
}

impl InspectedMessage {
    /// Returns the actors that wrote the changes the message carries, sorted, without repeats.
    /// Empty when the message carries no change.
    pub fn actors(&self) -> Vec<ActorId> {
        let actors: BTreeSet<&ActorId> = self.summary.changes.iter().map(|(_, a)| a).collect();
        actors.into_iter().cloned().collect()
    }

    /// Returns the actors of the carried changes that `doc` does not have yet, sorted, without
    /// repeats. These are the ones to check against the device's actor bindings: a message may
    /// also repeat changes the server already has, written by other devices or by the server
    /// (a peer that sends its whole document does so).
    pub fn new_actors(&self, doc: &mut MaterialListDocument) -> Vec<ActorId> {
        let automerge = doc.automerge();
        let actors: BTreeSet<&ActorId> = self
            .summary
            .changes
            .iter()
            .filter(|(hash, _)| automerge.get_change_by_hash(hash).is_none())
            .map(|(_, actor)| actor)
            .collect();
        actors.into_iter().cloned().collect()
    }

    /// Returns the number of changes carried, counting those inside a carried document.
    pub fn change_count(&self) -> usize {
        self.summary.changes.len()
    }

    /// Tells whether the message carries a whole saved document rather than single changes.
    pub fn carries_document(&self) -> bool {
        self.summary.carries_document
    }
}

/// Decodes a sync message and reads every change it carries, applying nothing.
///
/// Only the exact encoding automerge 0.12 writes is accepted: hash lists sorted, the flags section
/// present, and bytes that re-encode to themselves. This rejects trailing
/// bytes and a message cut right before its flags section, which the automerge decoder itself takes
/// for a complete message of an older format.
pub fn inspect(bytes: &[u8]) -> Result<InspectedMessage, SyncError> {
    let message =
        sync::Message::decode(bytes).map_err(|e| SyncError::MalformedMessage(e.to_string()))?;
    // automerge 0.12 writes every hash list sorted, and its encoder asserts that in debug builds,
    // so an unsorted list must be rejected before the message is re-encoded below.
    let mut hash_lists = vec![&message.heads, &message.need];
    hash_lists.extend(message.have.iter().map(|have| &have.last_sync));
    if !hash_lists.iter().all(|hashes| is_sorted(hashes)) {
        return Err(SyncError::MalformedMessage(
            "hash list is not sorted".to_string(),
        ));
    }
    if message.flags.is_none() {
        return Err(SyncError::MalformedMessage(
            "message has no flags section".to_string(),
        ));
    }
    if message.clone().encode() != bytes {
        return Err(SyncError::MalformedMessage(
            "message does not re-encode to the bytes received".to_string(),
        ));
    }
    let mut summary = chunks::ChangeSummary::default();
    for entry in message.changes.iter() {
        chunks::read_changes(entry, &mut summary).map_err(SyncError::MalformedMessage)?;
    }
    Ok(InspectedMessage { message, summary })
}

fn is_sorted(hashes: &[ChangeHash]) -> bool {
    hashes.windows(2).all(|pair| pair[0] <= pair[1])
}

/// Result of one server round.
#[derive(Debug, Clone)]
pub struct ServerOutcome {
    /// Message to send back, if any.
    pub reply: Option<Vec<u8>>,
    /// New encoded peer state, to store in place of the old one.
    pub peer_state: Vec<u8>,
    /// Heads of the server document after the round.
    pub heads: Vec<ChangeHash>,
    /// Changes added to the server document in this round (the device's and the server's own),
    /// as one incremental chunk for [`StoredDocument::push_chunk`]; empty when none.
    pub new_changes: Vec<u8>,
    /// Rule-breaking edits that were undone.
    pub notices: Vec<Notice>,
    /// Snapshot after the round, for the relational rows. `None` when the round added no change,
    /// so that no row needs rewriting, or when the document contains no list yet.
    pub snapshot: Option<MaterialList>,
}

/// Decodes, inspects and applies a message in one call, for callers that check no actor bindings
/// (a read-only peer, whose changes are ignored, or tests). See [`apply`].
pub fn receive(
    doc: &mut MaterialListDocument,
    peer_state: &[u8],
    message: &[u8],
    ctx: &ServerContext,
) -> Result<ServerOutcome, SyncError> {
    let inspected = inspect(message)?;
    apply(doc, peer_state, inspected, ctx)
}

/// Applies an inspected message to the server document and generates the reply.
///
/// Steps:
/// 1. rebuild the peer state from `peer_state` and receive the message into a fork of `doc`;
/// 2. read the snapshots before and after, and reject the whole message if it carries another
///    list, creates the list for another team, or carries a new change by [`SERVER_ACTOR`];
/// 3. merge the fork's changes into `doc`;
/// 4. undo every edit [`validation::review_change`] forbids, with one server change;
/// 5. generate the reply.
///
/// Every rejection in steps 1 and 2 (malformed message, wrong list or team, forged server change)
/// leaves `doc` unchanged. An error after step 3, which only a document that cannot be written
/// causes, leaves the device's changes merged without the server's undo change.
pub fn apply(
    doc: &mut MaterialListDocument,
    peer_state: &[u8],
    inspected: InspectedMessage,
    ctx: &ServerContext,
) -> Result<ServerOutcome, SyncError> {
    let mut state = PeerState::decode(peer_state)?.state;
    let heads_before = doc.heads();
    let peer_last_sync: Option<BTreeSet<ChangeHash>> = inspected
        .message
        .have
        .first()
        .map(|have| have.last_sync.iter().copied().collect());

    let received = match ctx.access {
        Access::ReadOnly => Received {
            notices: receive_read_only(doc, &mut state, inspected)?,
            ..Received::default()
        },
        Access::ReadWrite => receive_checked(doc, &mut state, inspected, ctx)?,
    };
    let Received {
        notices,
        snapshot: known_snapshot,
        missing,
    } = received;

    let mut reply = doc.automerge().sync().generate_sync_message(&mut state);
    if let Some(message) = reply.as_mut() {
        ask_for_missing(message, &missing);
    }
    // A state rebuilt from storage has not replied yet, so the server always replies. A peer whose
    // changes a read-only server ignores never sees its own heads on the server, so it would reply
    // to every reply. Sending nothing when the peer already has every server change and the reply
    // carries no change ends that exchange.
    if ctx.access == Access::ReadOnly {
        let our_heads: BTreeSet<ChangeHash> = doc.heads().into_iter().collect();
        let carries_nothing = reply.as_ref().is_some_and(|m| m.changes.is_empty());
        if carries_nothing && peer_last_sync.as_ref() == Some(&our_heads) {
            reply = None;
        }
    }
    let reply = reply.map(sync::Message::encode);
    let new_changes = doc.save_after(&heads_before);
    let snapshot = match known_snapshot {
        _ if new_changes.is_empty() || !doc.has_list() => None,
        Some(snapshot) => Some(snapshot),
        None => Some(doc.snapshot()?),
    };
    Ok(ServerOutcome {
        reply,
        peer_state: state.encode(),
        heads: doc.heads(),
        new_changes,
        notices,
        snapshot,
    })
}

/// Result of receiving a peer's message, besides the merged document.
#[derive(Debug, Default)]
struct Received {
    /// Rule-breaking edits that were undone.
    notices: Vec<Notice>,
    /// Snapshot of the document afterwards, when already read.
    snapshot: Option<MaterialList>,
    /// Dependencies of carried changes that neither the message nor the document holds.
    missing: Vec<ChangeHash>,
}

/// Makes the reply ask again for what the server lacks.
///
/// Automerge keeps a change whose dependency is missing in an in-memory queue and requests the
/// dependency in its next message. The server rebuilds its document for every request, so such a
/// queue is lost with the request. This happens when the Bloom filter of the server's `have`
/// (about 1% false positives) makes a phone hold back a change the server lacks while it sends
/// the changes built on it. The reply therefore names the missing dependencies in `need` and
/// carries the `SYNC_RESET` flag, which makes the phone forget what it believes it sent; the
/// phone then sends the missing changes together with the ones that depend on them. Without this
/// the two sides exchanged the same messages without end (found by the load benchmark, kept by
/// the test `many_long_offline_histories_converge_within_bound`).
fn ask_for_missing(message: &mut sync::Message, missing: &[ChangeHash]) {
    if missing.is_empty() && message.need.is_empty() {
        return;
    }

    let need: BTreeSet<ChangeHash> = message.need.iter().chain(missing).copied().collect();
    message.need = need.into_iter().collect();

    let mut flags = message.flags.unwrap_or_default();
    flags.set(sync::MessageFlags::SUPPORTS_SYNC_RESET);
    flags.set(sync::MessageFlags::SYNC_RESET);
    message.flags = Some(flags);
}

fn receive_read_only(
    doc: &mut MaterialListDocument,
    state: &mut sync::State,
    inspected: InspectedMessage,
) -> Result<Vec<Notice>, SyncError> {
    state.set_read_only(true);
    // The peer has changes of its own when it reports heads this side does not know.
    let peer_has_own_changes = {
        let automerge = doc.automerge();
        inspected
            .message
            .heads
            .iter()
            .any(|head| automerge.get_change_by_hash(head).is_none())
    };
    doc.automerge()
        .sync()
        .receive_sync_message(state, inspected.message)
        .map_err(|e| SyncError::MalformedMessage(e.to_string()))?;
    if peer_has_own_changes {
        return Ok(vec![Notice {
            code: READ_ONLY_NOTICE.to_string(),
            message: "本设备只能查看此清单，所做的修改没有同步到服务器".to_string(),
            item_id: None,
        }]);
    }
    Ok(Vec::new())
}

/// Receives a message from a peer that may write.
fn receive_checked(
    doc: &mut MaterialListDocument,
    state: &mut sync::State,
    inspected: InspectedMessage,
    ctx: &ServerContext,
) -> Result<Received, SyncError> {
    // A message without changes only updates the sync state, so it needs no fork and no check.
    if inspected.summary.changes.is_empty() {
        doc.automerge()
            .sync()
            .receive_sync_message(state, inspected.message)
            .map_err(|e| SyncError::MalformedMessage(e.to_string()))?;
        return Ok(Received::default());
    }

    let heads_before = doc.heads();
    let mut trial_state = state.clone();
    let mut fork = MaterialListDocument::from_automerge(doc.automerge().fork());
    fork.automerge()
        .sync()
        .receive_sync_message(&mut trial_state, inspected.message)
        .map_err(|e| SyncError::MalformedMessage(e.to_string()))?;
    // Changes whose dependencies did not arrive wait in the fork's queue, which is dropped.
    let missing = fork.automerge().get_missing_deps(&[]);

    let server = server_actor();
    let forged = fork
        .automerge()
        .get_changes(&heads_before)
        .iter()
        .any(|change| change.actor_id() == &server);
    if forged {
        return Err(SyncError::ServerActorForged);
    }
    if fork.heads() == heads_before {
        // Every carried change was known already: nothing to merge or check.
        *state = trial_state;
        return Ok(Received {
            missing,
            ..Received::default()
        });
    }

    let before = if doc.has_list() {
        Some(doc.snapshot()?)
    } else {
        None
    };
    let after = if fork.has_list() {
        Some(fork.snapshot().map_err(SyncError::InvalidDocument)?)
    } else if before.is_some() {
        return Err(SyncError::InvalidDocument(DocumentError::NotAMaterialList));
    } else {
        None
    };

    let baseline = match (&before, &after) {
        (_, None) => None,
        (Some(before), Some(_)) => Some(before.clone()),
        (None, Some(after)) => {
            check_new_list(after, ctx)?;
            Some(creation_baseline(after))
        }
    };
    doc.automerge()
        .merge(fork.automerge())
        .map_err(|e| SyncError::Merge(Box::new(e)))?;
    *state = trial_state;

    let (Some(baseline), Some(after)) = (baseline, after) else {
        return Ok(Received {
            missing,
            ..Received::default()
        });
    };
    let catalogue = Catalogue::builtin().map_err(|e| {
        SyncError::InvalidDocument(DocumentError::InvalidValue {
            field: "catalogue".to_string(),
            value: e.to_string(),
        })
    })?;
    let review = validation::review_change(&baseline, &after, ctx.role, catalogue);
    if review.violations.is_empty() {
        return Ok(Received {
            notices: Vec::new(),
            snapshot: Some(after),
            missing,
        });
    }
    write_server_undo(doc, &review.allowed, &review.violations, ctx.now)?;
    Ok(Received {
        notices: review.violations.iter().map(Notice::from).collect(),
        snapshot: None,
        missing,
    })
}

fn check_new_list(after: &MaterialList, ctx: &ServerContext) -> Result<(), SyncError> {
    if after.list_id != ctx.list_id {
        return Err(SyncError::ListIdMismatch {
            expected: ctx.list_id,
            found: after.list_id,
        });
    }
    match &ctx.team_id {
        Some(team) if *team != after.team_id => Err(SyncError::TeamMismatch),
        _ => Ok(()),
    }
}

/// Returns the baseline that a list arriving on the server for the first time is checked against:
/// the same list back at 草稿, without hand-over or receipt record. A list created, filled in and
/// handed over offline thus passes the same status rules as one synced at every step.
fn creation_baseline(after: &MaterialList) -> MaterialList {
    let mut baseline = after.clone();
    baseline.status = Status::Draft;
    baseline.handed_over_by = None;
    baseline.handed_over_at = None;
    baseline.received_by = None;
    baseline.received_at = None;
    baseline
}

/// Writes one change by [`SERVER_ACTOR`] that makes the document equal `allowed`.
fn write_server_undo(
    doc: &mut MaterialListDocument,
    allowed: &MaterialList,
    violations: &[Violation],
    now: DateTime<Utc>,
) -> Result<(), SyncError> {
    let codes: BTreeSet<&str> = violations.iter().map(|v| v.code.as_str()).collect();
    let message = format!(
        "server_undo {}",
        codes.into_iter().collect::<Vec<_>>().join(",")
    );
    let editor = Editor {
        user: SERVER_USER.to_string(),
        at: now,
    };

    let device_actor = doc.actor().clone();
    doc.set_actor(server_actor());
    let result = doc.restore_to(allowed, &editor, message);
    doc.set_actor(device_actor);
    result.map_err(SyncError::Document)
}

/// Generates the client's next message for the server, or `None` when the client has nothing to
/// send and is not waiting for anything. The client keeps `state` for the whole session and stores
/// [`PeerState::encode`] at its end.
pub fn client_generate(doc: &mut MaterialListDocument, state: &mut PeerState) -> Option<Vec<u8>> {
    doc.automerge()
        .sync()
        .generate_sync_message(&mut state.state)
        .map(sync::Message::encode)
}

/// Applies the server's reply to the client document. Malformed bytes leave the document
/// unchanged.
pub fn client_receive(
    doc: &mut MaterialListDocument,
    state: &mut PeerState,
    reply: &[u8],
) -> Result<(), SyncError> {
    let inspected = inspect(reply)?;
    doc.automerge()
        .sync()
        .receive_sync_message(&mut state.state, inspected.message)
        .map_err(|e| SyncError::MalformedMessage(e.to_string()))
}

/// The server's reply to a peer that sent no message in a round.
#[derive(Debug, Clone)]
pub struct ServerReply {
    /// Message to send, or `None` when the peer already has everything.
    pub message: Option<Vec<u8>>,
    /// New encoded peer state, to store in place of the old one.
    pub peer_state: Vec<u8>,
}

/// Generates the server's message for a peer that only requests the server's side, such as a
/// phone that learned from the change feed that a list changed and has nothing of its own to send.
pub fn server_generate(doc: &mut MaterialListDocument, peer_state: &[u8]) -> Result<ServerReply, SyncError> {
    let mut state = PeerState::decode(peer_state)?.state;
    let message = doc
        .automerge()
        .sync()
        .generate_sync_message(&mut state)
        .map(sync::Message::encode);
    Ok(ServerReply {
        message,
        peer_state: state.encode(),
    })
}

//! The sync loop: rounds of `POST /api/v1/sync` until every list has converged with the server.
//!
//! One round sends, in one request, the message [`engine::client_generate`] makes for each list
//! that has something to send, and passes each reply to [`engine::client_receive`]. The loop ends
//! when no list has a message, which with Automerge's protocol means both sides have the same
//! heads, or after [`RoundLimits::max_rounds`] rounds.
//!
//! Resumability invariants, which let a sync cut at any point (killed process, dropped
//! connection) resume on the next call without losing or duplicating anything:
//! - a list's document is saved as soon as a reply changed it, before its peer state;
//! - a list's peer state is saved only after a reply for it arrived and was applied, so a stored
//!   state never claims heads the stored document lacks;
//! - a failed request leaves the stored states of that round untouched. The next call rebuilds
//!   every state with [`PeerState::decode`], so the server may receive changes it already has,
//!   and Automerge applies each change once.
//!
//! The in-memory states live for one call only, as the protocol requires: a live state reused
//! across a reconnect makes both sides repeat themselves.

use std::collections::BTreeMap;
use std::future::Future;

use juanzong_sync::engine;
use juanzong_sync::{MaterialListDocument, PeerState};
use serde::Serialize;
use uuid::Uuid;

use crate::client::error::ClientError;
use crate::client::store::OfflineStore;
use crate::sync::{DocumentMessage, DocumentReply, SyncNotice, SyncRequest, SyncResponse};

/// A response with its size on the wire.
#[derive(Debug, Clone)]
pub struct Exchanged {
    pub response: SyncResponse,
    /// Request body bytes.
    pub bytes_sent: u64,
    /// Response body bytes.
    pub bytes_received: u64,
}

/// Carries one sync round to a server: HTTP in the client, an in-process engine in tests.
pub trait SyncTransport {
    /// Sends one request and returns the server's response. An error means no usable response
    /// arrived; the server may or may not have applied the request.
    fn exchange(
        &mut self,
        request: &SyncRequest,
    ) -> impl Future<Output = Result<Exchanged, ClientError>> + Send;
}

/// A list that could not be synced in this call; the other lists were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListFailure {
    pub list_id: Uuid,
    /// HTTP status when the server refused the whole request for this list.
    pub status: Option<u16>,
    pub code: String,
    pub message: String,
}

/// A rule notice from a sync reply: an edit of this device that the server undid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListNotice {
    pub list_id: Uuid,
    #[serde(flatten)]
    pub notice: SyncNotice,
}

/// Bounds of one [`run_rounds`] call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundLimits {
    /// Rounds at most; lists still busy then continue in the next call.
    pub max_rounds: u32,
    /// Lists per request at most. The server rejects larger requests (100 lists in this
    /// project's server), so a round of more lists is sent as several requests.
    pub max_lists_per_request: usize,
}

impl Default for RoundLimits {
    fn default() -> RoundLimits {
        RoundLimits {
            max_rounds: 10,
            max_lists_per_request: 100,
        }
    }
}

/// Result of [`run_rounds`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundsOutcome {
    /// Rounds run: each sends every list that has a message once.
    pub rounds: u32,
    /// HTTP requests sent, counting batches and per-list retries after a 4xx.
    pub requests: u32,
    /// Lists that converged with the server.
    pub synced: Vec<Uuid>,
    /// Lists the server refused or failed.
    pub failed: Vec<ListFailure>,
    /// Lists that still had messages after `max_rounds` rounds; the next call continues them.
    pub unconverged: Vec<Uuid>,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub notices: Vec<ListNotice>,
}

impl RoundsOutcome {
    /// Adds another outcome's figures and lists to this one.
    pub fn absorb(&mut self, other: RoundsOutcome) {
        self.rounds += other.rounds;
        self.requests += other.requests;
        self.synced.extend(other.synced);
        self.failed.extend(other.failed);
        self.unconverged.extend(other.unconverged);
        self.bytes_sent += other.bytes_sent;
        self.bytes_received += other.bytes_received;
        self.notices.extend(other.notices);
    }
}

struct ListSession {
    document: MaterialListDocument,
    state: PeerState,
}

/// Syncs the given lists with the server through `transport`, within `limits`.
///
/// Returns an error, after saving what earlier rounds brought, when a request fails without a
/// usable response (network, 401, 5xx after retries). A 4xx other than 401 for a request of
/// several lists makes the round be resent one list per request, so that a list the device may
/// not touch fails alone and the others still sync.
pub async fn run_rounds<T: SyncTransport>(
    store: &OfflineStore,
    list_ids: &[Uuid],
    transport: &mut T,
    limits: &RoundLimits,
) -> Result<RoundsOutcome, ClientError> {
    let mut sessions = BTreeMap::new();
    for &list_id in list_ids {
        let session = ListSession {
            document: store.load_document(list_id)?,
            state: store.load_peer_state(list_id)?,
        };
        sessions.insert(list_id, session);
    }

    let mut outcome = RoundsOutcome::default();
    loop {
        let request = next_request(&mut sessions);
        if request.documents.is_empty() {
            break;
        }
        if outcome.rounds >= limits.max_rounds {
            outcome.unconverged = request.documents.iter().map(|d| d.list_id).collect();
            break;
        }
        outcome.rounds += 1;

        // Each batch's replies are saved before the next batch is sent, so a failure later in
        // the round keeps what the earlier batches brought.
        for batch in request.documents.chunks(limits.max_lists_per_request.max(1)) {
            let batch = SyncRequest {
                documents: batch.to_vec(),
            };
            let replies = exchange_round(transport, &batch, &mut outcome).await?;
            apply_replies(store, &mut sessions, replies, &mut outcome)?;
        }
    }

    outcome.synced = sessions
        .keys()
        .filter(|id| !outcome.unconverged.contains(id))
        .copied()
        .collect();
    Ok(outcome)
}

fn apply_replies(
    store: &OfflineStore,
    sessions: &mut BTreeMap<Uuid, ListSession>,
    replies: Vec<ListReply>,
    outcome: &mut RoundsOutcome,
) -> Result<(), ClientError> {
    for (list_id, reply) in replies {
        let Some(session) = sessions.get_mut(&list_id) else {
            continue;
        };
        let failure = match reply {
            Ok(reply) => apply_reply(store, list_id, session, reply, outcome)?,
            Err(failure) => Some(failure),
        };
        if let Some(failure) = failure {
            outcome.failed.push(failure);
            sessions.remove(&list_id);
        }
    }
    Ok(())
}

fn next_request(sessions: &mut BTreeMap<Uuid, ListSession>) -> SyncRequest {
    let mut request = SyncRequest::default();
    for (list_id, session) in sessions.iter_mut() {
        if let Some(message) = engine::client_generate(&mut session.document, &mut session.state) {
            request.documents.push(DocumentMessage {
                list_id: *list_id,
                message: Some(message),
            });
        }
    }
    request
}

type ListReply = (Uuid, Result<DocumentReply, ListFailure>);

/// Sends one round and pairs each list of the request with its reply or its failure.
async fn exchange_round<T: SyncTransport>(
    transport: &mut T,
    request: &SyncRequest,
    outcome: &mut RoundsOutcome,
) -> Result<Vec<ListReply>, ClientError> {
    let result = transport.exchange(request).await;
    match result {
        Ok(exchanged) => {
            count_bytes(outcome, &exchanged);
            Ok(pair_replies(request, exchanged.response))
        }
        Err(error) if is_list_refusal(&error) => {
            outcome.requests += 1;
            if request.documents.len() == 1 {
                let list_id = request.documents[0].list_id;
                return Ok(vec![(list_id, Err(refusal(list_id, &error)))]);
            }
            exchange_one_by_one(transport, request, outcome).await
        }
        Err(error) => Err(error),
    }
}

async fn exchange_one_by_one<T: SyncTransport>(
    transport: &mut T,
    request: &SyncRequest,
    outcome: &mut RoundsOutcome,
) -> Result<Vec<ListReply>, ClientError> {
    let mut replies = Vec::new();
    for document in &request.documents {
        let single = SyncRequest {
            documents: vec![document.clone()],
        };
        match transport.exchange(&single).await {
            Ok(exchanged) => {
                count_bytes(outcome, &exchanged);
                replies.extend(pair_replies(&single, exchanged.response));
            }
            Err(error) if is_list_refusal(&error) => {
                outcome.requests += 1;
                replies.push((document.list_id, Err(refusal(document.list_id, &error))));
            }
            Err(error) => return Err(error),
        }
    }
    Ok(replies)
}

/// Tells whether an error is a 4xx other than 401. Such a refusal concerns what the request
/// carries, so sending the lists one by one finds the list concerned. A 401 concerns the device
/// and stops the sync.
fn is_list_refusal(error: &ClientError) -> bool {
    error
        .status()
        .is_some_and(|status| (400..500).contains(&status) && status != 401)
}

fn refusal(list_id: Uuid, error: &ClientError) -> ListFailure {
    ListFailure {
        list_id,
        status: error.status(),
        code: error.code(),
        message: error.to_string(),
    }
}

fn count_bytes(outcome: &mut RoundsOutcome, exchanged: &Exchanged) {
    outcome.requests += 1;
    outcome.bytes_sent += exchanged.bytes_sent;
    outcome.bytes_received += exchanged.bytes_received;
}

fn pair_replies(request: &SyncRequest, response: SyncResponse) -> Vec<ListReply> {
    let mut by_id: BTreeMap<Uuid, DocumentReply> = response
        .documents
        .into_iter()
        .map(|reply| (reply.list_id, reply))
        .collect();
    request
        .documents
        .iter()
        .map(|document| {
            let list_id = document.list_id;
            let reply = by_id.remove(&list_id).ok_or_else(|| ListFailure {
                list_id,
                status: None,
                code: "SYNC_REPLY_MISSING".to_string(),
                message: "服务器没有返回此清单的同步结果".to_string(),
            });
            (list_id, reply)
        })
        .collect()
}

/// Applies one list's reply, saving the document first and then the peer state. Returns the
/// failure of this list alone, if any; an error only when the store cannot be written.
fn apply_reply(
    store: &OfflineStore,
    list_id: Uuid,
    session: &mut ListSession,
    reply: DocumentReply,
    outcome: &mut RoundsOutcome,
) -> Result<Option<ListFailure>, ClientError> {
    if let Some(error) = reply.error {
        return Ok(Some(ListFailure {
            list_id,
            status: None,
            code: error.code,
            message: error.message,
        }));
    }
    for notice in reply.notices {
        outcome.notices.push(ListNotice { list_id, notice });
    }

    if let Some(message) = reply.message {
        let heads_before = session.document.heads();
        let received = engine::client_receive(&mut session.document, &mut session.state, &message);
        if let Err(error) = received {
            tracing::warn!(%list_id, code = error.code(), "sync reply rejected");
            return Ok(Some(ListFailure {
                list_id,
                status: None,
                code: error.code().to_string(),
                message: error.to_string(),
            }));
        }
        if session.document.heads() != heads_before {
            store.save_document(list_id, &mut session.document)?;
        }
    }
    store.save_peer_state(list_id, &session.state)?;
    Ok(None)
}

#[cfg(test)]
mod tests;

//! Helpers shared by the client's unit tests: a logged-in client without a server, and an
//! in-process server that runs the real sync engine of `juanzong-sync`.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use juanzong_sync::engine::{self, Access, ServerContext};
use juanzong_sync::validation::Role;
use juanzong_sync::{MaterialList, MaterialListDocument, TeamKind};
use uuid::Uuid;

use crate::auth::UserInfo;
use crate::client::rounds::{Exchanged, SyncTransport};
use crate::client::{Client, ClientError, ClientOptions, ListInput, Session};
use crate::sync::{frame, DocumentReply, SyncNotice, SyncRequest, SyncResponse};
use crate::ErrorBody;

/// Team of every test user.
pub const TEAM: &str = "team-1";

pub fn session(user: &str) -> Session {
    Session {
        server_url: "http://127.0.0.1:9".to_string(),
        device_name: format!("{user} 的手机"),
        server_device_id: format!("device-{user}"),
        user: UserInfo {
            id: user.to_string(),
            username: user.to_string(),
            display_name: user.to_string(),
            team_id: Some(TEAM.to_string()),
            team_name: Some("执行一团队".to_string()),
            roles: vec!["field_officer".to_string()],
        },
        access_token: "access".to_string(),
        access_token_expires_at: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
        refresh_token: "refresh".to_string(),
        refresh_token_expires_at: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
    }
}

/// A client whose store contains a session for `user`; it never reaches a network.
pub fn client(folder: &std::path::Path, user: &str) -> Client {
    let client = Client::open(folder, ClientOptions::default()).unwrap();
    client.store().save_session(&session(user)).unwrap();
    client
}

pub fn list_input() -> ListInput {
    ListInput {
        case_number: "(2026)豫13执123号".to_string(),
        kind: TeamKind::Enforcement,
        trip_date: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()),
        trip_place: "南阳市宛城区".to_string(),
        participants: vec!["张警官".to_string()],
    }
}

/// The server side of sync, in process: one document per list and one stored peer state per
/// list and device, exactly what the real server keeps.
#[derive(Default)]
pub struct FakeServer {
    pub documents: BTreeMap<Uuid, MaterialListDocument>,
    peer_states: BTreeMap<(Uuid, String), Vec<u8>>,
    /// Requests handled, dropped responses included.
    pub requests: usize,
    /// Lists in the largest request handled.
    pub largest_request: usize,
}

impl FakeServer {
    pub fn snapshot(&self, list_id: Uuid) -> MaterialList {
        self.documents[&list_id].snapshot().unwrap()
    }

    /// Handles one request of `device` like `POST /api/v1/sync`.
    pub fn handle(&mut self, device: &str, request: &SyncRequest) -> SyncResponse {
        self.requests += 1;
        self.largest_request = self.largest_request.max(request.documents.len());
        let mut response = SyncResponse::default();
        for document in &request.documents {
            let list_id = document.list_id;
            let server_document = self
                .documents
                .entry(list_id)
                .or_insert_with(|| MaterialListDocument::empty(engine::server_actor()));
            let key = (list_id, device.to_string());
            let stored = self.peer_states.get(&key).cloned().unwrap_or_default();
            let ctx = ServerContext {
                list_id,
                role: Role::Field,
                access: Access::ReadWrite,
                team_id: Some(TEAM.to_string()),
                now: Utc::now(),
            };
            let Some(message) = &document.message else {
                response.documents.push(error_reply(list_id, "MESSAGE_MISSING"));
                continue;
            };
            match engine::receive(server_document, &stored, message, &ctx) {
                Ok(outcome) => {
                    self.peer_states.insert(key, outcome.peer_state);
                    response.documents.push(DocumentReply {
                        list_id,
                        message: outcome.reply,
                        notices: outcome
                            .notices
                            .into_iter()
                            .map(|n| SyncNotice {
                                code: n.code,
                                message: n.message,
                                item_id: n.item_id,
                            })
                            .collect(),
                        heads: outcome.heads.iter().map(|h| h.to_string()).collect(),
                        error: None,
                    });
                }
                Err(error) => response.documents.push(error_reply(list_id, error.code())),
            }
        }
        response
    }
}

fn error_reply(list_id: Uuid, code: &str) -> DocumentReply {
    DocumentReply {
        list_id,
        error: Some(ErrorBody {
            code: code.to_string(),
            message: "同步失败".to_string(),
        }),
        ..DocumentReply::default()
    }
}

/// Carries requests of one device to a [`FakeServer`], through the binary framing.
pub struct FakeTransport<'a> {
    pub server: &'a mut FakeServer,
    pub device: String,
    /// Numbers (from 1) of the requests through this transport whose responses are lost after
    /// the server applied them, like a connection cut at that moment.
    pub lose_responses_of: Vec<usize>,
    sent: usize,
    /// Lists the device may not touch: a request carrying one is refused whole with 403.
    pub forbidden: Vec<Uuid>,
}

impl<'a> FakeTransport<'a> {
    pub fn new(server: &'a mut FakeServer, device: &str) -> FakeTransport<'a> {
        FakeTransport {
            server,
            device: device.to_string(),
            lose_responses_of: Vec::new(),
            sent: 0,
            forbidden: Vec::new(),
        }
    }
}

impl SyncTransport for FakeTransport<'_> {
    async fn exchange(&mut self, request: &SyncRequest) -> Result<Exchanged, ClientError> {
        let body = frame::encode_request(request);
        let request = frame::decode_request(&body)?;
        if request.documents.iter().any(|d| self.forbidden.contains(&d.list_id)) {
            return Err(ClientError::Api {
                status: 403,
                code: "LIST_FORBIDDEN".to_string(),
                message: "无权访问此清单".to_string(),
            });
        }
        self.sent += 1;
        let response = self.server.handle(&self.device, &request);
        if self.lose_responses_of.contains(&self.sent) {
            return Err(ClientError::Api {
                status: 502,
                code: "HTTP_502".to_string(),
                message: "连接中断".to_string(),
            });
        }
        let reply = frame::encode_response(&response);
        Ok(Exchanged {
            response: frame::decode_response(&reply)?,
            bytes_sent: body.len() as u64,
            bytes_received: reply.len() as u64,
        })
    }
}

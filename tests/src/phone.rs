//! A minimal phone for server tests: a material-list document, its sync state, and a token,
//! synced through the real `POST /api/v1/sync` with JSON bodies. The full client library with its
//! offline store lives in `juanzong-mobile-api`; this one keeps server tests independent of it.

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use juanzong_mobile_api::sync::{DocumentMessage, DocumentReply, SyncRequest, SyncResponse};
use juanzong_sync::engine::{self, PeerState};
use juanzong_sync::model::{Originality, TeamKind, Trip};
use juanzong_sync::{ActorId, CaseNumber, Editor, MaterialListDocument, NewItem, NewList};

use crate::TestApp;

/// Largest number of rounds a sync session may take before a test fails.
pub const MAX_ROUNDS: usize = 10;

/// One phone holding one list.
pub struct TestPhone {
    pub user: String,
    pub token: String,
    pub document: MaterialListDocument,
    pub state: PeerState,
    pub list_id: Uuid,
}

/// Returns an editor stamp at a fixed time, so test documents are reproducible.
pub fn editor(user: &str) -> Editor {
    Editor {
        user: user.to_string(),
        at: Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).single().expect("valid time"),
    }
}

/// Returns a new item of a material type.
pub fn new_item(material_type: &str, title: &str, pages: i64) -> NewItem {
    NewItem {
        id: Uuid::new_v4(),
        material_type: material_type.to_string(),
        title: title.to_string(),
        page_count: pages,
        originality: Originality::Original,
        produced_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        produced_by: "张警官".to_string(),
        notes: String::new(),
        uploaded_via_mobile_system: false,
    }
}

impl TestPhone {
    /// Creates a phone holding a new list for its team.
    pub fn with_new_list(user: &str, token: &str, team_id: &str, case_number: &str) -> TestPhone {
        let list_id = Uuid::new_v4();
        let document = MaterialListDocument::create(
            ActorId::random(),
            NewList {
                list_id,
                case_number: CaseNumber::parse(case_number).expect("valid case number"),
                team_id: team_id.to_string(),
                kind: TeamKind::Enforcement,
                trip: Trip::default(),
            },
            &editor(user),
        )
        .expect("create list");
        TestPhone {
            user: user.to_string(),
            token: token.to_string(),
            document,
            state: PeerState::new(),
            list_id,
        }
    }

    /// A phone with an empty document for a list it will receive from the server.
    pub fn joining(user: &str, token: &str, list_id: Uuid) -> TestPhone {
        TestPhone {
            user: user.to_string(),
            token: token.to_string(),
            document: MaterialListDocument::empty(ActorId::random()),
            state: PeerState::new(),
            list_id,
        }
    }

    /// Sends one round and applies the reply. Returns the reply and the HTTP status.
    pub async fn round(&mut self, app: &TestApp) -> anyhow::Result<(u16, Option<DocumentReply>)> {
        let address = app.address.clone();
        self.round_at(app, &address).await
    }

    /// Like [`TestPhone::round`], against the server at `address`.
    pub async fn round_at(&mut self, app: &TestApp, address: &str) -> anyhow::Result<(u16, Option<DocumentReply>)> {
        let message = engine::client_generate(&mut self.document, &mut self.state);
        let request = SyncRequest {
            documents: vec![DocumentMessage {
                list_id: self.list_id,
                message,
            }],
        };
        let response = app
            .client
            .post(format!("{address}/api/v1/sync"))
            .bearer_auth(&self.token)
            .json(&request)
            .send()
            .await?;
        let status = response.status().as_u16();
        if status != 200 {
            return Ok((status, None));
        }
        let body: SyncResponse = response.json().await?;
        let reply = body.documents.into_iter().next().expect("one reply");
        if let Some(message) = &reply.message {
            engine::client_receive(&mut self.document, &mut self.state, message)?;
        }
        Ok((status, Some(reply)))
    }

    /// Syncs until neither side has anything to send; returns the rounds and all notices.
    pub async fn sync(&mut self, app: &TestApp) -> anyhow::Result<SyncOutcome> {
        let address = app.address.clone();
        self.sync_at(app, &address).await
    }

    /// Like [`TestPhone::sync`], against the server at `address`.
    pub async fn sync_at(&mut self, app: &TestApp, address: &str) -> anyhow::Result<SyncOutcome> {
        // A new session starts from the encoded state, as a phone does after a restart.
        self.state = PeerState::decode(&self.state.encode())?;
        let mut outcome = SyncOutcome::default();
        for _ in 0..MAX_ROUNDS {
            let pending = engine::client_generate(&mut self.document.clone(), &mut self.state.clone());
            if pending.is_none() {
                return Ok(outcome);
            }
            let (status, reply) = self.round_at(app, address).await?;
            anyhow::ensure!(status == 200, "sync round failed with HTTP {status}");
            let reply = reply.expect("reply on 200");
            if let Some(error) = reply.error {
                anyhow::bail!("list error {}: {}", error.code, error.message);
            }
            outcome.rounds += 1;
            outcome.notices.extend(reply.notices.into_iter().map(|n| n.code));
        }
        anyhow::bail!("sync did not converge within {MAX_ROUNDS} rounds")
    }
}

/// What a sync session did.
#[derive(Debug, Default)]
pub struct SyncOutcome {
    pub rounds: usize,
    pub notices: Vec<String>,
}

/// Adds an item to a document and returns its id.
pub fn add_item(
    document: &mut MaterialListDocument,
    material_type: &str,
    title: &str,
    pages: i64,
    user: &str,
) -> anyhow::Result<Uuid> {
    let item = new_item(material_type, title, pages);
    let id = item.id;
    document.add_item(item, &editor(user))?;
    Ok(id)
}

//! The device client: what the phone app (移动端) does, as a library. It edits material lists
//! (材料清单) offline in an [`OfflineStore`] and syncs them with the server.
//!
//! Invariants:
//! - every edit loads the list's document, makes one Automerge commit through
//!   [`MaterialListDocument`] and runs the shared validation. The document is saved only when the
//!   edit adds no rule violation, so a refused edit leaves the stored list as it was;
//! - edits need a stored session (for the user id and team) but no network;
//! - [`Client::sync`] pulls the feed first, so lists changed elsewhere are fetched, then syncs in
//!   bounded rounds (see [`rounds`]) every local list that has something to exchange: local edits
//!   since the last sync, a change the feed reported, or no sync yet. It pulls the feed again for
//!   the notices its own edits caused, and stores the server's data of each synced list. A list
//!   the feed reported stays marked stale until it converged, so a cut sync misses nothing;
//! - [`Client::upload_photos`] sends only the photos the server names as missing.

mod center;
pub mod error;
mod editing;
mod feed;
pub(crate) mod http;
mod photos;
pub mod retry;
pub mod rounds;
pub mod store;
#[cfg(test)]
pub(crate) mod test_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use uuid::Uuid;

use crate::auth::{LoginRequest, UserInfo};
use crate::lists::ListDetail;

pub use editing::{resolve_material_type, ItemInput, ListInput, ListOverview, LocalList, SyncStatus};
pub use error::ClientError;
pub use http::SyncFormat;
pub use photos::{UploadFailure, UploadReport};
pub use retry::RetryPolicy;
pub use rounds::{ListFailure, ListNotice, RoundLimits, RoundsOutcome};
pub use store::{FeedState, OfflineStore, Session, StoredNotice};

use http::Connection;

/// Settings of a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub retry: RetryPolicy,
    pub sync_format: SyncFormat,
    /// Rounds and request size of one [`Client::sync`] call.
    pub limits: RoundLimits,
    pub connect_timeout: Duration,
    /// Whole-request timeout, body included.
    pub request_timeout: Duration,
    /// Events asked for per feed page.
    pub feed_page_size: u32,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            retry: RetryPolicy::default(),
            sync_format: SyncFormat::Binary,
            limits: RoundLimits::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            feed_page_size: 200,
        }
    }
}

/// Summary of one [`Client::sync`] call.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    /// Rounds, lists synced and failed, bytes on the wire and the notices of sync replies.
    #[serde(flatten)]
    pub rounds: RoundsOutcome,
    /// Lists this device did not have, named by `list_changed` events and fetched now.
    pub new_lists: Vec<Uuid>,
    /// Notices and reminders of the feed stored by this call.
    pub feed_notices: Vec<StoredNotice>,
    /// Lists whose server data was fetched and stored.
    pub details_refreshed: usize,
    /// Whether the feed brought a center event, so the center's results were fetched and stored.
    pub center_results_refreshed: bool,
}

/// The device client over one store folder.
pub struct Client {
    store: OfflineStore,
    options: ClientOptions,
    http: reqwest::Client,
    /// Exclusive lock on the store, held while the client exists.
    _lock: std::fs::File,
}

impl Client {
    /// Opens (or creates) the store at `store_dir` and locks it, so that a second process cannot
    /// save a document over the one a running sync is about to save.
    pub fn open(store_dir: impl Into<PathBuf>, options: ClientOptions) -> Result<Client, ClientError> {
        let store = OfflineStore::open(store_dir)?;
        let lock = store.lock()?;
        let http = http::build_http(options.connect_timeout, options.request_timeout)?;
        Ok(Client {
            store,
            options,
            http,
            _lock: lock,
        })
    }

    pub fn store(&self) -> &OfflineStore {
        &self.store
    }

    pub fn store_dir(&self) -> &Path {
        self.store.root()
    }

    /// Returns the stored session, or [`ClientError::NotLoggedIn`].
    pub fn session(&self) -> Result<Session, ClientError> {
        self.store.session()?.ok_or(ClientError::NotLoggedIn)
    }

    /// Logs in with the device id made when the store was created, and stores the session.
    pub async fn login(
        &self,
        server_url: &str,
        username: &str,
        password: &str,
        device_name: &str,
    ) -> Result<UserInfo, ClientError> {
        let server_url = normalize_server_url(server_url)?;
        let device = self.store.device()?;
        let request = LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
            device_id: device.device_id,
            device_name: device_name.to_string(),
        };
        let pair = http::login(&self.http, &self.options.retry, &server_url, &request).await?;
        let user = pair.user.clone();
        let session = Session {
            server_url,
            device_name: device_name.to_string(),
            server_device_id: pair.device_id,
            user: pair.user,
            access_token: pair.access_token,
            access_token_expires_at: pair.access_token_expires_at,
            refresh_token: pair.refresh_token,
            refresh_token_expires_at: pair.refresh_token_expires_at,
        };
        self.store.save_session(&session)?;
        tracing::info!(user = %user.id, "logged in");
        Ok(user)
    }

    /// Ends the session on the server when it can be reached, and always deletes the local
    /// session. Lists, photos and the device identity stay.
    pub async fn logout(&self) -> Result<(), ClientError> {
        let session = self.session()?;
        let mut connection = self.connection(session);
        if let Err(error) = connection.post_json("/api/v1/auth/logout", &()).await {
            tracing::warn!(code = %error.code(), "server logout failed, deleting local session");
        }
        self.store.clear_session()
    }

    /// Refreshes the tokens now, without waiting for `TOKEN_EXPIRED`.
    pub async fn refresh(&self) -> Result<(), ClientError> {
        let session = self.session()?;
        self.connection(session).refresh().await
    }

    /// Fetches the server's overview of the lists in this device's scope.
    pub async fn remote_lists(&self) -> Result<Vec<crate::lists::ListSummary>, ClientError> {
        let session = self.session()?;
        self.connection(session).get_json("/api/v1/lists").await
    }

    /// Returns the local lists with something to exchange: stale in the feed, never synced, or
    /// edited since their last sync (heads differ from the heads shared with the server).
    fn lists_to_sync(&self) -> Result<Vec<Uuid>, ClientError> {
        let stale = self.store.feed()?.stale;
        let mut chosen = Vec::new();
        for list_id in self.store.list_ids()? {
            let state = self.store.load_peer_state(list_id)?;
            let edited = || -> Result<bool, ClientError> {
                let mut heads = self.store.load_document(list_id)?.heads();
                heads.sort();
                Ok(heads.as_slice() != state.shared_heads())
            };
            if stale.contains(&list_id) || state.shared_heads().is_empty() || edited()? {
                chosen.push(list_id);
            }
        }
        Ok(chosen)
    }

    /// Unmarks lists that converged with the server.
    fn clear_stale(&self, synced: &[Uuid]) -> Result<(), ClientError> {
        let mut feed = self.store.feed()?;
        let before = feed.stale.len();
        feed.stale.retain(|list_id| !synced.contains(list_id));
        if feed.stale.len() != before {
            self.store.save_feed(&feed)?;
        }
        Ok(())
    }

    /// Syncs the local lists with something to exchange and the lists the feed names; see the
    /// module header.
    pub async fn sync(&self) -> Result<SyncReport, ClientError> {
        let session = self.session()?;
        let mut connection = self.connection(session);
        let mut report = SyncReport::default();

        let pulled = feed::pull(&self.store, &mut connection, self.options.feed_page_size).await?;
        let mut center_events = pulled.center_events;
        report.new_lists.extend(pulled.new_lists);
        report.feed_notices.extend(pulled.notices);

        let list_ids = self.lists_to_sync()?;
        let limits = self.options.limits;
        report.rounds = rounds::run_rounds(&self.store, &list_ids, &mut connection, &limits).await?;
        self.clear_stale(&report.rounds.synced)?;

        let pulled = feed::pull(&self.store, &mut connection, self.options.feed_page_size).await?;
        center_events |= pulled.center_events;
        report.feed_notices.extend(pulled.notices);
        if !pulled.new_lists.is_empty() {
            let more =
                rounds::run_rounds(&self.store, &pulled.new_lists, &mut connection, &limits)
                    .await?;
            report.new_lists.extend(pulled.new_lists);
            report.rounds.absorb(more);
        }

        for list_id in report.rounds.synced.clone() {
            if self.refresh_detail(&mut connection, list_id).await? {
                report.details_refreshed += 1;
            }
        }
        if center_events {
            let results: crate::center::TeamResults =
                connection.get_json("/api/v1/center/results").await?;
            self.store.save_center_results(&results)?;
            report.center_results_refreshed = true;
        }
        tracing::info!(
            rounds = report.rounds.rounds,
            synced = report.rounds.synced.len(),
            failed = report.rounds.failed.len(),
            bytes_sent = report.rounds.bytes_sent,
            bytes_received = report.rounds.bytes_received,
            "sync finished"
        );
        Ok(report)
    }

    /// Uploads the photos that the server lacks and this device holds, resuming uploads that
    /// broke off (see [`photos`]). Sync the lists first: the server requests only photos that
    /// synced lists refer to.
    pub async fn upload_photos(&self) -> Result<UploadReport, ClientError> {
        let session = self.session()?;
        let mut connection = self.connection(session);
        photos::upload_missing(&self.store, &mut connection, &self.options.retry).await
    }

    /// Fetches and stores one list's server data; false when the server has no such list yet.
    async fn refresh_detail(
        &self,
        connection: &mut Connection<'_>,
        list_id: Uuid,
    ) -> Result<bool, ClientError> {
        let path = format!("/api/v1/lists/{list_id}");
        match connection.get_json::<ListDetail>(&path).await {
            Ok(detail) => {
                self.store.save_server_detail(list_id, &detail)?;
                Ok(true)
            }
            Err(error) if error.status() == Some(404) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Returns the stored feed notices and reminders, oldest first.
    pub fn notices(&self) -> Result<Vec<StoredNotice>, ClientError> {
        Ok(self.store.feed()?.notices)
    }

    fn connection(&self, session: Session) -> Connection<'_> {
        Connection {
            http: &self.http,
            policy: &self.options.retry,
            store: &self.store,
            session,
            format: self.options.sync_format,
        }
    }
}

/// Checks the scheme and removes trailing slashes.
fn normalize_server_url(url: &str) -> Result<String, ClientError> {
    let trimmed = url.trim().trim_end_matches('/');
    let has_scheme = trimmed.starts_with("http://") || trimmed.starts_with("https://");
    let has_host = trimmed.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
    if !has_scheme || !has_host {
        return Err(ClientError::InvalidServerUrl(url.to_string()));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_url_is_normalized() {
        assert_eq!(
            normalize_server_url(" http://127.0.0.1:8080/ ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(normalize_server_url("https://a.example").unwrap(), "https://a.example");
        for bad in ["127.0.0.1:8080", "ftp://x", "http://", ""] {
            assert!(normalize_server_url(bad).is_err(), "{bad}");
        }
    }
}

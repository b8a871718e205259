//! The offline store (离线存储) of one device: a folder that contains everything the phone needs to
//! work without a network and to resume a sync after a restart.
//!
//! Layout, relative to the store folder:
//!
//! ```text
//! device.json                  device id and Automerge actor id, made once and never changed
//! session.json                 server URL, user, tokens (deleted by logout)
//! feed.json                    feed cursor and the notices and reminders received
//! lists/<list id>/document.automerge   the list's Automerge document (whole save)
//! lists/<list id>/peer-state.bin       encoded sync state with the server
//! lists/<list id>/server.json          the server's ListDetail, for offline display
//! photos/<sha256 hex>          local copies of attached photos, named by content hash
//! store.lock                   locked by the process using the store
//! ```
//!
//! Invariants:
//! - every file is written to a temporary file in the same folder, flushed to disk and renamed
//!   over the old file, and then the folder is flushed. So a crash or kill at any point leaves
//!   either the old or the new content, never a mix, and the store stays loadable;
//! - files and folders are created readable by the owner only (modes 0600 and 0700 on Unix),
//!   because `session.json` holds tokens and the lists hold case data;
//! - a file that exists but cannot be parsed gives [`ClientError::StoreCorrupt`] naming the file,
//!   never a panic; a missing file is not an error where absence has a meaning.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use juanzong_sync::{ActorId, MaterialListDocument, PeerState};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::UserInfo;
use crate::client::error::ClientError;
use crate::lists::ListDetail;

const DEVICE_FILE: &str = "device.json";
const SESSION_FILE: &str = "session.json";
const FEED_FILE: &str = "feed.json";
const LOCK_FILE: &str = "store.lock";
const LISTS_DIR: &str = "lists";
const PHOTOS_DIR: &str = "photos";
const DOCUMENT_FILE: &str = "document.automerge";
const PEER_STATE_FILE: &str = "peer-state.bin";
const SERVER_DATA_FILE: &str = "server.json";
const CENTER_RESULTS_FILE: &str = "center-results.json";
/// Marks temporary files; a name containing it is never read as data.
const TEMP_MARKER: &str = ".tmp-";

/// The device's identity, made the first time the store is opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceIdentity {
    /// The id sent as `device_id` at login, a UUID.
    pub device_id: String,
    /// The Automerge actor id (hex) every local edit is written by.
    pub actor_id: String,
}

impl DeviceIdentity {
    /// Parses the stored actor id.
    pub fn actor(&self) -> Result<ActorId, String> {
        ActorId::try_from(self.actor_id.as_str()).map_err(|e| e.to_string())
    }
}

/// A logged-in session. Tokens are secrets: `Debug` hides them and nothing logs them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Base URL of the server, such as `http://127.0.0.1:8080`, without a trailing slash.
    pub server_url: String,
    /// Name given at login, such as 张三的华为手机.
    pub device_name: String,
    /// The server's id for this device.
    pub server_device_id: String,
    pub user: UserInfo,
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    /// Usable once; each refresh stores the new one before it is used.
    pub refresh_token: String,
    pub refresh_token_expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("server_url", &self.server_url)
            .field("device_name", &self.device_name)
            .field("server_device_id", &self.server_device_id)
            .field("user", &self.user.username)
            .field("access_token", &"<hidden>")
            .field("refresh_token", &"<hidden>")
            .finish()
    }
}

/// A notice or reminder kept for display: a `rule_notice` or `reminder` event of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredNotice {
    /// Feed event id; events are stored once per id.
    pub event_id: i64,
    /// `rule_notice` or `reminder`.
    pub kind: String,
    pub list_id: Option<Uuid>,
    pub item_id: Option<Uuid>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The feed position and what it brought.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedState {
    /// Largest feed event id processed; 0 before the first pull.
    pub cursor: i64,
    /// Notices and reminders, in order of event id.
    pub notices: Vec<StoredNotice>,
    /// Local lists the feed reported changed on the server and that have not converged since.
    /// Absent in stores written before it existed, which then count no list as stale.
    #[serde(default)]
    pub stale: std::collections::BTreeSet<Uuid>,
}

/// The store folder of one device.
#[derive(Debug, Clone)]
pub struct OfflineStore {
    root: PathBuf,
}

impl OfflineStore {
    /// Opens the store at `root`, creating the folder and the device identity on first use, and
    /// removes temporary files a killed process left behind.
    pub fn open(root: impl Into<PathBuf>) -> Result<OfflineStore, ClientError> {
        let store = OfflineStore { root: root.into() };
        create_private_dir(&store.root)?;
        create_private_dir(&store.root.join(LISTS_DIR))?;
        create_private_dir(&store.root.join(PHOTOS_DIR))?;
        store.remove_temporary_files()?;
        if store.read_json::<DeviceIdentity>(&store.root.join(DEVICE_FILE))?.is_none() {
            let identity = DeviceIdentity {
                device_id: Uuid::new_v4().to_string(),
                actor_id: ActorId::random().to_hex_string(),
            };
            store.write_json(&store.root.join(DEVICE_FILE), &identity)?;
        }
        Ok(store)
    }

    /// Takes the exclusive lock of the store folder, released when the returned file is closed.
    /// Fails with [`ClientError::StoreBusy`] when another process has it.
    pub fn lock(&self) -> Result<File, ClientError> {
        let path = self.root.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(|source| io_error(&path, source))?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => Err(ClientError::StoreBusy(self.root.clone())),
            Err(std::fs::TryLockError::Error(source)) => Err(io_error(&path, source)),
        }
    }

    /// Returns the store folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads the device identity.
    pub fn device(&self) -> Result<DeviceIdentity, ClientError> {
        let path = self.root.join(DEVICE_FILE);
        self.read_json(&path)?.ok_or_else(|| ClientError::StoreCorrupt {
            path,
            reason: "文件缺失".to_string(),
        })
    }

    /// Returns the actor id every local edit is written by.
    pub fn actor(&self) -> Result<ActorId, ClientError> {
        self.device()?.actor().map_err(|reason| ClientError::StoreCorrupt {
            path: self.root.join(DEVICE_FILE),
            reason,
        })
    }

    /// Reads the session; `None` when logged out.
    pub fn session(&self) -> Result<Option<Session>, ClientError> {
        self.read_json(&self.root.join(SESSION_FILE))
    }

    pub fn save_session(&self, session: &Session) -> Result<(), ClientError> {
        self.write_json(&self.root.join(SESSION_FILE), session)
    }

    /// Deletes the session; lists, photos and the device identity stay.
    pub fn clear_session(&self) -> Result<(), ClientError> {
        remove_if_present(&self.root.join(SESSION_FILE))
    }

    /// Reads the feed state; the default (cursor 0, no notices) before the first pull.
    pub fn feed(&self) -> Result<FeedState, ClientError> {
        Ok(self.read_json(&self.root.join(FEED_FILE))?.unwrap_or_default())
    }

    pub fn save_feed(&self, feed: &FeedState) -> Result<(), ClientError> {
        self.write_json(&self.root.join(FEED_FILE), feed)
    }

    /// Returns the case-file center's results stored by the last fetch.
    pub fn center_results(&self) -> Result<Option<crate::center::TeamResults>, ClientError> {
        self.read_json(&self.root.join(CENTER_RESULTS_FILE))
    }

    pub fn save_center_results(&self, results: &crate::center::TeamResults) -> Result<(), ClientError> {
        self.write_json(&self.root.join(CENTER_RESULTS_FILE), results)
    }

    /// Returns the ids of the lists kept locally, sorted.
    pub fn list_ids(&self) -> Result<Vec<Uuid>, ClientError> {
        let folder = self.root.join(LISTS_DIR);
        let entries = fs::read_dir(&folder).map_err(|source| io_error(&folder, source))?;
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| io_error(&folder, source))?;
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| Uuid::parse_str(n).ok()) else {
                continue;
            };
            if entry.path().join(DOCUMENT_FILE).exists() {
                ids.push(id);
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// Tells whether the list's document is kept locally.
    pub fn has_list(&self, list_id: Uuid) -> bool {
        self.list_file(list_id, DOCUMENT_FILE).exists()
    }

    /// Loads a list's document with the device's actor; [`ClientError::ListNotFound`] when absent.
    pub fn load_document(&self, list_id: Uuid) -> Result<MaterialListDocument, ClientError> {
        let path = self.list_file(list_id, DOCUMENT_FILE);
        let bytes = self
            .read_bytes(&path)?
            .ok_or(ClientError::ListNotFound(list_id))?;
        let actor = self.actor()?;
        MaterialListDocument::load(&bytes, actor).map_err(|error| ClientError::StoreCorrupt {
            path,
            reason: error.to_string(),
        })
    }

    /// Saves a list's whole document.
    ///
    /// NOTE: each save rewrites the whole compressed document. That is cheap for a list of a few
    /// hundred changes but grows with the history, where a snapshot plus incremental chunks
    /// would write only the new changes.
    pub fn save_document(
        &self,
        list_id: Uuid,
        document: &mut MaterialListDocument,
    ) -> Result<(), ClientError> {
        create_private_dir(&self.root.join(LISTS_DIR).join(list_id.to_string()))?;
        self.write_bytes(&self.list_file(list_id, DOCUMENT_FILE), &document.save())
    }

    /// Loads the sync state with the server; a new state when none was stored yet.
    pub fn load_peer_state(&self, list_id: Uuid) -> Result<PeerState, ClientError> {
        let path = self.list_file(list_id, PEER_STATE_FILE);
        let bytes = self.read_bytes(&path)?.unwrap_or_default();
        PeerState::decode(&bytes).map_err(|error| ClientError::StoreCorrupt {
            path,
            reason: error.to_string(),
        })
    }

    pub fn save_peer_state(&self, list_id: Uuid, state: &PeerState) -> Result<(), ClientError> {
        self.write_bytes(&self.list_file(list_id, PEER_STATE_FILE), &state.encode())
    }

    /// Reads the server's data about a list, as last fetched; `None` before the first fetch.
    pub fn server_detail(&self, list_id: Uuid) -> Result<Option<ListDetail>, ClientError> {
        self.read_json(&self.list_file(list_id, SERVER_DATA_FILE))
    }

    pub fn save_server_detail(&self, list_id: Uuid, detail: &ListDetail) -> Result<(), ClientError> {
        self.write_json(&self.list_file(list_id, SERVER_DATA_FILE), detail)
    }

    /// Stores a photo under its SHA-256 hash (64 lowercase hex characters) and returns the path.
    /// Storing the same content twice writes it once.
    pub fn save_photo(&self, sha256_hex: &str, bytes: &[u8]) -> Result<PathBuf, ClientError> {
        let path = self.photo_path(sha256_hex);
        if !path.exists() {
            self.write_bytes(&path, bytes)?;
        }
        Ok(path)
    }

    /// Returns where the photo with this hash is kept (it may not exist).
    pub fn photo_path(&self, sha256_hex: &str) -> PathBuf {
        self.root.join(PHOTOS_DIR).join(sha256_hex)
    }

    fn list_file(&self, list_id: Uuid, name: &str) -> PathBuf {
        self.root.join(LISTS_DIR).join(list_id.to_string()).join(name)
    }

    fn read_bytes(&self, path: &Path) -> Result<Option<Vec<u8>>, ClientError> {
        match fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
            Err(source) => Err(io_error(path, source)),
        }
    }

    fn read_json<T: DeserializeOwned>(&self, path: &Path) -> Result<Option<T>, ClientError> {
        let Some(bytes) = self.read_bytes(path)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|error| ClientError::StoreCorrupt {
                path: path.to_path_buf(),
                reason: error.to_string(),
            })
    }

    fn write_json<T: Serialize>(&self, path: &Path, value: &T) -> Result<(), ClientError> {
        let bytes = serde_json::to_vec_pretty(value).map_err(|error| ClientError::StoreIo {
            path: path.to_path_buf(),
            source: std::io::Error::other(error),
        })?;
        self.write_bytes(path, &bytes)
    }

    fn write_bytes(&self, path: &Path, bytes: &[u8]) -> Result<(), ClientError> {
        write_atomic(path, bytes).map_err(|source| io_error(path, source))
    }

    /// Removes `*.tmp-*` files of writes that never reached their rename.
    fn remove_temporary_files(&self) -> Result<(), ClientError> {
        let mut folders = vec![self.root.clone(), self.root.join(PHOTOS_DIR)];
        let lists = self.root.join(LISTS_DIR);
        let entries = fs::read_dir(&lists).map_err(|source| io_error(&lists, source))?;
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                folders.push(entry.path());
            }
        }
        for folder in folders {
            let entries = fs::read_dir(&folder).map_err(|source| io_error(&folder, source))?;
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().contains(TEMP_MARKER) {
                    remove_if_present(&entry.path())?;
                }
            }
        }
        Ok(())
    }
}

fn io_error(path: &Path, source: std::io::Error) -> ClientError {
    ClientError::StoreIo {
        path: path.to_path_buf(),
        source,
    }
}

fn remove_if_present(path: &Path) -> Result<(), ClientError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
        Err(source) => Err(io_error(path, source)),
    }
}

fn create_private_dir(path: &Path) -> Result<(), ClientError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(|source| io_error(path, source))
}

/// Replaces `path` with `bytes` atomically: temporary file in the same folder, `fsync`, rename,
/// then `fsync` of the folder so the rename itself survives a power cut.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::new(ErrorKind::InvalidInput, "path has no parent folder"))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}{TEMP_MARKER}{}", Uuid::new_v4().simple()));

    let written = write_new_file(&temporary, bytes).and_then(|()| fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }

    File::open(folder)?.sync_all()
}

fn write_new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests;

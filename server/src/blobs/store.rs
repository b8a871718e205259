//! The files of the blob store. Layout, relative to `data_dir/blobs`:
//!
//! ```text
//! objects/ab/ab12…ef          complete blobs, sharded by the first two hex characters
//! partial/ab12…ef.part        bytes of an unfinished upload, locked by its writer
//! derived/ab12…ef.working.jpg upright working image made by photo processing
//! trash/                      blobs being removed by garbage collection
//! ```
//!
//! Every function here does blocking file I/O; async callers run it in `spawn_blocking`.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use sha2::{Digest, Sha256};

use super::BlobHash;

const OBJECTS: &str = "objects";
const PARTIAL: &str = "partial";
const DERIVED: &str = "derived";
const TRASH: &str = "trash";
const WORKING_SUFFIX: &str = ".working.jpg";

/// The blob folder. Cheap to clone.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// Reason a partial upload could not be opened.
#[derive(Debug)]
pub enum PartialOpenError {
    /// Another request, possibly in another server process, is writing this partial upload.
    Busy,
    Io(anyhow::Error),
}

/// An unfinished upload, held with an exclusive lock until dropped.
#[derive(Debug)]
pub struct PartialFile {
    file: File,
    path: PathBuf,
    len: u64,
}

impl BlobStore {
    /// Opens the store at `root`, creating its folders.
    pub fn open(root: impl Into<PathBuf>) -> anyhow::Result<BlobStore> {
        let store = BlobStore { root: root.into() };
        for folder in [OBJECTS, PARTIAL, DERIVED, TRASH] {
            let path = store.root.join(folder);
            fs::create_dir_all(&path)
                .with_context(|| format!("cannot create blob folder {}", path.display()))?;
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns where the complete blob is kept (it may not exist).
    pub fn object_path(&self, hash: &BlobHash) -> PathBuf {
        let name = hash.as_str();
        self.root.join(OBJECTS).join(&name[..2]).join(name)
    }

    fn partial_path(&self, hash: &BlobHash) -> PathBuf {
        self.root.join(PARTIAL).join(format!("{hash}.part"))
    }

    fn working_path(&self, hash: &BlobHash) -> PathBuf {
        self.root
            .join(DERIVED)
            .join(format!("{hash}{WORKING_SUFFIX}"))
    }

    /// Tells whether the complete blob is on disk.
    pub fn contains(&self, hash: &BlobHash) -> bool {
        self.object_path(hash).is_file()
    }

    /// Reads a complete blob.
    pub fn read(&self, hash: &BlobHash) -> std::io::Result<Vec<u8>> {
        fs::read(self.object_path(hash))
    }

    /// Returns how many bytes of an unfinished upload are kept; 0 when there is none.
    pub fn partial_len(&self, hash: &BlobHash) -> std::io::Result<u64> {
        match fs::metadata(self.partial_path(hash)) {
            Ok(metadata) => Ok(metadata.len()),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(0),
            Err(error) => Err(error),
        }
    }

    /// Opens (or creates) the partial file of `hash` and takes its exclusive lock.
    ///
    /// After locking, the path is checked to still name the locked file: a writer that finished
    /// (and renamed the file) or a sweep that removed it may have released the lock on a file
    /// that is no longer the partial upload, and writing to it would corrupt a stored blob.
    pub fn lock_partial(&self, hash: &BlobHash) -> Result<PartialFile, PartialOpenError> {
        let path = self.partial_path(hash);
        for _ in 0..3 {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .with_context(|| format!("cannot open partial upload {}", path.display()))
                .map_err(PartialOpenError::Io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Err(PartialOpenError::Busy),
                Err(fs::TryLockError::Error(error)) => {
                    return Err(PartialOpenError::Io(
                        anyhow::Error::new(error).context("cannot lock partial upload"),
                    ))
                }
            }
            if same_file(&file, &path) {
                let len = file
                    .metadata()
                    .context("cannot read partial upload size")
                    .map_err(PartialOpenError::Io)?
                    .len();
                return Ok(PartialFile { file, path, len });
            }
        }
        Err(PartialOpenError::Busy)
    }

    /// Hashes the partial file and flushes it to disk. Returns it when its hash is `hash`;
    /// otherwise removes it and returns `None`.
    pub fn verify_partial(
        &self,
        mut partial: PartialFile,
        hash: &BlobHash,
    ) -> anyhow::Result<Option<PartialFile>> {
        let actual = partial.sha256().context("cannot hash the uploaded bytes")?;
        if actual != hash.as_str() {
            partial.discard();
            return Ok(None);
        }
        partial
            .file
            .sync_all()
            .context("cannot flush the uploaded bytes")?;
        Ok(Some(partial))
    }

    /// Renames a partial file that [`BlobStore::verify_partial`] accepted into `objects/` and
    /// flushes both folders, so the rename survives a power cut.
    pub fn commit_partial(&self, partial: PartialFile, hash: &BlobHash) -> anyhow::Result<()> {
        let target = self.object_path(hash);
        let shard = target.parent().context("object path has a parent")?;
        fs::create_dir_all(shard).with_context(|| format!("cannot create {}", shard.display()))?;
        fs::rename(&partial.path, &target)
            .with_context(|| format!("cannot move the upload to {}", target.display()))?;
        sync_folder(shard)?;
        sync_folder(&self.root.join(PARTIAL))
    }

    /// Moves a blob and its derived files out of the way, into `trash/`, and returns the trash
    /// path, or `None` when the blob was not on disk. [`BlobStore::restore`] undoes it.
    pub fn move_to_trash(&self, hash: &BlobHash) -> anyhow::Result<Option<PathBuf>> {
        let source = self.object_path(hash);
        let trash = self
            .root
            .join(TRASH)
            .join(format!("{hash}.{}", uuid::Uuid::new_v4().simple()));
        match fs::rename(&source, &trash) {
            Ok(()) => Ok(Some(trash)),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(anyhow::Error::new(error)
                .context(format!("cannot move {} to the trash", source.display()))),
        }
    }

    /// Puts back a blob that [`BlobStore::move_to_trash`] moved.
    pub fn restore(&self, hash: &BlobHash, trash: &Path) -> anyhow::Result<()> {
        fs::rename(trash, self.object_path(hash)).context("cannot restore a blob from the trash")
    }

    /// Deletes a trashed blob and the blob's derived files.
    pub fn purge(&self, hash: &BlobHash, trash: Option<&Path>) -> anyhow::Result<()> {
        if let Some(trash) = trash {
            remove_if_present(trash)?;
        }
        remove_if_present(&self.working_path(hash))
    }

    /// Writes the working image of a photo, replacing any earlier one atomically.
    pub fn write_working_image(&self, hash: &BlobHash, jpeg: &[u8]) -> anyhow::Result<()> {
        let path = self.working_path(hash);
        let temporary = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
        let written = (|| -> std::io::Result<()> {
            let mut file = File::create(&temporary)?;
            file.write_all(jpeg)?;
            file.sync_all()?;
            fs::rename(&temporary, &path)
        })();
        if let Err(error) = written {
            let _ = fs::remove_file(&temporary);
            return Err(
                anyhow::Error::new(error).context(format!("cannot write {}", path.display()))
            );
        }
        Ok(())
    }

    /// Reads the working image of a photo; `None` when it was not made.
    pub fn read_working_image(&self, hash: &BlobHash) -> std::io::Result<Option<Vec<u8>>> {
        match fs::read(self.working_path(hash)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Lists up to `limit` complete blobs whose file was last written more than `min_age` before
    /// `now`, for the sweep of files without a row. Names that are not a SHA-256 are skipped.
    pub fn objects_older_than(
        &self,
        min_age: Duration,
        now: SystemTime,
        limit: usize,
    ) -> anyhow::Result<Vec<BlobHash>> {
        let folder = self.root.join(OBJECTS);
        let mut found = Vec::new();
        for shard in
            fs::read_dir(&folder).with_context(|| format!("cannot list {}", folder.display()))?
        {
            let shard = shard.context("cannot read a blob shard entry")?.path();
            let Ok(entries) = fs::read_dir(&shard) else {
                continue;
            };
            for entry in entries {
                let path = entry.context("cannot read a blob entry")?.path();
                let Some(hash) = path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .and_then(|name| BlobHash::parse(name).ok())
                    .filter(|hash| hash.as_str() == path.file_name().unwrap_or_default())
                else {
                    continue;
                };
                let Ok(modified) = fs::metadata(&path).and_then(|metadata| metadata.modified())
                else {
                    continue;
                };
                if now.duration_since(modified).unwrap_or_default() >= min_age {
                    found.push(hash);
                    if found.len() >= limit {
                        return Ok(found);
                    }
                }
            }
        }
        Ok(found)
    }

    /// Deletes a complete blob's file and its derived files, for a blob that has no row.
    pub fn remove_object(&self, hash: &BlobHash) -> anyhow::Result<()> {
        remove_if_present(&self.object_path(hash))?;
        remove_if_present(&self.working_path(hash))
    }

    /// Removes partial uploads that received no byte for `max_age`, skipping any that a writer
    /// holds. Returns how many were removed.
    pub fn remove_stale_partials(
        &self,
        max_age: Duration,
        now: SystemTime,
    ) -> anyhow::Result<usize> {
        let folder = self.root.join(PARTIAL);
        let mut removed = 0;
        for entry in
            fs::read_dir(&folder).with_context(|| format!("cannot list {}", folder.display()))?
        {
            let path = entry.context("cannot read a partial upload entry")?.path();
            let Ok(metadata) = fs::metadata(&path) else {
                continue;
            };
            let modified = metadata.modified().unwrap_or(now);
            if now.duration_since(modified).unwrap_or_default() < max_age {
                continue;
            }
            let Ok(file) = File::open(&path) else {
                continue;
            };
            // A writer has the lock, so the upload is live whatever the file's time shows.
            if file.try_lock().is_err() {
                continue;
            }
            remove_if_present(&path)?;
            removed += 1;
        }
        Ok(removed)
    }
}

impl PartialFile {
    /// Bytes kept so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Drops the bytes kept so far, to start again from the first byte.
    pub fn truncate(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.len = 0;
        Ok(())
    }

    /// Appends bytes at the end.
    pub fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(self.len))?;
        self.file.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Flushes the bytes kept so far to disk, so a resumed upload can count on them.
    pub fn sync(&self) -> std::io::Result<()> {
        self.file.sync_data()
    }

    /// Reads up to `count` bytes from the start, for type sniffing.
    pub fn prefix(&mut self, count: usize) -> std::io::Result<Vec<u8>> {
        self.file.seek(SeekFrom::Start(0))?;
        let mut prefix = Vec::with_capacity(count);
        (&mut self.file)
            .take(count as u64)
            .read_to_end(&mut prefix)?;
        Ok(prefix)
    }

    /// Removes the partial file; used when its content can never become the blob.
    pub fn discard(self) {
        if let Err(error) = fs::remove_file(&self.path) {
            if error.kind() != ErrorKind::NotFound {
                let path = self.path.display();
                tracing::warn!(%error, %path, "cannot remove a partial upload");
            }
        }
    }

    fn sha256(&mut self) -> std::io::Result<String> {
        self.file.seek(SeekFrom::Start(0))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let read = self.file.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        Ok(hex::encode(hasher.finalize()))
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
        Err(error) => {
            Err(anyhow::Error::new(error).context(format!("cannot remove {}", path.display())))
        }
    }
}

fn sync_folder(folder: &Path) -> anyhow::Result<()> {
    File::open(folder)
        .and_then(|handle| handle.sync_all())
        .with_context(|| format!("cannot flush folder {}", folder.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(bytes: &[u8]) -> BlobHash {
        BlobHash::parse(&hex::encode(Sha256::digest(bytes))).unwrap()
    }

    #[test]
    fn partial_commits_only_with_matching_hash() {
        let folder = tempfile::tempdir().unwrap();
        let store = BlobStore::open(folder.path()).unwrap();
        let bytes = b"page one of the ruling";
        let hash = hash_of(bytes);

        let mut partial = store.lock_partial(&hash).unwrap();
        partial.append(&bytes[..5]).unwrap();
        drop(partial);
        assert_eq!(store.partial_len(&hash).unwrap(), 5);

        let mut partial = store.lock_partial(&hash).unwrap();
        partial.append(&bytes[5..]).unwrap();
        let verified = store.verify_partial(partial, &hash).unwrap().unwrap();
        store.commit_partial(verified, &hash).unwrap();
        assert_eq!(store.read(&hash).unwrap(), bytes);
        assert_eq!(store.partial_len(&hash).unwrap(), 0);

        let wrong = hash_of(b"other");
        let mut partial = store.lock_partial(&wrong).unwrap();
        partial.append(bytes).unwrap();
        assert!(store.verify_partial(partial, &wrong).unwrap().is_none());
        assert!(!store.contains(&wrong));
        assert_eq!(store.partial_len(&wrong).unwrap(), 0);
    }

    #[test]
    fn second_writer_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        let store = BlobStore::open(folder.path()).unwrap();
        let hash = hash_of(b"x");

        let _first = store.lock_partial(&hash).unwrap();
        assert!(matches!(
            store.lock_partial(&hash),
            Err(PartialOpenError::Busy)
        ));
    }

    #[test]
    fn stale_partial_is_removed_unless_locked() {
        let folder = tempfile::tempdir().unwrap();
        let store = BlobStore::open(folder.path()).unwrap();
        let (old, live) = (hash_of(b"old"), hash_of(b"live"));
        store.lock_partial(&old).unwrap().append(b"o").unwrap();
        let held = store.lock_partial(&live).unwrap();

        let later = SystemTime::now() + Duration::from_secs(3600);
        let removed = store
            .remove_stale_partials(Duration::from_secs(60), later)
            .unwrap();

        assert_eq!(removed, 1);
        assert_eq!(store.partial_len(&old).unwrap(), 0);
        assert!(store.partial_path(&live).exists());
        drop(held);
    }
}

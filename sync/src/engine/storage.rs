//! Storage model of one document, without a database: a compressed snapshot plus the incremental
//! chunks appended since, folded into a new snapshot when they grow too large.
//!
//! Invariants: loading a [`StoredDocument`] loads the snapshot and then every chunk in order, and
//! fails if any of them does not load; [`StoredDocument::compact`] returns a value that loads to a
//! document with the same heads and the same snapshot.

use automerge::{ActorId, AutoCommit};

use super::chunks::{self, ChangeSummary};
use super::SyncError;
use crate::document::MaterialListDocument;

/// Default chunk count above which [`StoredDocument::needs_compaction`] returns true even while the
/// chunks are still small, because each chunk costs a row read and a parse on every load.
pub const DEFAULT_MAX_CHUNKS: usize = 64;

/// One document as the server keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredDocument {
    /// Output of a full save; empty for a document never compacted and never saved.
    pub snapshot: Vec<u8>,
    /// Incremental chunks (outputs of `save_after`), in the order they were written.
    pub chunks: Vec<Vec<u8>>,
}

impl StoredDocument {
    /// Starts a stored document with a full save of `document`.
    pub fn from_document(document: &mut MaterialListDocument) -> StoredDocument {
        StoredDocument {
            snapshot: document.save(),
            chunks: Vec::new(),
        }
    }

    /// Appends a chunk of new changes; an empty chunk (no new changes) is not stored.
    pub fn push_chunk(&mut self, chunk: Vec<u8>) {
        if !chunk.is_empty() {
            self.chunks.push(chunk);
        }
    }

    /// Loads the snapshot, then every chunk in order, and sets the actor later edits are written by.
    pub fn load(&self, actor: ActorId) -> Result<MaterialListDocument, SyncError> {
        let mut doc =
            AutoCommit::load(&self.snapshot).map_err(|e| SyncError::Storage(Box::new(e)))?;
        for (index, chunk) in self.chunks.iter().enumerate() {
            // `load_incremental` skips a chunk it cannot parse without an error, so each chunk is
            // parsed strictly first.
            chunks::read_changes(chunk, &mut ChangeSummary::default())
                .map_err(|reason| SyncError::CorruptChunk { index, reason })?;
            doc.load_incremental(chunk)
                .map_err(|e| SyncError::Storage(Box::new(e)))?;
        }
        // A change whose dependencies never arrived waits in a queue and is invisible, so a stored
        // document must never contain one.
        let missing = doc.get_missing_deps(&[]);
        if !missing.is_empty() {
            return Err(SyncError::MissingChanges(missing.len()));
        }
        Ok(MaterialListDocument::from_automerge(doc.with_actor(actor)))
    }

    /// Total size of the chunks in bytes.
    pub fn chunk_bytes(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    /// Tells whether the chunks should be folded into a new snapshot: when their total size
    /// exceeds the snapshot's, or when there are more than `max_chunks` of them.
    pub fn needs_compaction(&self, max_chunks: usize) -> bool {
        !self.chunks.is_empty()
            && (self.chunk_bytes() > self.snapshot.len() || self.chunks.len() > max_chunks)
    }

    /// Folds the chunks into a new snapshot.
    pub fn compact(&self) -> Result<StoredDocument, SyncError> {
        let mut document = self.load(ActorId::random())?;
        Ok(StoredDocument::from_document(&mut document))
    }
}

//! Blob store (照片文件存储): photos kept on local disk under the data folder, named by the SHA-256
//! of their content, with resumable uploads and garbage collection.
//!
//! Invariants:
//! - a file under `objects/` is complete and its content hashes to its name: bytes arrive in a
//!   partial file, which is hashed, flushed to disk and only then renamed into place;
//! - a `blobs` row exists only for a complete file. Storing a blob, and removing it, happen inside
//!   a write transaction that holds the blob's lock ([`lock_blob`]), so two server processes never
//!   race on one hash, and garbage collection never removes a blob that a list has just begun to
//!   refer to;
//! - a partial upload has one writer at a time across processes: the writer holds an exclusive
//!   `flock` on the partial file (local disks only; NFS locks are not relied on).

pub mod gc;
pub mod store;
pub mod upload;

use std::fmt;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::error::{ApiError, ApiResult};

pub use store::BlobStore;

/// A SHA-256 content hash in its stored form: 64 lowercase hex characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobHash(String);

impl BlobHash {
    /// Parses a hash from a URL or a document; upper-case hex is accepted and lowered.
    pub fn parse(text: &str) -> ApiResult<BlobHash> {
        let lowered = text.trim().to_ascii_lowercase();
        if lowered.len() != 64 || !lowered.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(ApiError::bad_request(
                "INVALID_BLOB_HASH",
                format!("照片哈希“{text}”无效，应为 64 位十六进制的 SHA-256 值。"),
            ));
        }
        Ok(BlobHash(lowered))
    }

    /// Wraps a hash already known to be valid, such as one read back from the database.
    pub(crate) fn from_trusted(text: String) -> BlobHash {
        BlobHash(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Takes the blob's lock for the rest of the transaction `db` runs in.
///
/// PostgreSQL: a transaction-scoped advisory lock keyed by the hash (outside a transaction it is
/// released at once, so callers pass a transaction). SQLite: the write
/// transaction (`BEGIN IMMEDIATE`) already excludes every other writer. Callers that lock several
/// blobs lock them in sorted order, so two transactions cannot wait on each other.
pub async fn lock_blob<C: ConnectionTrait>(db: &C, hash: &str) -> ApiResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [format!("blob:{hash}").into()],
        ))
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_lowered_and_checked() {
        let upper = "AB".repeat(32);
        assert_eq!(BlobHash::parse(&upper).unwrap().as_str(), "ab".repeat(32));
        assert!(BlobHash::parse("abc").is_err());
        assert!(BlobHash::parse(&"zz".repeat(32)).is_err());
    }
}

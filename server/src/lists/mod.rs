//! Material lists (材料清单) on the server: access rules, document storage with per-document
//! locking, relational rows derived from the merged document, the change feed, and the sync
//! service that ties them together.

pub mod access;
pub mod center_write;
pub mod feed;
pub mod query;
pub mod rows;
pub mod store;
pub mod sync;

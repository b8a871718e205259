//! Photos (照片) of the paper an officer produces: which list items refer to which photo, the
//! processing queue shared by server processes, and the results the API returns.
//!
//! Invariants:
//! - `photo_references` always equals the photo hashes of the item rows: it is rewritten from the
//!   merged document in the transaction that rewrites the item rows;
//! - a `photos` row exists for a photo that is stored and referred to by some list; it is queued
//!   when the second of the two happens, whichever comes first;
//! - results reach phones and the center through the API, never through the team's document.

pub mod queue;
pub mod references;
pub mod status;
pub mod view;

pub use status::PhotoStatus;

//! Material lists (材料清单) as Automerge documents, their validation rules, and the sync engine.
//!
//! This crate has no HTTP and no database code. The server and the client library both call it,
//! so both run the same rules.
//!
//! - [`materials`]: the catalogue of material types, kept as data.
//! - [`model`]: the plain-Rust snapshot of a list.
//! - [`document`]: the typed editing API over one list's Automerge document.
//! - [`validation`]: the rules of one list and of a change to it.
//! - [`engine`]: the sync engine for the server and the client, and the storage model.

pub mod case_number;
pub mod document;
pub mod engine;
pub mod materials;
pub mod model;
pub mod validation;

#[cfg(test)]
mod fixtures;

pub use automerge::{ActorId, ChangeHash};
pub use case_number::{CaseNumber, CaseNumberError, CaseType};
pub use document::{DocumentError, Editor, ItemChanges, MaterialListDocument, NewItem, NewList};
pub use engine::{
    Access, InspectedMessage, Notice, PeerState, ServerContext, ServerOutcome, StoredDocument,
    SyncError,
};
pub use materials::{Catalogue, CatalogueError, MaterialType};
pub use model::{Item, MaterialList, Originality, Status, TeamKind, Trip};
pub use validation::{Role, RuleCode, Violation};

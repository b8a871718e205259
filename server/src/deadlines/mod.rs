//! Working-day calendar (工作日历) in the server and the hand-over deadlines of material lists.
//!
//! The calendar is the shipped mainland file plus every file an administrator imported, which
//! are kept in the database so that every server process uses an import at once.

pub mod calendar_store;
pub mod handover;
pub mod sweep;

//! The case-file center's (卷宗管理中心) side of a handover, as pure domain code: no HTTP, no
//! database. The server stores what these types describe and calls these functions.
//!
//! - [`catalogue`]: the catalogue (案卷目录) of an enforcement case file, kept as data, and the
//!   table of contents (卷内目录) of one case's received items.
//! - [`check`]: the result of checking each listed item against the paper, and its validation.
//! - [`register`]: register (登记簿) numbers, entries, corrections, supplements, disputes, and
//!   the current result of every item after all of them.
//! - [`naming`]: standard names such as `查封笔录-张某`, and the party found in OCR text.
//! - [`duplicates`]: duplicates within a case, by photo hash or near-identical OCR text.
//! - [`figures`]: the data manager's (数据管理岗) figures per team and per day, and their CSV.

pub mod catalogue;
pub mod check;
pub mod duplicates;
pub mod figures;
pub mod naming;
pub mod register;

pub use catalogue::{FilingCatalogue, FilingCatalogueError, FilingNode};
pub use check::{
    CheckCounts, CheckProblem, ExtraPaper, HandoverCheck, ItemCheck, ItemResult, RejectReason,
};
pub use register::{RegisterNumber, Timeliness};

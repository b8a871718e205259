//! Juanzong Sync (卷宗同步) server: keeps an enforcement bureau's field work and its case-file
//! center (卷宗管理中心) in step.
//!
//! Modules: `config` (layered settings), `db` (connection, migration, write transactions),
//! `entities` (sea-orm tables), `org` (courts, teams, users, roles), `auth` (passwords, tokens,
//! the request extractor), `cases` (enforcement cases and CSV import), `center` (the case-file
//! center's register, catalogues and figures), `blobs` (photo files on disk, uploads, garbage
//! collection), `photos` (photo references, the processing queue and its results), `routes` (HTTP
//! handlers only), `console` (the center's web pages), `startup` (building and running the server), `cli` (the `juanzong` command),
//! `demo` (the demo's organisation).

pub mod auth;
pub mod blobs;
pub mod cases;
pub mod center;
pub mod cli;
pub mod config;
pub mod console;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod entities;
pub mod error;
pub mod lists;
pub mod org;
pub mod photos;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod workers;

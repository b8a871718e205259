//! Juanzong Sync (卷宗同步) server: keeps an enforcement bureau's field work and its case-file
//! center (卷宗管理中心) in step.
//!
//! Modules: `config` (layered settings), `db` (connection, migration, write transactions),
//! `entities` (sea-orm tables), `org` (courts, teams, users, roles), `auth` (passwords, tokens,
//! the request extractor), `cases` (enforcement cases and CSV import), `routes` (HTTP handlers
//! only), `startup` (building and running the server), `cli` (the `juanzong` command).

pub mod auth;
pub mod cases;
pub mod cli;
pub mod config;
pub mod db;
pub mod deadlines;
pub mod entities;
pub mod error;
pub mod lists;
pub mod org;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod workers;

//! The field-to-center demo (演示): one working day of an enforcement bureau, from two field teams
//! working offline to the case-file center's (卷宗管理中心) register and figures, run against a
//! real server through its HTTP API and the device client library.
//!
//! [`images`] makes realistic photos of the court papers the teams produce; [`organisation`]
//! describes the teams, accounts and cases the scenario needs; [`run`] plays the day and returns
//! a [`DemoReport`] while it prints each step in Chinese.

mod api;
mod error;
pub mod images;
mod narrate;
pub mod organisation;
mod photos;
mod scenario;

pub use error::DemoError;
pub use photos::{folder_photos, PhotoSource};
pub use scenario::{
    run, ConsoleHandover, DemoOptions, DemoReport, ListOutcome, OpenHandover, PhotoOutcome,
};

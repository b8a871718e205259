//! Wire types of the mobile API (移动办案系统 to server), shared by the server and the client, and
//! the device client: an offline store, the sync loop and the `juanzong-device` command line.

pub mod auth;
pub mod center;
pub mod cli;
pub mod client;
pub mod error;
pub mod feed;
pub mod lists;
pub mod photos;
pub mod sync;

pub use error::ErrorBody;

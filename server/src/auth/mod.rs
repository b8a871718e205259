//! Accounts and tokens: password hashing, access tokens (JWT), refresh tokens bound to devices,
//! and the request extractor that checks them.

pub mod extractor;
pub mod jwt;
pub mod password;
pub mod secret;
pub mod service;

pub use extractor::AuthUser;

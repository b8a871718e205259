//! Accounts and tokens: password hashing, access tokens (JWT), refresh tokens bound to devices,
//! and the request extractor that checks them.

pub mod extractor;
pub mod jwt;
pub mod password;
pub mod secret;
pub mod service;

pub use extractor::AuthUser;

/// Cookie that carries the web console's access token. Its path is `/` so that the console's
/// `<img>` tags can load photos from `/api/v1/photos/...`; the API accepts it on GET and HEAD only.
pub const ACCESS_COOKIE: &str = "juanzong_access";

//! The error body of every API response that is not a success.

use serde::{Deserialize, Serialize};

/// `{"code": "LIST_FROZEN", "message": "清单已移送，不能再修改"}`: `code` is a stable English
/// identifier for programs, `message` is Chinese for people.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

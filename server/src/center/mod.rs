//! The case-file center (卷宗管理中心) on the server. It lists the handovers waiting for the intake
//! clerk and keeps the register (登记簿) of receipts, supplements and corrections. It records
//! disputes over a 修改意见, which the director (执行局长) decides. It reads out the team's results
//! and tasks, each case's catalogue (案卷目录) and the data manager's figures. The domain rules live in `juanzong-center`; this module stores
//! and reads what they describe.
//!
//! Several server processes may serve one database. Every registration runs in one write
//! transaction that holds the list's lock; register numbers come from `register_counters` in
//! that transaction; and unique keys (client-made ids, one receipt per list, one correction per
//! entry, one dispute per rejected item) turn a repeated request into the stored result.

pub mod access;
pub mod catalogue;
pub mod disputes;
pub mod entries;
pub mod figures;
pub mod queries;
pub mod register;

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

/// Returns the Asia/Shanghai calendar day of an instant.
pub fn shanghai_day(at: DateTime<Utc>) -> NaiveDate {
    juanzong_calendar::shanghai_date(&at.fixed_offset())
}

/// Returns the SHA-256 (hex) of a request's JSON, to tell a repeated request from a reused id.
pub fn request_hash<T: serde::Serialize>(request: &T) -> String {
    let json = serde_json::to_vec(request).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}

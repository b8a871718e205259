//! Enforcement cases (执行案件): bulk import from court exports, and look-ups.

pub mod import;
pub mod service;

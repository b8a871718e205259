//! The organisation: courts (法院), teams (团队), users and their roles.

pub mod roles;
pub mod service;

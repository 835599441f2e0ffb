//! The rules of recognition decisions as plain Rust: the register's numbering and the date
//! line of Decree 30/2020, the body profile's validation, and what a draft holds.

pub mod draft;
pub mod numbering;
pub mod profile;
pub mod status;

//! Identity rules as plain functions: password policy, names, the unit tree, whether a token
//! still stands.

pub mod names;
pub mod password_policy;
pub mod policy;
pub mod standing;
pub mod unit_tree;

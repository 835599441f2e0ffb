//! Identity rules as plain functions: password policy, names, the unit tree.

pub mod names;
pub mod password_policy;
pub mod policy;
pub mod unit_tree;

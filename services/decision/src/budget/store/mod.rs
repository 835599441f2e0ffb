//! The budget's tables, their migration with the national seeds, and the queries the API and
//! the event handler share.

pub mod entities;
mod migration;
pub mod queries;
pub mod writes;

pub use migration::CreateBudget;

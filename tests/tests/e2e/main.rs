//! The system through its gateway, as a client sees it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod appraisal;
mod attacks;
mod budget;
mod dashboard;
mod decisions;
mod events;
mod gateway;
mod identity;
pub(crate) mod intake;
mod nominations;
mod policy;
mod roles;
mod rotation;
pub(crate) mod sittings;
mod tokens;
mod year;

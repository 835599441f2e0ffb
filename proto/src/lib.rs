//! Contracts between sangkien processes.
//!
//! Everything one process says to another lives here, so that a change of contract is one
//! change in one place: the event envelope and the event payloads, their routing keys, the
//! shared enums, and the problem+json body every HTTP error uses with its stable codes.
//! This crate does no I/O.

pub mod envelope;
pub mod events;
pub mod problem;
pub mod roles;

pub use envelope::{Envelope, Event};
pub use problem::{ErrorCode, FieldError, Lang, Problem};
pub use roles::Role;

//! Appraisal on its own: the service started through `kit::service::start` on a fresh
//! database, its handlers driven over HTTP with test tokens, and the events it consumes fed
//! through its event handler. One binary, so the crate links once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cases;
mod helpers;
mod panels;
mod sittings;

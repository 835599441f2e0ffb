//! Intake on its own: the service started through `kit::service::start` on a fresh
//! database, its handlers driven over HTTP with test tokens. One binary, so the crate links
//! once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod plans;

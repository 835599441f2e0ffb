//! The gateway binary on its own, in front of a fake service: streamed bodies with bounded
//! memory both ways, 504 for a slow service, the body limit, CORS, and the OpenAPI document
//! checked by a real validator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod door;
mod harness;

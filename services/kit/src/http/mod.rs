//! HTTP plumbing every process shares: request ids, problem+json rendering, extractor
//! error mapping, health, readiness and metrics endpoints.

pub mod health;
pub mod paging;
pub mod problems;
pub mod request_id;

pub use problems::{extractor_configs, problems};
pub use request_id::{RequestId, request_id};

//! HTTP plumbing every process shares: request ids, problem+json rendering, extractor
//! error mapping, health, readiness and metrics endpoints.

pub mod audit;
pub mod contract;
pub mod health;
pub mod paging;
pub mod problems;
pub mod request_id;
pub mod whole_numbers;

pub use problems::{extractor_configs, problems};
pub use request_id::{RequestId, RouteTemplate, request_id};

/// Turns Nagle's algorithm off on each accepted connection (`HttpServer::on_connect`).
///
/// A proxied answer is written in pieces (head, then body chunks); with Nagle on, the last
/// small piece waits for the client's delayed ACK, which added ~40 ms to the gateway's p99
/// in the load test (docs/performance.md).
pub fn no_delay(connection: &dyn std::any::Any, _: &mut actix_web::dev::Extensions) {
    if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
        let _ = stream.set_nodelay(true);
    }
}

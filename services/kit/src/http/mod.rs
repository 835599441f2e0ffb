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

/// `res` with `Location: location`: a 201 names what it created (RFC 9110 §15.3.2), so a
/// client follows the link instead of rebuilding the URL from the body (issue 14, item 1).
/// Every route answering 201 sends it; the e2e contract check fails on a 201 without it.
pub fn with_location(mut res: actix_web::HttpResponse, location: &str) -> actix_web::HttpResponse {
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(location) {
        res.headers_mut()
            .insert(actix_web::http::header::LOCATION, value);
    }
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_created_answer_carries_its_location() {
        let res = super::with_location(
            actix_web::HttpResponse::Created().finish(),
            "/api/v1/appraisal/panels/p-1",
        );
        assert_eq!(
            res.headers()
                .get(actix_web::http::header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some("/api/v1/appraisal/panels/p-1")
        );
    }
}

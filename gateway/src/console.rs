//! The web console (`console/`), embedded in the binary at build time and served at `/`:
//! the files of its bundle with their content type, hashed assets cached for good, and
//! `index.html` (never cached, so a new release is picked up) for every client-side route.
//! Paths under `/api/`, `/docs` and the probes keep their own answers; an unknown `/api/`
//! path stays a 404 problem.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{Method, header},
};
use sangkien_kit::ApiError;
use sangkien_proto::ErrorCode;

mod files {
    include!(concat!(env!("OUT_DIR"), "/console_files.rs"));
}

/// The bytes of one file of the bundle, if it has one at that path.
fn file(path: &str) -> Option<&'static [u8]> {
    files::FILES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, bytes)| *bytes)
}

/// The content type by extension: the bundle has only these kinds of files.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether a path belongs to the API or the gateway's own pages, never to the console.
fn reserved(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || path.starts_with("/docs")
}

/// Cache policy: Vite names what is under `assets/` by its content hash, so it never changes.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// The default service of the gateway: a file of the console, or its `index.html` for a
/// client-side route (a path with no extension), or the 404 problem.
pub async fn serve(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if !(req.method() == Method::GET || req.method() == Method::HEAD) || reserved(path) {
        // A documented route asked with a method it does not take: 405 naming those it takes.
        let methods = crate::openapi::documented_methods(path);
        if !methods.is_empty()
            && !methods.iter().any(|m| m == req.method().as_str())
            && let Ok(allow) = header::HeaderValue::from_str(&methods.join(", "))
        {
            use actix_web::ResponseError;
            let mut res = ApiError::new(ErrorCode::MethodNotAllowed).error_response();
            res.headers_mut().insert(header::ALLOW, allow);
            return Ok(res);
        }
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let rel = path.trim_start_matches('/');
    let (name, bytes) = match file(rel) {
        Some(bytes) if !rel.is_empty() => (rel, bytes),
        _ if !rel.rsplit('/').next().unwrap_or("").contains('.') => (
            "index.html",
            file("index.html").ok_or(ApiError::new(ErrorCode::NotFound))?,
        ),
        _ => return Err(ApiError::new(ErrorCode::NotFound)),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type(name))
        .insert_header((header::CACHE_CONTROL, cache_control(name)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_is_embedded_with_its_index_and_hashed_assets() {
        assert!(file("index.html").is_some_and(|b| b.starts_with(b"<!doctype html>")));
        assert!(
            files::FILES
                .iter()
                .any(|(n, _)| n.starts_with("assets/") && n.ends_with(".js"))
        );
    }

    #[test]
    fn api_and_docs_paths_are_never_the_console() {
        assert!(reserved("/api/v1/nowhere"));
        assert!(reserved("/docs/"));
        assert!(!reserved("/dossiers/1"));
    }

    #[test]
    fn hashed_assets_are_immutable_and_the_index_is_not_cached() {
        assert_eq!(
            cache_control("assets/index-abc.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("index.html"), "no-cache");
        assert_eq!(
            content_type("assets/index-abc.js"),
            "text/javascript; charset=utf-8"
        );
    }
}

//! The gateway's own HTTP API: sign-in and tokens, the directory, the keys.

pub mod auth;
pub mod directory;
pub mod views;

use actix_web::web;

/// Registers the gateway's own routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/.well-known/jwks.json", web::get().to(auth::jwks));
    cfg.service(web::scope("/api/v1/auth").configure(auth::configure));
    cfg.service(web::scope("/api/v1/directory").configure(directory::configure));
}
